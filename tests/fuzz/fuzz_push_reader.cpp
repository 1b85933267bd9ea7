// libFuzzer target: the district's push reader (read_push_facts) against the reference reader
// (parse_push_request, then parse_fact_payload of each payload) on arbitrary bytes. Any
// difference in verdict, message, envelope or fact aborts with both answers
// (push_reader_contract.hpp). Seeds: tests/fuzz/corpus/push_reader/, station-like pushes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "push_reader_contract.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  weimin::test::abort_on_push_reader_difference(
      std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
