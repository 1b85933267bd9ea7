# The district console end to end in a real browser: the real weimin-district serve and a real
# station (weimin), driven through Debian's headless Chromium with chromium-driver and
# python3-selenium (scripts/setup installs all three). It never skips: without them it fails
# saying to run scripts/setup. Screenshots of every console page go to BUILD/console-tour/.
if(TARGET weimin-district AND TARGET weimin)
  # Debian's python3 (python3-selenium is installed for it), not one found first on PATH.
  find_program(WEIMIN_SYSTEM_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
  if(NOT WEIMIN_SYSTEM_PYTHON3)
    set(WEIMIN_SYSTEM_PYTHON3 python3)
  endif()
  add_test(NAME weimin_console_e2e
           COMMAND ${WEIMIN_SYSTEM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/console/e2e.py
                   --weimin $<TARGET_FILE:weimin> --district $<TARGET_FILE:weimin-district>
                   --catalog ${CMAKE_SOURCE_DIR}/assets/catalog/wuhua.json
                   --shots ${CMAKE_BINARY_DIR}/console-tour)
  set_tests_properties(weimin_console_e2e PROPERTIES TIMEOUT 600 LABELS "console;browser")
endif()
