# libheddle sync area: async locks, notify and channels (paths relative to runtime/).
list(APPEND HEDDLE_RUNTIME_SOURCES
  sync/waitq.c
  sync/sem.c
  sync/mutex.c
  sync/rwlock.c
  sync/semaphore.c
  sync/notify.c
  sync/mpsc.c
  sync/oneshot.c
)
