# Installing Weimin (GNUInstallDirs) and its Debian packages (CPack DEB, docs/INSTALL.md):
#   weimin-common    the default catalog under share/weimin, the documentation, the system user
#                    and /var/lib/weimin (0700) its maintainer scripts make
#   weimin-station   weimin and weimin-kiosk, their man pages, the kiosk's session unit
#   weimin-district  weimin-district, its man page, its service unit and /etc/default file
include(GNUInstallDirs)

set(WEIMIN_SYSTEMD_UNIT_DIR "/lib/systemd/system" CACHE PATH
    "Where the packages put their systemd units (an absolute path)")

install(TARGETS weimin weimin-kiosk RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT station)
install(TARGETS weimin-district RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT district)
install(FILES ${CMAKE_SOURCE_DIR}/assets/catalog/wuhua.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/weimin/catalog COMPONENT common)

# Debian wants each package's copyright and changelog in /usr/share/doc/<package>, the manuals
# compressed; the project's documentation goes with weimin-common.
set(WEIMIN_PACKAGE_FILES ${CMAKE_BINARY_DIR}/package-files)
file(MAKE_DIRECTORY ${WEIMIN_PACKAGE_FILES})
foreach(component common station district)
  set(doc ${CMAKE_INSTALL_DATADIR}/doc/weimin-${component})
  install(FILES ${CMAKE_SOURCE_DIR}/packaging/debian/copyright DESTINATION ${doc}
          COMPONENT ${component})
  configure_file(${CMAKE_SOURCE_DIR}/packaging/debian/changelog.in
                 ${WEIMIN_PACKAGE_FILES}/${component}/changelog.Debian @ONLY)
  add_custom_command(
    OUTPUT ${WEIMIN_PACKAGE_FILES}/${component}/changelog.Debian.gz
    COMMAND gzip -9nf -k changelog.Debian
    WORKING_DIRECTORY ${WEIMIN_PACKAGE_FILES}/${component}
    DEPENDS ${WEIMIN_PACKAGE_FILES}/${component}/changelog.Debian)
  list(APPEND WEIMIN_PACKAGE_OUTPUTS ${WEIMIN_PACKAGE_FILES}/${component}/changelog.Debian.gz)
  install(FILES ${WEIMIN_PACKAGE_FILES}/${component}/changelog.Debian.gz DESTINATION ${doc}
          COMPONENT ${component})
endforeach()
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/weimin-common
        COMPONENT common)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/weimin-common/docs
        COMPONENT common FILES_MATCHING PATTERN "*.md")

# Manual pages from the programs' --help (help2man, when installed).
find_program(WEIMIN_HELP2MAN help2man)
if(WEIMIN_HELP2MAN)
  foreach(pair "weimin:station:the community service station's command line"
               "weimin-kiosk:station:the community service station's touchscreen kiosk"
               "weimin-district:district:the district server of Weimin")
    string(REPLACE ":" ";" parts "${pair}")
    list(GET parts 0 program)
    list(GET parts 1 component)
    list(GET parts 2 summary)
    set(page ${WEIMIN_PACKAGE_FILES}/man/${program}.1)
    add_custom_command(
      OUTPUT ${page}.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${WEIMIN_PACKAGE_FILES}/man
      COMMAND ${CMAKE_COMMAND} -E env SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
              LANG=C.UTF-8 LC_ALL=C.UTF-8
              ${WEIMIN_HELP2MAN} --no-info --no-discard-stderr --section=1 --locale=C.UTF-8
              "--version-string=${PROJECT_VERSION}" "--name=${summary}"
              --output=${page} $<TARGET_FILE:${program}>
      COMMAND gzip -9nf ${page}
      DEPENDS ${program}
      VERBATIM)
    list(APPEND WEIMIN_PACKAGE_OUTPUTS ${page}.gz)
    install(FILES ${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT ${component})
  endforeach()
else()
  message(STATUS "help2man not found: no manual pages (install help2man: ./scripts/setup)")
endif()
add_custom_target(weimin_package_files ALL DEPENDS ${WEIMIN_PACKAGE_OUTPUTS})

install(FILES ${CMAKE_SOURCE_DIR}/packaging/systemd/weimin-district.service
        DESTINATION ${WEIMIN_SYSTEMD_UNIT_DIR} COMPONENT district)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/default/weimin-district
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/default COMPONENT district)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/systemd/weimin-kiosk.service
        DESTINATION ${WEIMIN_SYSTEMD_UNIT_DIR} COMPONENT station)

# CPack: one Debian package per component.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME weimin)
set(CPACK_PACKAGE_VENDOR "Weimin")
set(CPACK_PACKAGE_CONTACT "Weimin maintainers <maintainers@weimin.example.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL common station district)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_COMMON_PACKAGE_NAME weimin-common)
set(CPACK_DEBIAN_COMMON_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_COMMON_PACKAGE_DEPENDS "passwd")
set(CPACK_COMPONENT_COMMON_DESCRIPTION
    "Weimin community service station software - shared files\nThe default catalog (Wuhua\ndistrict's service lines, items and lists), the documentation, and the\nweimin system user with its data folder /var/lib/weimin.")
set(CPACK_DEBIAN_STATION_PACKAGE_NAME weimin-station)
# The packages' dependencies on weimin-common name the version cpack makes (scripts/package
# --version), so they are set when cpack runs.
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_SOURCE_DIR}/cmake/cpack_options.cmake)
set(CPACK_DEBIAN_STATION_PACKAGE_RECOMMENDS "cage, xwayland, espeak-ng")
set(CPACK_COMPONENT_STATION_DESCRIPTION
    "Weimin community service station: the kiosk and the station command\nweimin-kiosk is the touchscreen kiosk (queue tickets, the service guide,\nproblem reports and their progress, ratings, appointments, staff mode and\nthe calling board); weimin sets the station up, serves the queue and the\ncase loop from a terminal and syncs with the district.")
set(CPACK_DEBIAN_DISTRICT_PACKAGE_NAME weimin-district)
set(CPACK_COMPONENT_DISTRICT_DESCRIPTION
    "Weimin district server\nweimin-district takes the stations' sync (HTTPS, signed requests) and\nserves the console where street offices and departments work the\nwhistle loop, in a browser.")
foreach(component common station district)
  string(TOUPPER ${component} upper)
  set(scripts)
  foreach(script postinst prerm postrm)
    if(EXISTS ${CMAKE_SOURCE_DIR}/packaging/debian/${component}.${script})
      configure_file(${CMAKE_SOURCE_DIR}/packaging/debian/${component}.${script}
                     ${WEIMIN_PACKAGE_FILES}/${component}/${script} COPYONLY
                     FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
                                      GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
      list(APPEND scripts ${WEIMIN_PACKAGE_FILES}/${component}/${script})
    endif()
  endforeach()
  if(component STREQUAL "district")
    file(WRITE ${WEIMIN_PACKAGE_FILES}/${component}/conffiles
         "${CMAKE_INSTALL_FULL_SYSCONFDIR}/default/weimin-district\n")
    list(APPEND scripts ${WEIMIN_PACKAGE_FILES}/${component}/conffiles)
  endif()
  set(CPACK_DEBIAN_${upper}_PACKAGE_CONTROL_EXTRA "${scripts}")
  set(CPACK_DEBIAN_${upper}_PACKAGE_CONTROL_STRICT_PERMISSION ON)
endforeach()
include(CPack)
