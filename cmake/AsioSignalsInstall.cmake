# Installs the library, its headers, a CMake package, so consumers can
# `find_package(asio_signals)` and link `asio_signals::asio_signals`, and a
# pkg-config file, asio_signals.pc, for other build systems.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(asio_signals_cmake_dir "${CMAKE_INSTALL_LIBDIR}/cmake/asio_signals")

install(TARGETS asio_signals
  EXPORT asio_signals-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

install(EXPORT asio_signals-targets
  NAMESPACE asio_signals::
  DESTINATION ${asio_signals_cmake_dir})

# The NATS link, when it is built: the component `nats` of the package, in an
# export file of its own, so that the core never needs cnats or Boost.JSON.
if(TARGET asio_signals_nats)
  install(TARGETS asio_signals_nats
    EXPORT asio_signals-nats-targets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(EXPORT asio_signals-nats-targets
    NAMESPACE asio_signals::
    DESTINATION ${asio_signals_cmake_dir})
endif()

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/asio_signals-config.cmake.in"
  "${PROJECT_BINARY_DIR}/asio_signals-config.cmake"
  INSTALL_DESTINATION ${asio_signals_cmake_dir})

write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/asio_signals-config-version.cmake"
  COMPATIBILITY SameMinorVersion)

install(FILES
  "${PROJECT_BINARY_DIR}/asio_signals-config.cmake"
  "${PROJECT_BINARY_DIR}/asio_signals-config-version.cmake"
  DESTINATION ${asio_signals_cmake_dir})

# asio_signals.pc finds the prefix from its own place (${pcfiledir}), so the
# installed tree may move. Its flags are those the CMake target carries: the
# shared-library define, and Boost's include directory unless it is the
# compiler's own.
set(asio_signals_pc_dir "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
file(RELATIVE_PATH asio_signals_pc_prefix "/prefix/${asio_signals_pc_dir}" "/prefix")
string(REGEX REPLACE "/$" "" asio_signals_pc_prefix "${asio_signals_pc_prefix}")
set(asio_signals_pc_cflags "")
if(BUILD_SHARED_LIBS)
  string(APPEND asio_signals_pc_cflags " -DASIO_SIGNALS_SHARED")
endif()
foreach(dir IN LISTS Boost_INCLUDE_DIRS)
  if(NOT dir IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
    string(APPEND asio_signals_pc_cflags " -I${dir}")
  endif()
endforeach()
if(ASIO_SIGNALS_USE_CO_SPAWN)
  string(APPEND asio_signals_pc_cflags " -DASIO_SIGNALS_USE_CO_SPAWN")
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/asio_signals.pc.in"
  "${PROJECT_BINARY_DIR}/asio_signals.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/asio_signals.pc" DESTINATION ${asio_signals_pc_dir})
