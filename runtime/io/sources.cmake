# libheddle's io area: the reactor, timers and I/O futures (paths relative to runtime/).
list(APPEND HEDDLE_RUNTIME_SOURCES
  io/epoll.c
  io/timer_heap.c
  io/sleep.c
  io/interval.c
  io/timeout.c
  io/stream.c
  io/tcp.c
  io/read_write.c
  io/read_exact.c
  io/read_line.c
  io/read_to_end.c
  io/write_all.c
  io/framed.c
)
