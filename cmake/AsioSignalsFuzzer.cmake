# libFuzzer targets (clang only), run briefly as tests: CTest runs each from a
# fixed seed for ASIO_SIGNALS_FUZZ_SECONDS.

if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "ASIO_SIGNALS_BUILD_FUZZERS needs clang (libFuzzer); the compiler is "
                      "${CMAKE_CXX_COMPILER_ID}")
endif()

set(ASIO_SIGNALS_FUZZ_SECONDS 15 CACHE STRING "How long CTest runs each fuzz target")

function(asio_signals_add_fuzzer name)
  add_executable(${name} ${ARGN})
  asio_signals_set_target_options(${name})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  add_test(NAME ${name}
    COMMAND ${name} -seed=1 -max_total_time=${ASIO_SIGNALS_FUZZ_SECONDS} -print_final_stats=1)
  set_tests_properties(${name} PROPERTIES LABELS fuzz TIMEOUT 3600)
endfunction()
