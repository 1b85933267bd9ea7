# weimin_platform_test: the machine's adapters — key store hardening, voice calling (renders
# real speech with espeak-ng), ESC/POS printing against golden files, the card reader simulator.
file(GLOB WEIMIN_PLATFORM_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/platform/*_test.cpp)
weimin_test(weimin_platform_test SOURCES ${WEIMIN_PLATFORM_TESTS} LIBS weimin_platform)
target_compile_definitions(weimin_platform_test PRIVATE
  WEIMIN_PLATFORM_GOLDEN="${CMAKE_CURRENT_SOURCE_DIR}/platform/golden")
# espeak-ng keeps its voice data in globals it frees only at espeak_ng_Terminate (called at
# exit); the suppressions cover what the library itself leaves behind.
set_tests_properties(weimin_platform_test PROPERTIES ENVIRONMENT
  "LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/platform/lsan.supp")
