# One warnings list, applied per target with heddle_target_warnings().
set(HEDDLE_WARNINGS -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wno-unused-parameter)
if(HEDDLE_WERROR)
  list(APPEND HEDDLE_WARNINGS -Werror)
endif()

function(heddle_target_warnings target)
  target_compile_options(${target} PRIVATE ${HEDDLE_WARNINGS})
endfunction()
