// The identity card reader simulator: records from a file or a FIFO fill a validated identity
// number (shown masked); garbage, overlong lines and a reader that disappears give plain-word
// errors and the next record is still read.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "seed.hpp"
#include "temp_dir.hpp"
#include "weimin/platform/card_reader.hpp"

namespace fs = std::filesystem;
using namespace weimin;
using namespace weimin::platform;
using weimin::test::TempDir;

namespace {

const core::CivilDate kToday{2026, 11, 23};
// Valid check digits: 11010519491231002X (GB 11643 example), 530102199001011234 computed below.
std::string valid_number() {
  const std::string first17 = "53010219900101123";
  return first17 + *core::compute_identity_check_digit(first17);
}

void append(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary | std::ios::app) << text;
}

std::string record(const std::string& number, const std::string& name = "张三") {
  return "{\"id_number\": \"" + number + "\", \"name\": \"" + name + "\"}\n";
}

}  // namespace

TEST_CASE("card reader: a record fills the validated number, shown masked") {
  auto read = parse_card_record(record(valid_number()), kToday);
  REQUIRE(read.is_ok());
  CHECK(read->identity.number == valid_number());
  CHECK(read->identity.birth_date == core::CivilDate{1990, 1, 1});
  CHECK(read->name == "张三");
  CHECK(read->masked() == "530102********" + valid_number().substr(14));
  auto lower_x = parse_card_record(record("11010519491231002x"), kToday);
  REQUIRE(lower_x.is_ok());
  CHECK(lower_x->identity.number == "11010519491231002X");
}

TEST_CASE("card reader: garbage records are refused in plain words without the whole number") {
  const std::string bad_check = valid_number().substr(0, 17) +
                                (valid_number()[17] == '0' ? "1" : "0");
  const char* cases[][2] = {
      {"not json at all", "not valid JSON"},
      {"[1,2]", "not a JSON object"},
      {"{\"name\": \"张三\"}", "no \"id_number\""},
      {"{\"id_number\": 530102}", "no \"id_number\""},
      {"{\"id_number\": \"12345\"}", "identity number on the card is wrong"},
      {"{\"id_number\": \"11010519491231002X\", \"name\": 7}", "\"name\" is not text"},
      {"{\"id_number\": \"11010519491231002X\", \"name\": \"a\\u0007b\"}", "not plain text"},
  };
  for (const auto& c : cases) {
    CAPTURE(c[0]);
    auto read = parse_card_record(c[0], kToday);
    REQUIRE_FALSE(read.is_ok());
    CHECK(read.status().code() == ErrorCode::Invalid);
    CHECK(read.status().message().find("the card could not be read") != std::string::npos);
    CHECK(read.status().message().find(c[1]) != std::string::npos);
  }
  auto wrong = parse_card_record(record(bad_check), kToday);
  REQUIRE_FALSE(wrong.is_ok());
  CHECK(wrong.status().message().find("check digit") != std::string::npos);
  CHECK(wrong.status().message().find(bad_check) == std::string::npos);
}

TEST_CASE("card reader: the file simulator reads records appended after the first poll") {
  TempDir dir;
  const fs::path file = dir / "cards.jsonl";
  append(file, record("11010519491231002X"));  // before the first poll: not a new card
  CardReaderSimulator reader(file);
  auto first = reader.poll(kToday);
  REQUIRE(first.is_ok());
  CHECK_FALSE(first->has_value());

  append(file, record(valid_number()) + "garbage\n" + "\n" + record("11010519491231002X", "李四"));
  auto one = reader.poll(kToday);
  REQUIRE(one.is_ok());
  REQUIRE(one->has_value());
  CHECK((*one)->identity.number == valid_number());
  auto two = reader.poll(kToday);
  REQUIRE_FALSE(two.is_ok());
  CHECK(two.status().code() == ErrorCode::Invalid);
  auto three = reader.poll(kToday);  // the garbage line was consumed; the blank one skipped
  REQUIRE(three.is_ok());
  REQUIRE(three->has_value());
  CHECK((*three)->name == "李四");
  auto none = reader.poll(kToday);
  REQUIRE(none.is_ok());
  CHECK_FALSE(none->has_value());
}

