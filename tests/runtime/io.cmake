# tests for the runtime's io area (reactor, time, io); they may include the
# private runtime/reactor.h to look inside.
foreach(unit reactor time io framed tcp)
  heddle_add_test(runtime ${unit} LIBS heddle_runtime)
  target_include_directories(test_runtime_${unit} PRIVATE ${PROJECT_SOURCE_DIR}/runtime)
endforeach()
