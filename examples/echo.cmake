# frame echo server and client (examples/echo_*.c): one protocol library,
# a server, a client, and a demo running both sides in one process.
add_library(echo_proto STATIC ${CMAKE_CURRENT_SOURCE_DIR}/echo_proto.c)
target_link_libraries(echo_proto PUBLIC heddle_runtime)
target_include_directories(echo_proto PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
heddle_target_warnings(echo_proto)
foreach(prog echo_server echo_client echo_demo)
  add_executable(${prog} ${CMAKE_CURRENT_SOURCE_DIR}/${prog}.c)
  target_link_libraries(${prog} PRIVATE echo_proto)
  heddle_target_warnings(${prog})
endforeach()
if(HEDDLE_BUILD_TESTS)
  # The demo checks every echo itself (exit status 0); the pair runs the
  # server and the client as two processes.
  foreach(executor current multi)
    add_test(NAME example.echo.${executor} COMMAND echo_demo --${executor} 8 200)
    add_test(NAME example.echo_pair.${executor}
             COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/echo_pair.sh $<TARGET_FILE:echo_server>
                     $<TARGET_FILE:echo_client> --${executor})
    set_tests_properties(example.echo.${executor} example.echo_pair.${executor}
                         PROPERTIES LABELS example TIMEOUT 120)
  endforeach()
endif()
