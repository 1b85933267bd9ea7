# weimin_push_read_bench: reading a 1,000-fact push body the district's two ways side by side,
# a document then each fact (parse_push_request) and from SAX events (read_push_facts).
if(TARGET weimin_sync_client)
  add_executable(weimin_push_read_bench push_read_bench.cpp)
  target_link_libraries(weimin_push_read_bench PRIVATE weimin_sync_client)
  weimin_warnings(weimin_push_read_bench)
endif()
