# tests for the runtime's core: executors, tasks, combinators, rc
heddle_add_test(runtime executor LIBS heddle_runtime)
heddle_add_test(runtime rc LIBS heddle_runtime)
