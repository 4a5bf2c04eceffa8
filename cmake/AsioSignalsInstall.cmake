# Installs the library, its headers and a CMake package, so consumers can
# `find_package(asio_signals)` and link `asio_signals::asio_signals`.

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
