# frame echo server and client (examples/echo_*.c)
