// FaultProxy: a TCP proxy on 127.0.0.1 between the sync client and the real district server
// that injects the faults of a bad link: cut the connection after N bytes of the request or of
// the response (a close mid-response), delay every chunk, and replay a finished request on a
// new connection (as an attacker who recorded it would). TLS passes through untouched.
// Thread-safety: set_faults may be called from any thread; it applies to new connections.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace weimin::test {

struct ProxyFaults {
  std::int64_t cut_request_after = -1;   // close after this many client→server bytes
  std::int64_t cut_response_after = -1;  // close after this many server→client bytes
  int delay_ms = 0;                      // before forwarding each chunk
  bool replay = false;                   // send the recorded request again on a new connection
  int connections = 1;                   // how many new connections get these faults
};

class FaultProxy {
 public:
  explicit FaultProxy(int upstream_port) : upstream_port_(upstream_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(listen_fd_, 64);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~FaultProxy() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    acceptor_.join();
    std::lock_guard lock(mu_);
    for (auto& t : workers_) t.join();
  }
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  void set_faults(const ProxyFaults& faults) {
    std::lock_guard lock(mu_);
    faults_ = faults;
  }
  int connections_seen() const { return connections_.load(); }
  int faults_fired() const { return fired_.load(); }
  int replays_sent() const { return replays_.load(); }
  // Waits until `n` replays were sent (true), or gives up after `limit` (false): a bound on a
  // failure, not a pause, since each replay signals when it is done.
  bool wait_for_replays(int n, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    std::unique_lock lock(replay_mu_);
    return replay_done_.wait_for(lock, limit, [&] { return replays_.load() >= n; });
  }

 private:
  static int connect_upstream(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }

  void accept_loop() {
    while (!stopping_) {
      int client = ::accept(listen_fd_, nullptr, nullptr);
      if (client < 0) {
        if (stopping_) return;
        continue;
      }
      connections_++;
      ProxyFaults faults;
      {
        std::lock_guard lock(mu_);
        if (faults_.connections > 0) {
          faults = faults_;
          faults_.connections--;
        }
        workers_.emplace_back([this, client, faults] { relay(client, faults); });
      }
    }
  }

  static bool send_all(int fd, const char* data, std::size_t n) {
    while (n > 0) {
      ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
      if (w <= 0) return false;
      data += w;
      n -= static_cast<std::size_t>(w);
    }
    return true;
  }

  void relay(int client, ProxyFaults faults) {
    int server = connect_upstream(upstream_port_);
    if (server < 0) {
      ::close(client);
      return;
    }
    std::string recorded;
    std::int64_t up = 0, down = 0;
    bool cut = false;
    char buf[16384];
    while (!stopping_ && !cut) {
      pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      if (::poll(fds, 2, 200) < 0) break;
      bool closed = false;
      for (int i = 0; i < 2 && !cut; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const int from = i == 0 ? client : server;
        const int to = i == 0 ? server : client;
        ssize_t n = ::recv(from, buf, sizeof buf, 0);
        if (n <= 0) {
          closed = true;
          break;
        }
        std::int64_t allowed = n;
        std::int64_t& count = i == 0 ? up : down;
        const std::int64_t limit = i == 0 ? faults.cut_request_after : faults.cut_response_after;
        if (limit >= 0 && count + n > limit) {
          allowed = limit - count;
          cut = true;
        }
        if (faults.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(faults.delay_ms));
        if (i == 0 && faults.replay) recorded.append(buf, static_cast<std::size_t>(allowed));
        if (allowed > 0 && !send_all(to, buf, static_cast<std::size_t>(allowed))) closed = true;
        count += allowed;
      }
      if (closed) break;
    }
    if (cut) fired_++;
    ::shutdown(client, SHUT_RDWR);
    ::close(client);
    ::close(server);
    if (faults.replay && !recorded.empty()) {
      int again = connect_upstream(upstream_port_);
      if (again >= 0) {
        send_all(again, recorded.data(), recorded.size());
        ::shutdown(again, SHUT_WR);
        while (::recv(again, buf, sizeof buf, 0) > 0) {
        }
        ::close(again);
        {
          std::lock_guard lock(replay_mu_);
          replays_++;
        }
        replay_done_.notify_all();
      }
    }
  }

  int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> fired_{0};
  std::atomic<int> replays_{0};
  std::mutex mu_;
  std::mutex replay_mu_;
  std::condition_variable replay_done_;
  ProxyFaults faults_{-1, -1, 0, false, 0};
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace weimin::test
