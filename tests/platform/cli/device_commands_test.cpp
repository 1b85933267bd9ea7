// `weimin say | print | card` end to end, in process: the files they write, the masked card
// number, and the plain-word refusals (exit 1) for a missing device, no printer, a garbage card.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "temp_dir.hpp"
#include "weimin/cli/cli.hpp"
#include "weimin/platform/ticket_printer.hpp"

namespace fs = std::filesystem;
using weimin::test::TempDir;

namespace {

struct Run {
  int code;
  std::string out, err;
};

Run run(const std::vector<std::string>& args) {
  std::istringstream in;
  std::ostringstream out, err;
  const int code = weimin::cli::run_cli(args, {in, out, err});
  return {code, out.str(), err.str()};
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("weimin say renders a call to a WAV file of a few seconds") {
  TempDir dir;
  const std::string wav = (dir / "call.wav").string();
  Run r = run({"say", "--ticket", "A012", "--window", "2", "--wav", wav});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(r.out.find("qing3 A, ling2 yi1 er4 hao4") != std::string::npos);
  CHECK(read_all(wav).substr(0, 4) == "RIFF");
  CHECK(fs::file_size(wav) > 44 + 2 * 22050 * 2);  // more than two seconds
  Run nothing = run({"say", "--wav", wav});
  CHECK(nothing.code == 1);
  CHECK(nothing.err.find("nothing to say") != std::string::npos);
}

TEST_CASE("weimin print ticket writes the same ESC/POS bytes as the library") {
  TempDir dir;
  const std::string out = (dir / "t.bin").string();
  Run r = run({"print", "ticket", "--label", "A012", "--line-name", "社会事务", "--ahead", "3",
               "--station", "大观社区", "--at", "2026-11-23 09:15", "--out", out});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  weimin::platform::TicketSlip slip;
  slip.station_name = "大观社区";
  slip.ticket_label = "A012";
  slip.line_name = "社会事务";
  slip.waiting_ahead = 3;
  slip.issued_at = "2026-11-23 09:15";
  CHECK(read_all(out) == *weimin::platform::escpos_ticket(slip));
}

TEST_CASE("weimin print refuses in plain words when there is no printer") {
  TempDir dir;
  Run missing = run({"print", "receipt", "--tracking", "WH-1", "--device", (dir / "lp0").string()});
  CHECK(missing.code == 1);
  CHECK(missing.err.find("printer not connected") != std::string::npos);
  Run none = run({"print", "ticket", "--label", "A012"});
  CHECK(none.code == 1);
  CHECK(none.err.find("no printer configured") != std::string::npos);
}

TEST_CASE("weimin card read prints the number masked, and refuses a garbage record") {
  TempDir dir;
  std::ofstream(dir / "cards") << "{\"id_number\": \"11010519491231002X\", \"name\": \"张三\"}\n";
  Run r = run({"--json", "card", "read", "--from", (dir / "cards").string()});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(r.out.find("110105********002X") != std::string::npos);
  CHECK(r.out.find("11010519491231002X") == std::string::npos);
  std::ofstream(dir / "junk") << "junk\n";
  Run bad = run({"card", "read", "--from", (dir / "junk").string()});
  CHECK(bad.code == 1);
  CHECK(bad.err.find("the card could not be read") != std::string::npos);
}
