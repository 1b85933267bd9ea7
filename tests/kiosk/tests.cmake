# The kiosk: decisions without drawing, whole flows driven by synthetic SDL events under SDL's
# dummy video driver with the software renderer, and the tour (every screen to PNG, checked).
if(TARGET weimin_kiosk)
  file(GLOB WEIMIN_KIOSK_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/kiosk/*_test.cpp)
  weimin_test(weimin_kiosk_test SOURCES ${WEIMIN_KIOSK_TESTS} LIBS weimin_kiosk SPLIT *tour*)
  target_compile_definitions(weimin_kiosk_test PRIVATE WEIMIN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  target_include_directories(weimin_kiosk_test PRIVATE ${CMAKE_SOURCE_DIR}/tests/station)
  set_tests_properties(weimin_kiosk_test weimin_kiosk_test_slow PROPERTIES
                       ENVIRONMENT "SDL_VIDEODRIVER=dummy;SDL_AUDIODRIVER=dummy")
endif()
