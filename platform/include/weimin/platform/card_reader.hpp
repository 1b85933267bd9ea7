// CardReader: the resident identity card reader (身份证读卡器). When a resident lays a card on
// the reader, poll() gives the card's identity number, already checked (GB 11643, core
// validation) and ready to be shown masked, so nobody types it. CardReaderSimulator reads card
// records from a file or a FIFO, one JSON object a line:
//   {"id_number": "530102199001011234", "name": "张三"}
// A garbage record, a reader that disappears or comes back: poll() says what is wrong in plain
// words and the next poll() goes on; nothing blocks.
// Thread-safety: a reader may be used from one thread at a time (the kiosk's UI thread; poll()
// never blocks).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "weimin/core/civil_time.hpp"
#include "weimin/core/result.hpp"
#include "weimin/core/validation.hpp"

namespace weimin::platform {

// One card read. The number is personal: show it only through masked().
struct CardRead {
  core::IdentityNumber identity;
  std::string name;  // the name on the card (UTF-8); may be empty
  // "530102********1234"
  std::string masked() const;
};

class CardReader {
 public:
  virtual ~CardReader() = default;
  // A card read since the last poll, nullopt when there is none. Errors, in plain words:
  // Unavailable "card reader not connected (…)" when the device is gone (the next poll tries
  // again), Invalid "the card could not be read: …" for a garbage record or an identity number
  // that fails validation (the record is consumed, the next one is read on the next poll).
  // `today` is the station's local date, for the birth-date check.
  virtual Result<std::optional<CardRead>> poll(core::CivilDate today) = 0;
  virtual std::string describe() const = 0;
};

// No reader: poll() always gives nullopt.
class NullCardReader final : public CardReader {
 public:
  Result<std::optional<CardRead>> poll(core::CivilDate) override {
    return std::optional<CardRead>();
  }
  std::string describe() const override { return "no card reader"; }
};

// Reads card records appended to a regular file (by default from where it ends at the first
// poll, like `tail -f`; a file replaced or truncated is read from its start) or written into a
// FIFO (opened non-blocking). Lines longer than 4 KiB are garbage.
class CardReaderSimulator final : public CardReader {
 public:
  enum class StartAt { End, Beginning };
  explicit CardReaderSimulator(std::filesystem::path source, StartAt start = StartAt::End);
  ~CardReaderSimulator() override;
  CardReaderSimulator(const CardReaderSimulator&) = delete;
  CardReaderSimulator& operator=(const CardReaderSimulator&) = delete;

  Result<std::optional<CardRead>> poll(core::CivilDate today) override;
  std::string describe() const override { return "card reader simulator '" + source_.string() + "'"; }

 private:
  void close_source();
  std::filesystem::path source_;
  int fd_ = -1;
  bool fifo_ = false;
  StartAt start_;
  long long offset_ = -1;  // regular file: bytes consumed; -1 before the first open
  unsigned long long inode_ = 0;
  std::string pending_;    // bytes read but not yet a whole line
  bool discarding_ = false;  // inside an overlong line
};

// Parses one card record (a JSON object with "id_number" and optionally "name"). Invalid with
// a message that never repeats the whole number. Exposed for the fuzz target.
Result<CardRead> parse_card_record(std::string_view line, core::CivilDate today);

}  // namespace weimin::platform
