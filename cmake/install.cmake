# Installs the libraries, the headers, a CMake package (find_package(weft))
# and a pkg-config file (pkg-config --cflags --libs weft).
include(CMakePackageConfigHelpers)

install(TARGETS weft weft_shared EXPORT weftTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES include/weft.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# weft.h includes these: the strategy writer's interface, and the internals
# the public structs embed
install(FILES include/weft/strategy.h include/weft/internal.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/weft)
install(EXPORT weftTargets NAMESPACE weft::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/weft)

configure_package_config_file(cmake/weftConfig.cmake.in
  ${PROJECT_BINARY_DIR}/weftConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/weft)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/weftConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/weftConfig.cmake
  ${PROJECT_BINARY_DIR}/weftConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/weft)

configure_file(cmake/weft.pc.in ${PROJECT_BINARY_DIR}/weft.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/weft.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# weft_race(target) and the WEFT_RACE option for consumers, and the weftcc
# compiler wrapper.
install(FILES cmake/weft_race.cmake DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/weft)
install(PROGRAMS cmake/weftcc DESTINATION ${CMAKE_INSTALL_BINDIR})
