# Build settings for the project's own targets: warnings and sanitizers are
# private options of our targets, never global flags, so consumers inherit
# neither. A program linking a sanitized build must be built with the same
# sanitizers itself, with ASIO_SIGNALS_SANITIZE_FLAGS (the consumer tests do).

option(ASIO_SIGNALS_WARNINGS_AS_ERRORS "Treat warnings as errors on our targets" OFF)
set(ASIO_SIGNALS_SANITIZE "" CACHE STRING
  "Sanitizers for our targets: empty, 'address,undefined' or 'thread'")

set(ASIO_SIGNALS_SANITIZE_FLAGS "")
if(ASIO_SIGNALS_SANITIZE)
  set(ASIO_SIGNALS_SANITIZE_FLAGS -fsanitize=${ASIO_SIGNALS_SANITIZE} -fno-omit-frame-pointer)
  if(ASIO_SIGNALS_SANITIZE MATCHES "undefined")
    list(APPEND ASIO_SIGNALS_SANITIZE_FLAGS -fno-sanitize-recover=undefined)
    # clang's function sanitizer rejects the calls coroutine frames make.
    if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
      list(APPEND ASIO_SIGNALS_SANITIZE_FLAGS -fno-sanitize=function)
    endif()
  endif()
endif()

function(asio_signals_set_target_options target)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    if(ASIO_SIGNALS_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
  if(ASIO_SIGNALS_SANITIZE)
    # g++ warns that TSan does not model the atomic_thread_fence in Asio's
    # headers; the warning is about Asio, not about our code.
    if(ASIO_SIGNALS_SANITIZE MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE -Wno-tsan)
    endif()
    target_compile_options(${target} PRIVATE ${ASIO_SIGNALS_SANITIZE_FLAGS})
    target_link_options(${target} PRIVATE ${ASIO_SIGNALS_SANITIZE_FLAGS})
  endif()
endfunction()
