# Configures, builds and runs one consumer project, and checks what it prints.
#   MODE=find_package      installs this build into a private prefix first
#   MODE=find_package_nats the same, for the nats component
#   MODE=pkg_config        the same, and reads the package with pkg-config
#   MODE=add_subdirectory  builds the library from SOURCE_DIR as a subproject
#   SHARED=ON              the library is a shared one (BUILD_SHARED_LIBS)
#   LIBRARY                the library's file name in this build, which the
#                          consumer's build must use
#   SANITIZE_FLAGS         the sanitizer flags of this build, for the consumer

set(work "${WORK_DIR}/${MODE}")
file(REMOVE_RECURSE "${work}")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}\n${output}")
  endif()
  set(output "${output}" PARENT_SCOPE)
endfunction()

set(configure_args -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release
  "-DCMAKE_CXX_FLAGS=${SANITIZE_FLAGS}")
set(installed OFF)
if(MODE MATCHES "^(find_package|find_package_nats|pkg_config)$")
  set(installed ON)
endif()
if(installed)
  run(${CMAKE_COMMAND} --install "${BINARY_DIR}" --prefix "${work}/prefix")
  list(APPEND configure_args "-DCMAKE_PREFIX_PATH=${work}/prefix")
else()
  list(APPEND configure_args "-DASIO_SIGNALS_SOURCE_DIR=${SOURCE_DIR}")
  if(SHARED)
    list(APPEND configure_args -DBUILD_SHARED_LIBS=ON)
  endif()
endif()

run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/consumer/${MODE}" -B "${work}/build" ${configure_args})
run(${CMAKE_COMMAND} --build "${work}/build")
# The consumer linked the kind of library this build made (shared or static).
if(installed)
  file(GLOB_RECURSE found "${work}/prefix/${LIBRARY}")
else()
  file(GLOB_RECURSE found "${work}/build/${LIBRARY}")
endif()
if(NOT found)
  message(FATAL_ERROR "the consumer's build has no ${LIBRARY}")
endif()
if(MODE STREQUAL "find_package_nats")
  run("${work}/build/hello_nats")
  if(NOT output STREQUAL "hello, nats: no server on port 1\n")
    message(FATAL_ERROR "hello_nats printed:\n${output}")
  endif()
else()
  run("${work}/build/hello_signals")
  if(NOT output STREQUAL "hello, world\nhello, asio_signals\n")
    message(FATAL_ERROR "hello_signals printed:\n${output}")
  endif()
endif()
