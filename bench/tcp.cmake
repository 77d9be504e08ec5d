# TCP echo over loopback, 50 connections, for each executor (bench_tcp_echo).
add_executable(bench_tcp_echo ${CMAKE_CURRENT_SOURCE_DIR}/bench_tcp_echo.c)
target_link_libraries(bench_tcp_echo PRIVATE heddle_runtime)
heddle_target_warnings(bench_tcp_echo)
