# CMake generated Testfile for 
# Source directory: /work/main/tests/runtime
# Build directory: /work/main/build/tests/runtime
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test([=[runtime.future]=] "/work/main/build/tests/runtime/test_runtime_future")
set_tests_properties([=[runtime.future]=] PROPERTIES  LABELS "unit;runtime" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;10;add_test;/work/main/tests/runtime/CMakeLists.txt;2;heddle_add_test;/work/main/tests/runtime/CMakeLists.txt;0;")
