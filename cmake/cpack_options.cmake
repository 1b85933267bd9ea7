# Read by cpack when it runs (CPACK_PROJECT_CONFIG_FILE): the version it makes (scripts/package
# --version sets WEIMIN_PACKAGE_VERSION) and the dependencies that name it.
if(DEFINED ENV{WEIMIN_PACKAGE_VERSION} AND NOT "$ENV{WEIMIN_PACKAGE_VERSION}" STREQUAL "")
  set(CPACK_PACKAGE_VERSION "$ENV{WEIMIN_PACKAGE_VERSION}")
endif()
set(CPACK_DEBIAN_STATION_PACKAGE_DEPENDS
    "weimin-common (= ${CPACK_PACKAGE_VERSION}-1), fonts-wqy-microhei, rime-data-luna-pinyin")
set(CPACK_DEBIAN_DISTRICT_PACKAGE_DEPENDS "weimin-common (= ${CPACK_PACKAGE_VERSION}-1)")
