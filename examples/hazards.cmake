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

# The relay's lock-across-await under the shadow runtime (scripts/demo.sh
# runs `heddle explore` on it): the buggy build must be reported, the fixed
# one must explore clean.
include(HeddleExplore)
heddle_add_explore_test(relay_explore SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/hazards/relay_explore.c
                        ARGS --preemptions 2 LABELS "example;model" EXPECT_REPORT)
heddle_add_explore_test(relay_explore_fixed SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/hazards/relay_explore.c
                        ARGS --preemptions 2 LABELS "example;model")
if(TARGET relay_explore_fixed)
  target_compile_definitions(relay_explore_fixed PRIVATE RELAY_FIXED)
endif()
