#include "weimin/platform/card_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "weimin/core/mask.hpp"

namespace weimin::platform {
namespace {

constexpr std::size_t kMaxLine = 4096;

Status garbage(const std::string& why) {
  return Status(ErrorCode::Invalid, "the card could not be read: " + why +
                                        ". Ask the resident to lay the card on the reader again.");
}

bool valid_utf8_text(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return false;
      len = 1;
    } else if ((c & 0xe0) == 0xc0 && c >= 0xc2) {
      len = 2;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
    } else if ((c & 0xf8) == 0xf0 && c <= 0xf4) {
      len = 4;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace

std::string CardRead::masked() const { return core::mask_identity_number(identity.number); }

Result<CardRead> parse_card_record(std::string_view line, core::CivilDate today) {
  if (line.size() > kMaxLine) return garbage("the record is longer than 4 KiB");
  const nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded()) return garbage("the record is not valid JSON");
  if (!j.is_object()) return garbage("the record is not a JSON object");
  const auto id = j.find("id_number");
  if (id == j.end() || !id->is_string()) {
    return garbage("the record has no \"id_number\" text");
  }
  auto identity = core::parse_identity_number(id->get<std::string>(), today);
  if (!identity) return garbage("the identity number on the card is wrong: " +
                                identity.status().message());
  CardRead read;
  read.identity = std::move(identity).value();
  if (const auto name = j.find("name"); name != j.end()) {
    if (!name->is_string()) return garbage("the \"name\" is not text");
    read.name = name->get<std::string>();
    if (read.name.size() > 90 || !valid_utf8_text(read.name)) {
      return garbage("the name is not plain text of at most 30 characters");
    }
  }
  return read;
}

CardReaderSimulator::CardReaderSimulator(std::filesystem::path source, StartAt start)
    : source_(std::move(source)), start_(start) {}

CardReaderSimulator::~CardReaderSimulator() { close_source(); }

void CardReaderSimulator::close_source() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<std::optional<CardRead>> CardReaderSimulator::poll(core::CivilDate today) {
  struct stat st {};
  if (::stat(source_.c_str(), &st) != 0) {
    close_source();
    pending_.clear();
    return Status(ErrorCode::Unavailable,
                  "card reader not connected (" + source_.string() + ": " +
                      std::strerror(errno) + "). Type the identity number instead.");
  }
  const bool replaced = fd_ >= 0 && static_cast<unsigned long long>(st.st_ino) != inode_;
  if (replaced) close_source();
  if (fd_ < 0) {
    fifo_ = S_ISFIFO(st.st_mode);
    if (!fifo_ && !S_ISREG(st.st_mode)) {
      return Status(ErrorCode::Unavailable, "card reader not connected (" + source_.string() +
                                                " is neither a file nor a FIFO)");
    }
    fd_ = ::open(source_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) {
      return Status(ErrorCode::Unavailable, "card reader not connected (cannot open " +
                                                source_.string() + ": " + std::strerror(errno) +
                                                ")");
    }
    inode_ = static_cast<unsigned long long>(st.st_ino);
    if (!fifo_) {
      // First open: where the caller asked; a replaced file: from its start.
      offset_ = (offset_ < 0 && start_ == StartAt::End) ? static_cast<long long>(st.st_size) : 0;
      pending_.clear();
      discarding_ = false;
    }
  }
  if (!fifo_ && static_cast<long long>(st.st_size) < offset_) {  // truncated: start again
    offset_ = 0;
    pending_.clear();
    discarding_ = false;
  }

  for (;;) {
    const std::size_t nl = pending_.find('\n');
    if (nl != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      if (discarding_) {
        discarding_ = false;
        return garbage("the record is longer than 4 KiB");
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank line
      WEIMIN_ASSIGN_OR_RETURN(CardRead read, parse_card_record(line, today));
      return std::optional<CardRead>(std::move(read));
    }
    if (pending_.size() > kMaxLine) {  // no newline in sight: drop up to the next one
      pending_.clear();
      discarding_ = true;
    }
    char buffer[4096];
    const ssize_t n = fifo_ ? ::read(fd_, buffer, sizeof buffer)
                            : ::pread(fd_, buffer, sizeof buffer, static_cast<off_t>(offset_));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return std::optional<CardRead>();
      const int err = errno;
      close_source();
      return Status(ErrorCode::Unavailable, "card reader stopped answering (" +
                                                source_.string() + ": " + std::strerror(err) +
                                                "). Type the identity number instead.");
    }
    if (n == 0) return std::optional<CardRead>();  // nothing new (or no writer on the FIFO)
    if (!fifo_) offset_ += n;
    pending_.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace weimin::platform
