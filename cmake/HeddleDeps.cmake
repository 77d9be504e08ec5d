# External libraries, each wrapped in an imported target.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

if(HEDDLE_BUILD_TESTS)
  # cmocka's CMake config only sets variables; pkg-config gives a target.
  pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
endif()

if(HEDDLE_BUILD_ANALYZER)
  pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
  pkg_check_modules(CYAML REQUIRED IMPORTED_TARGET libcyaml)
  pkg_check_modules(Z3 REQUIRED IMPORTED_TARGET z3)
  set(HEDDLE_LLVM_DIR /usr/lib/llvm-19 CACHE PATH "LLVM 19 prefix (libclang C API)")
  find_library(LIBCLANG_LIBRARY NAMES clang libclang PATHS ${HEDDLE_LLVM_DIR}/lib NO_DEFAULT_PATH REQUIRED)
  add_library(heddle_libclang INTERFACE)
  target_include_directories(heddle_libclang SYSTEM INTERFACE ${HEDDLE_LLVM_DIR}/include)
  target_link_libraries(heddle_libclang INTERFACE ${LIBCLANG_LIBRARY})
  target_link_options(heddle_libclang INTERFACE "LINKER:-rpath,${HEDDLE_LLVM_DIR}/lib")
endif()
