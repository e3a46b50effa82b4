# Install: libraries, headers, pkg-config files and the CMake package (find_package(activ)).
include(CMakePackageConfigHelpers)
set(ACTIV_EXPORT_TARGETS activ activ_static)
if(TARGET activ_nn)
  list(APPEND ACTIV_EXPORT_TARGETS activ_nn)
endif()
if(TARGET activ_cuda)
  list(APPEND ACTIV_EXPORT_TARGETS activ_cuda)
endif()
install(TARGETS ${ACTIV_EXPORT_TARGETS} EXPORT activTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        PUBLIC_HEADER DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT activTargets NAMESPACE activ:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/activ)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/activConfig.cmake.in
  ${PROJECT_BINARY_DIR}/activConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/activ)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/activConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/activConfig.cmake ${PROJECT_BINARY_DIR}/activConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/activ)
file(RELATIVE_PATH ACTIV_PC_RELPREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
configure_file(${PROJECT_SOURCE_DIR}/cmake/activ.pc.in ${PROJECT_BINARY_DIR}/activ.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/activ.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(TARGET activ_nn)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/activ_nn.pc.in ${PROJECT_BINARY_DIR}/activ_nn.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/activ_nn.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()
