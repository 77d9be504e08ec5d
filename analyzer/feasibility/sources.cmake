# feasibility/: path feasibility with Z3 (pipeline stage 6). A library of
# its own so its unit tests link only libclang and Z3; heddle_analyzer
# links it. Included from analyzer/CMakeLists.txt after heddle_analyzer.
add_library(heddle_feasibility STATIC
  feasibility/expr.c
  feasibility/from_cursor.c
  feasibility/z3_solver.c
  feasibility/feasible.c
  feasibility/versions.c
  feasibility/guess.c
)
target_include_directories(heddle_feasibility PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}
  ${PROJECT_SOURCE_DIR}/include)
target_link_libraries(heddle_feasibility PUBLIC heddle_libclang PkgConfig::Z3 Threads::Threads)
heddle_target_warnings(heddle_feasibility)
target_link_libraries(heddle_analyzer PUBLIC heddle_feasibility)
# The witness search reads the IR (and, for lock states, the lock
# exploration): it is part of the analyzer proper.
target_sources(heddle_analyzer PRIVATE feasibility/witness.c feasibility/relevance.c)
