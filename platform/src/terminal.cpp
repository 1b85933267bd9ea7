#include "weimin/platform/terminal.hpp"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "weimin/core/secret.hpp"

namespace weimin::platform {
namespace {

constexpr std::size_t kMaxLine = 64;
constexpr std::array<int, 4> kSignals = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// What the signal handler needs to put the terminal back: set before the handlers are
// installed, read only by them.
struct termios g_saved {};
volatile sig_atomic_t g_fd = -1;

extern "C" void restore_and_reraise(int sig) {
  const int saved_errno = errno;
  if (g_fd >= 0) ::tcsetattr(g_fd, TCSAFLUSH, &g_saved);  // async-signal-safe
  ::signal(sig, SIG_DFL);
  ::raise(sig);  // ends the process as the signal would have, now with echo back on
  errno = saved_errno;
}

// Echo off for the life of the object, and the handlers that undo it if a signal ends the
// process meanwhile.
class EchoOff {
 public:
  EchoOff(int fd, const struct termios& saved) : fd_(fd) {
    g_saved = saved;
    g_fd = fd;
    struct sigaction action {};
    action.sa_handler = restore_and_reraise;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < kSignals.size(); ++i) {
      ::sigaction(kSignals[i], &action, &previous_[i]);
    }
    struct termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK | ECHONL);
    quiet.c_lflag |= ICANON;
    ok_ = ::tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    ::tcsetattr(fd_, TCSAFLUSH, &g_saved);
    for (std::size_t i = 0; i < kSignals.size(); ++i)
      ::sigaction(kSignals[i], &previous_[i], nullptr);
    g_fd = -1;
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;
  bool ok() const { return ok_; }

 private:
  int fd_;
  bool ok_ = false;
  std::array<struct sigaction, kSignals.size()> previous_{};
};

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

Result<std::string> read_hidden_line(int in_fd, int out_fd, std::string_view prompt) {
  struct termios saved {};
  if (!::isatty(in_fd) || ::tcgetattr(in_fd, &saved) != 0) {
    return Status(ErrorCode::Invalid, "the PIN can be read without echo only from a terminal");
  }
  std::string line;
  line.reserve(kMaxLine);  // no reallocation leaves an unwiped copy behind
  bool ended = false;
  {
    EchoOff quiet(in_fd, saved);
    if (!quiet.ok()) {
      return Status(ErrorCode::Io, std::string("cannot turn the terminal's echo off: ") +
                                       std::strerror(errno) + "; the PIN was not read");
    }
    write_all(out_fd, prompt);
    for (;;) {
      char c = 0;
      const ssize_t n = ::read(in_fd, &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        wipe(line);
        return Status(ErrorCode::Io, std::string("reading the PIN failed: ") + std::strerror(err));
      }
      if (n == 0) {
        ended = line.empty();
        break;
      }
      if (c == '\n') break;
      if (c != '\r' && line.size() < kMaxLine) line.push_back(c);
      c = 0;
    }
    write_all(out_fd, "\n");
  }
  if (ended) {
    return Status(ErrorCode::NotFound, "no PIN was typed (end of input)");
  }
  return line;
}

}  // namespace weimin::platform
