// A raw TLS client for the front's tests (OpenSSL over a blocking socket): it connects from a
// chosen loopback address, offers chosen ciphers and versions, sends any bytes, and reads one
// HTTP answer — what an attacker does, which no HTTP client library would let a test do.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace weimin::test {

struct TlsOffer {
  const char* source = "127.0.0.1";     // the client's own address (127.0.0.0/8)
  const char* tls12_ciphers = nullptr;  // OpenSSL list; none: OpenSSL's defaults
  int max_version = 0;                  // e.g. TLS1_2_VERSION; 0: the newest
  int io_timeout_ms = 10'000;           // each read or write
};

class TlsConn {
 public:
  ~TlsConn() {
    if (ssl_) SSL_free(ssl_);
    if (ctx_) SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
  }
  TlsConn(const TlsConn&) = delete;
  TlsConn& operator=(const TlsConn&) = delete;

  // A TCP connection to 127.0.0.1:port, without TLS yet; null when it cannot connect.
  static std::unique_ptr<TlsConn> tcp(int port, const TlsOffer& offer = {}) {
    ::signal(SIGPIPE, SIG_IGN);  // a write to a connection the server closed fails, not kills
    std::unique_ptr<TlsConn> c(new TlsConn);
    c->fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd_ < 0) return nullptr;
    timeval tv{offer.io_timeout_ms / 1000, (offer.io_timeout_ms % 1000) * 1000};
    ::setsockopt(c->fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(c->fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, offer.source, &from.sin_addr);
    if (::bind(c->fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) return nullptr;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::connect(c->fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) return nullptr;
    return c;
  }

  // Connected and past the TLS handshake; null when either fails (`why` says which).
  static std::unique_ptr<TlsConn> connect(int port, const TlsOffer& offer = {},
                                          std::string* why = nullptr) {
    auto c = tcp(port, offer);
    if (!c) {
      if (why) *why = "cannot connect";
      return nullptr;
    }
    if (!c->handshake(offer, why)) return nullptr;
    return c;
  }

  bool handshake(const TlsOffer& offer, std::string* why = nullptr) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (offer.max_version) SSL_CTX_set_max_proto_version(ctx_, offer.max_version);
    if (offer.tls12_ciphers) SSL_CTX_set_cipher_list(ctx_, offer.tls12_ciphers);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    if (SSL_connect(ssl_) != 1) {
      if (why) {
        char text[256] = {0};
        ERR_error_string_n(ERR_get_error(), text, sizeof text);
        *why = text;
      }
      ERR_clear_error();
      return false;
    }
    return true;
  }

  std::string cipher() const { return ssl_ ? SSL_get_cipher_name(ssl_) : ""; }

  // Sends all of `bytes`; false when the connection refuses them (closed, reset, timed out).
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const int n = SSL_write(ssl_, bytes.data(),
                              static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 16)));
      if (n <= 0) {
        ERR_clear_error();
        return false;
      }
      sent_ += static_cast<std::size_t>(n);
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  std::size_t sent() const { return sent_; }

  // Reads one answer: its status, and its body into `body`; 0 when the connection ends (or
  // times out) first.
  int read_answer(std::string* body = nullptr) {
    std::string got;
    char buf[16 * 1024];
    std::size_t header_end = std::string::npos;
    std::size_t length = 0;
    for (;;) {
      if (header_end == std::string::npos) {
        header_end = got.find("\r\n\r\n");
        if (header_end != std::string::npos) {
          const auto at = got.find("Content-Length: ");
          if (at != std::string::npos && at < header_end) length = std::stoul(got.substr(at + 16));
        }
      }
      if (header_end != std::string::npos && got.size() >= header_end + 4 + length) break;
      const int n = SSL_read(ssl_, buf, sizeof buf);
      if (n <= 0) {
        ERR_clear_error();
        return 0;
      }
      got.append(buf, static_cast<std::size_t>(n));
    }
    if (got.rfind("HTTP/1.1 ", 0) != 0) return 0;
    if (body) *body = got.substr(header_end + 4, length);
    return std::stoi(got.substr(9, 3));
  }

  // Whether the server has closed the connection (waits at most `wait_ms` for a sign of it).
  bool closed(int wait_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, wait_ms) <= 0) return false;
    // Without blocking: what is readable may be only a TLS 1.3 session ticket.
    const int flags = ::fcntl(fd_, F_GETFL);
    ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
    char buf[512];
    const int n = SSL_read(ssl_, buf, sizeof buf);
    const int err = SSL_get_error(ssl_, n);
    ::fcntl(fd_, F_SETFL, flags);
    ERR_clear_error();
    return n <= 0 && err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE;
  }

  int fd() const { return fd_; }

 private:
  TlsConn() = default;
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::size_t sent_ = 0;
};

}  // namespace weimin::test
