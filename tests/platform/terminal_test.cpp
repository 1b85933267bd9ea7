// Reading a PIN from a terminal: on a pseudo-terminal, what the person types is not echoed,
// the terminal's settings come back afterwards, and also when a signal ends the process while
// it waits for the PIN.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "weimin/platform/terminal.hpp"

using namespace weimin;

namespace {

struct Pty {
  int master = -1;
  int slave = -1;
  Pty() {
    master = ::posix_openpt(O_RDWR | O_NOCTTY);
    REQUIRE(master >= 0);
    REQUIRE(::grantpt(master) == 0);
    REQUIRE(::unlockpt(master) == 0);
    slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
    REQUIRE(slave >= 0);
  }
  ~Pty() {
    ::close(slave);
    ::close(master);
  }
  // Reads what the terminal shows until `until` has appeared.
  std::string read_until(const std::string& until) const {
    std::string seen;
    char buf[256];
    while (seen.find(until) == std::string::npos) {
      const ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) break;
      seen.append(buf, static_cast<std::size_t>(n));
    }
    return seen;
  }
  bool echo_on() const {
    struct termios t {};
    REQUIRE(::tcgetattr(slave, &t) == 0);
    return (t.c_lflag & ECHO) != 0;
  }
};

}  // namespace

TEST_CASE("a PIN typed on a terminal is not echoed, and echo comes back afterwards") {
  Pty pty;
  REQUIRE(pty.echo_on());
  Result<std::string> got = Status(ErrorCode::Internal, "not read");
  std::thread reader([&] { got = platform::read_hidden_line(pty.slave, pty.slave, "PIN: "); });
  // The prompt is written once echo is off, so typing after it is never echoed.
  const std::string prompt = pty.read_until("PIN: ");
  CHECK(prompt.find("PIN: ") != std::string::npos);
  const std::string typed = "583920\n";
  REQUIRE(::write(pty.master, typed.data(), typed.size()) == static_cast<ssize_t>(typed.size()));
  reader.join();
  REQUIRE_MESSAGE(got.is_ok(), got.status().to_string());
  CHECK(*got == "583920");
  const std::string shown = pty.read_until("\n");
  CHECK_MESSAGE(shown.find("583920") == std::string::npos, "the terminal showed: " << shown);
  CHECK(pty.echo_on());
}

TEST_CASE("a signal while the PIN is awaited leaves the terminal echoing again") {
  Pty pty;
  for (int sig : {SIGINT, SIGTERM}) {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      auto r = platform::read_hidden_line(pty.slave, pty.slave, "PIN: ");
      ::_exit(r.is_ok() ? 0 : 3);
    }
    (void)pty.read_until("PIN: ");
    CHECK_FALSE(pty.echo_on());  // the child has turned echo off and waits
    REQUIRE(::kill(child, sig) == 0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == sig);
    CHECK_MESSAGE(pty.echo_on(), "echo still off after signal " << sig);
  }
}

TEST_CASE("reading a PIN without echo needs a terminal") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  auto r = platform::read_hidden_line(fds[0], fds[1], "PIN: ");
  CHECK(r.status().code() == ErrorCode::Invalid);
  ::close(fds[0]);
  ::close(fds[1]);
}
