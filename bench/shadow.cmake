# bench_shadow: executions/s and executions to exhaust for the standard
# shadow models (included by bench/CMakeLists.txt).
if(HEDDLE_SHADOW_ENABLED)
  add_executable(bench_shadow ${CMAKE_CURRENT_LIST_DIR}/bench_shadow.c)
  # The models' atomics reach the scheduler through the __tsan_* calls.
  target_compile_options(bench_shadow PRIVATE -fsanitize=thread)
  target_include_directories(bench_shadow PRIVATE ${PROJECT_SOURCE_DIR}/runtime-shadow/sched)
  target_link_libraries(bench_shadow PRIVATE heddle::shadow)
  heddle_target_warnings(bench_shadow)
endif()
# bench_shadow_models: the models of the rest of the API (time, sync,
# channels, network) and the relay scenario.
if(HEDDLE_SHADOW_ENABLED)
  add_executable(bench_shadow_models ${CMAKE_CURRENT_LIST_DIR}/bench_shadow_models.c)
  target_compile_options(bench_shadow_models PRIVATE -fsanitize=thread)
  target_link_libraries(bench_shadow_models PRIVATE heddle::shadow)
  heddle_target_warnings(bench_shadow_models)
endif()
