# The relay: the example heddle check and heddle explore run on (scripts/demo.sh).
# relay.c has the three hazards; relay_fixed.c is the fixed program.
foreach(prog relay relay_fixed)
  add_executable(${prog} ${CMAKE_CURRENT_SOURCE_DIR}/hazards/${prog}.c)
  target_link_libraries(${prog} PRIVATE heddle_runtime)
  heddle_target_warnings(${prog})
endforeach()
if(HEDDLE_BUILD_TESTS)
  add_test(NAME example.relay_fixed.current COMMAND relay_fixed 5)
  add_test(NAME example.relay_fixed.multi COMMAND relay_fixed --multi 5)
  set_tests_properties(example.relay_fixed.current example.relay_fixed.multi
    PROPERTIES LABELS "example" TIMEOUT 60)
endif()
