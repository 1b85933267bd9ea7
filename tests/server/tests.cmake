# The shared protocol library's tests.
weimin_test(weimin_sync_protocol_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/protocol_test.cpp
  LIBS weimin_sync_protocol)
