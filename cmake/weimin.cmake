# Shared build rules for Weimin's parts.

# weimin_warnings(target): our own code builds warning-free; with WEIMIN_WERROR (developers'
# and CI's builds) a warning fails the build.
function(weimin_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-missing-field-initializers)
  if(WEIMIN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# weimin_part(name SOURCES...): the static library weimin_<name> with public headers in
# <name>/include.
function(weimin_part name)
  add_library(weimin_${name} STATIC ${ARGN})
  target_include_directories(weimin_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                            PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  weimin_warnings(weimin_${name})
endfunction()

# weimin_test(name SOURCES... LIBS ... [SPLIT pattern] [SPLIT_FILES pattern]): a doctest
# executable registered with CTest as one test (test names may hold commas, which doctest
# filters would split). With SPLIT, the cases matching the pattern run as a second CTest test
# (<name>_slow) beside the rest, so slow ones run in parallel with the others; with SPLIT_FILES,
# the other cases of the source files matching that pattern run as a third (<name>_part2), so no
# one CTest test nears its timeout under the sanitizers.
function(weimin_test name)
  cmake_parse_arguments(T "" "SPLIT;SPLIT_FILES" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES} ${CMAKE_SOURCE_DIR}/tests/support/doctest_main.cpp)
  target_link_libraries(${name} PRIVATE ${T_LIBS} doctest::doctest)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests/support)
  weimin_warnings(${name})
  set(rest)
  if(T_SPLIT)
    list(APPEND rest --test-case-exclude=${T_SPLIT})
    add_test(NAME ${name}_slow COMMAND ${name} --test-case=${T_SPLIT})
  endif()
  if(T_SPLIT_FILES)
    add_test(NAME ${name}_part2 COMMAND ${name} ${rest} --source-file=${T_SPLIT_FILES})
    list(APPEND rest --source-file-exclude=${T_SPLIT_FILES})
  endif()
  add_test(NAME ${name} COMMAND ${name} ${rest})
endfunction()