TEST_CASE("card reader: a half-written record waits for its end of line") {
  TempDir dir;
  const fs::path file = dir / "cards.jsonl";
  CardReaderSimulator reader(file, CardReaderSimulator::StartAt::Beginning);
  const std::string line = record(valid_number());
  append(file, line.substr(0, 10));
  auto part = reader.poll(kToday);
  REQUIRE(part.is_ok());
  CHECK_FALSE(part->has_value());
  append(file, line.substr(10));
  auto whole = reader.poll(kToday);
  REQUIRE(whole.is_ok());
  CHECK(whole->has_value());
}

TEST_CASE("card reader: an overlong line is one error, and the next record is read") {
  TempDir dir;
  const fs::path file = dir / "cards.jsonl";
  CardReaderSimulator reader(file, CardReaderSimulator::StartAt::Beginning);
  append(file, std::string(20000, 'z') + "\n" + record(valid_number()));
  auto bad = reader.poll(kToday);
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().message().find("longer than 4 KiB") != std::string::npos);
  auto good = reader.poll(kToday);
  REQUIRE(good.is_ok());
  REQUIRE(good->has_value());
  CHECK((*good)->identity.number == valid_number());
}

TEST_CASE("card reader: a reader that disappears says so, and works again when it returns") {
  TempDir dir;
  const fs::path file = dir / "cards.jsonl";
  CardReaderSimulator reader(file, CardReaderSimulator::StartAt::Beginning);
  auto missing = reader.poll(kToday);
  REQUIRE_FALSE(missing.is_ok());
  CHECK(missing.status().code() == ErrorCode::Unavailable);
  CHECK(missing.status().message().find("card reader not connected") != std::string::npos);

  append(file, record(valid_number()));
  auto back = reader.poll(kToday);
  REQUIRE(back.is_ok());
  REQUIRE(back->has_value());

  fs::remove(file);
  auto gone = reader.poll(kToday);
  REQUIRE_FALSE(gone.is_ok());
  CHECK(gone.status().code() == ErrorCode::Unavailable);

  append(file, record("11010519491231002X"));  // a new file: read from its start
  auto again = reader.poll(kToday);
  REQUIRE(again.is_ok());
  REQUIRE(again->has_value());
  CHECK((*again)->identity.number == "11010519491231002X");
}

TEST_CASE("card reader: a FIFO is read without blocking, across writers") {
  TempDir dir;
  const fs::path fifo = dir / "reader.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CardReaderSimulator reader(fifo);
  auto idle = reader.poll(kToday);  // no writer yet: nothing, and no blocking
  REQUIRE(idle.is_ok());
  CHECK_FALSE(idle->has_value());
  for (const std::string& number : {valid_number(), std::string("11010519491231002X")}) {
    const int w = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    REQUIRE(w >= 0);
    const std::string line = record(number);
    REQUIRE(::write(w, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
    ::close(w);
    auto read = reader.poll(kToday);
    REQUIRE(read.is_ok());
    REQUIRE(read->has_value());
    CHECK((*read)->identity.number == number);
    auto after = reader.poll(kToday);
    REQUIRE(after.is_ok());
    CHECK_FALSE(after->has_value());
  }
}

TEST_CASE("card reader: mutated records never crash and never pass a wrong number") {
  const std::uint64_t seed = weimin::test::seed_from_env();
  MESSAGE("seed " << seed << " (replay with WEIMIN_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  const std::string base = record(valid_number());
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string line = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % line.size();
      switch (rng() % 3) {
        case 0: line[at] = static_cast<char>(rng() % 256); break;
        case 1: line.erase(at, 1 + rng() % 3); break;
        default: line.insert(at, 1, static_cast<char>(rng() % 256)); break;
      }
      if (line.empty()) line = "x";
    }
    auto read = parse_card_record(line, kToday);
    if (read.is_ok()) {
      ++accepted;
      // Whatever was accepted is a number that passes validation on its own.
      CHECK(core::parse_identity_number(read->identity.number, kToday).is_ok());
    } else {
      CHECK(read.status().code() == ErrorCode::Invalid);
    }
  }
  MESSAGE(accepted << " of 3000 mutated records were still valid cards");
}
