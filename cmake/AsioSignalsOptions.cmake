# Build settings for the project's own targets: warnings and sanitizers are
# options on our targets, never global flags, so consumers inherit neither.

option(ASIO_SIGNALS_WARNINGS_AS_ERRORS "Treat warnings as errors on our targets" OFF)
set(ASIO_SIGNALS_SANITIZE "" CACHE STRING
  "Sanitizers for our targets: empty, 'address,undefined' or 'thread'")

function(asio_signals_set_target_options target)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    if(ASIO_SIGNALS_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
  if(ASIO_SIGNALS_SANITIZE)
    set(flags -fsanitize=${ASIO_SIGNALS_SANITIZE} -fno-omit-frame-pointer)
    if(ASIO_SIGNALS_SANITIZE MATCHES "undefined")
      list(APPEND flags -fno-sanitize-recover=undefined)
      # clang's function sanitizer rejects the calls coroutine frames make.
      if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        list(APPEND flags -fno-sanitize=function)
      endif()
    endif()
    # g++ warns that TSan does not model the atomic_thread_fence in Asio's
    # headers; the warning is about Asio, not about our code.
    if(ASIO_SIGNALS_SANITIZE MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE -Wno-tsan)
    endif()
    target_compile_options(${target} PRIVATE ${flags})
    target_link_options(${target} PUBLIC ${flags})
  endif()
endfunction()
