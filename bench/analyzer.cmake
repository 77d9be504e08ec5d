# `cmake --build BUILD --target bench-analyzer`: heddle check vs
# clang-19 -fsyntax-only (bench/analyzer.sh; bench/run.sh analyzer).
if(TARGET heddle)
  add_custom_target(bench-analyzer
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/analyzer.sh ${CMAKE_BINARY_DIR}
    DEPENDS heddle
    USES_TERMINAL
    COMMENT "heddle check vs clang-19 -fsyntax-only")
endif()
