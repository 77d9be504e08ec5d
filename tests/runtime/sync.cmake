# tests for the runtime's sync area: async locks, notify, channels
foreach(unit mutex rwlock semaphore notify mpsc oneshot)
  heddle_add_test(runtime ${unit} LIBS heddle_runtime)
endforeach()
