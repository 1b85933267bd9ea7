# libFuzzer targets (clang only), built by scripts/fuzz in build-fuzz with -DWEIMIN_FUZZ=ON and
# every library compiled with -fsanitize=fuzzer-no-link,address,undefined. Not part of the
# normal build. Seed corpora: tests/fuzz/corpus/<target>/.
option(WEIMIN_FUZZ "Build the libFuzzer targets (needs clang)" OFF)
if(WEIMIN_FUZZ)
  add_custom_target(weimin_fuzz)
  function(weimin_fuzzer name)
    cmake_parse_arguments(F "" "" "SOURCES;LIBS;DEFINES" ${ARGN})
    add_executable(weimin_fuzz_${name} ${F_SOURCES})
    target_link_libraries(weimin_fuzz_${name} PRIVATE ${F_LIBS})
    target_compile_definitions(weimin_fuzz_${name} PRIVATE ${F_DEFINES})
    target_compile_options(weimin_fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(weimin_fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    add_dependencies(weimin_fuzz weimin_fuzz_${name})
  endfunction()
  weimin_fuzzer(protocol SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_protocol.cpp
                LIBS weimin_sync_protocol)
  # The district's push reader against the reference reader (tests/support).
  weimin_fuzzer(push_reader SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_push_reader.cpp
                LIBS weimin_sync_protocol)
  target_include_directories(weimin_fuzz_protocol PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
  target_include_directories(weimin_fuzz_push_reader PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
  if(TARGET weimin_server)
    # The HTTP front itself: request line, headers, bodies, gzip, the limits (no handler).
    weimin_fuzzer(front SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_front.cpp LIBS weimin_server)
    set(i 0)
    foreach(endpoint enroll push pull status digest cases)
      weimin_fuzzer(${endpoint} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_service.cpp
                    LIBS weimin_server
                    DEFINES FUZZ_ENDPOINT=${i}
                            WEIMIN_CATALOG="${CMAKE_SOURCE_DIR}/assets/catalog/wuhua.json")
      math(EXPR i "${i} + 1")
    endforeach()
    # The web console: paths, queries, forms and cookies, signed in or not.
    weimin_fuzzer(console SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_console.cpp
                  LIBS weimin_server
                  DEFINES WEIMIN_CATALOG="${CMAKE_SOURCE_DIR}/assets/catalog/wuhua.json")
  endif()
endif()
