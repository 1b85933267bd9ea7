# weimin_platform_test: the machine's adapters — key store hardening, voice calling (renders
# real speech with espeak-ng), ESC/POS printing against golden files, the card reader simulator.
file(GLOB WEIMIN_PLATFORM_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/platform/*_test.cpp)
weimin_test(weimin_platform_test SOURCES ${WEIMIN_PLATFORM_TESTS} LIBS weimin_platform)
target_compile_definitions(weimin_platform_test PRIVATE
  WEIMIN_PLATFORM_GOLDEN="${CMAKE_CURRENT_SOURCE_DIR}/platform/golden")
# No LeakSanitizer suppression is needed: espeak_ng_Terminate runs at exit and the ASan/UBSan
# build of this suite reports nothing.

# weimin_devices_cli_test: the `weimin say | print | card` commands, in process.
weimin_test(weimin_devices_cli_test
            SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/platform/cli/device_commands_test.cpp
            LIBS weimin_cli)
