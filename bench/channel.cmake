# channel ping-pong round trips/s (bench/bench_channel.c)
add_executable(bench_channel ${CMAKE_CURRENT_SOURCE_DIR}/bench_channel.c)
target_link_libraries(bench_channel PRIVATE heddle_runtime)
heddle_target_warnings(bench_channel)
