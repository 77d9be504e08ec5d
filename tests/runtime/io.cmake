# tests for the runtime's io area (reactor, time, io)
heddle_add_test(runtime reactor LIBS heddle_runtime)
target_include_directories(test_runtime_reactor PRIVATE ${PROJECT_SOURCE_DIR}/runtime)
