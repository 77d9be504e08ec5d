# The models of the rest of heddle's API (model/ext.h), included by
# runtime-shadow/CMakeLists.txt. Pure code of libheddle is compiled in as
# it is: combinators, virtual-time users (sleep, interval, timeout), the I/O
# futures over the in-memory streams of model/net.c, and the
# async sync primitives and channels, whose internal pthread mutexes are the
# modelled ones (model/pthread.c), so every channel operation and lock
# hand-off is a visible operation.
set(HEDDLE_RT ${PROJECT_SOURCE_DIR}/runtime)
target_sources(heddle-shadow PRIVATE
  model/choice.c
  model/vtime.c
  model/ext.c
  model/net.c
  model/cancel.c
  model/detect.c
  ${HEDDLE_RT}/rc.c
  ${HEDDLE_RT}/combinators.c
  ${HEDDLE_RT}/io/sleep.c
  ${HEDDLE_RT}/io/interval.c
  ${HEDDLE_RT}/io/timeout.c
  ${HEDDLE_RT}/sync/waitq.c
  ${HEDDLE_RT}/sync/sem.c
  ${HEDDLE_RT}/sync/mutex.c
  ${HEDDLE_RT}/sync/rwlock.c
  ${HEDDLE_RT}/sync/semaphore.c
  ${HEDDLE_RT}/sync/notify.c
  ${HEDDLE_RT}/sync/mpsc.c
  ${HEDDLE_RT}/sync/oneshot.c
  ${HEDDLE_RT}/io/read_write.c
  ${HEDDLE_RT}/io/read_exact.c
  ${HEDDLE_RT}/io/read_line.c
  ${HEDDLE_RT}/io/read_to_end.c
  ${HEDDLE_RT}/io/write_all.c
  ${HEDDLE_RT}/io/framed.c
)
target_include_directories(heddle-shadow PRIVATE ${HEDDLE_RT})
# executor.c models hd_yield_init; combinators.c's copy is renamed away.
# The futures cancel.c wraps and the hd_rc functions detect.c wraps keep
# their code under hd__real_* names.
set_source_files_properties(${HEDDLE_RT}/combinators.c PROPERTIES
  COMPILE_DEFINITIONS "hd_yield_init=hd__combinators_yield_init;hd_select_init=hd__real_select_init")
set_source_files_properties(${HEDDLE_RT}/io/timeout.c PROPERTIES
  COMPILE_DEFINITIONS "hd_timeout_init=hd__real_timeout_init")
set_source_files_properties(${HEDDLE_RT}/io/read_exact.c PROPERTIES
  COMPILE_DEFINITIONS "hd_read_exact_init=hd__real_read_exact_init")
set_source_files_properties(${HEDDLE_RT}/io/read_line.c PROPERTIES
  COMPILE_DEFINITIONS "hd_read_line_init=hd__real_read_line_init")
set_source_files_properties(${HEDDLE_RT}/io/read_to_end.c PROPERTIES
  COMPILE_DEFINITIONS "hd_read_to_end_init=hd__real_read_to_end_init")
set_source_files_properties(${HEDDLE_RT}/io/write_all.c PROPERTIES
  COMPILE_DEFINITIONS "hd_write_all_init=hd__real_write_all_init")
set_source_files_properties(${HEDDLE_RT}/io/framed.c PROPERTIES
  COMPILE_DEFINITIONS "hd_write_frame_init=hd__real_write_frame_init")
set_source_files_properties(${HEDDLE_RT}/rc.c PROPERTIES
  COMPILE_DEFINITIONS "hd_rc_new=hd__real_rc_new;hd_rc_clone=hd__real_rc_clone;hd_rc_drop=hd__real_rc_drop;hd_rc_get=hd__real_rc_get")
