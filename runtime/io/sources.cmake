# libheddle's io area: the reactor, timers and I/O futures (paths relative to runtime/).
list(APPEND HEDDLE_RUNTIME_SOURCES
  io/epoll.c
  io/timer_heap.c
)
