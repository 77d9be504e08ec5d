# heddle_add_explore_test(NAME SOURCES src... [LIBS lib...] [ARGS flag...]
#                         [LABELS l...] [EXPECT_REPORT])
# Builds a test binary against libheddle-shadow (its main() explores the
# test's hd_shadow_test()) with the test's own code compiled with
# -fsanitize=thread but no TSan runtime linked (the shadow library provides
# the __tsan_* entry points), and registers `heddle-explore ARGS -- NAME`
# as a ctest. EXPECT_REPORT: the test passes when something is reported.
function(heddle_add_explore_test name)
  cmake_parse_arguments(E "EXPECT_REPORT" "" "SOURCES;LIBS;ARGS;LABELS" ${ARGN})
  if(NOT HEDDLE_SHADOW_ENABLED)
    return()
  endif()
  add_executable(${name} ${E_SOURCES})
  target_compile_options(${name} PRIVATE -fsanitize=thread)
  target_link_libraries(${name} PRIVATE heddle::shadow-main ${E_LIBS})
  add_test(NAME explore.${name}
           COMMAND $<TARGET_FILE:heddle::explore> ${E_ARGS} -- $<TARGET_FILE:${name}>)
  if(NOT E_LABELS)
    set(E_LABELS model)
  endif()
  set_tests_properties(explore.${name} PROPERTIES LABELS "${E_LABELS}" TIMEOUT 300)
  if(E_EXPECT_REPORT)
    set_tests_properties(explore.${name} PROPERTIES WILL_FAIL ON)
  endif()
endfunction()
