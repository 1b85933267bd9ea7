// The HTTPS front (https.hpp): Boost.Asio accepts and runs TLS on a few I/O threads, each
// connection a chain of asynchronous steps (handshake, read a request through RequestReader,
// hand it to a worker, write the answer, read the next); DistrictService::handle runs on a
// bounded pool of workers, GET /v1/health on a lane of its own. Only this file, http_front.cpp
// and tls.cpp use Boost.Beast/Asio and OpenSSL.
#include "weimin/server/https.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <atomic>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "tls_context.hpp"

namespace weimin::server {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

// Threads that run tasks from a queue; post() refuses when the queue is full or stopped.
class WorkerPool {
 public:
  explicit WorkerPool(int threads) {
    for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { work(); });
  }
  ~WorkerPool() { stop(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  bool post(std::function<void()> task, std::size_t max_queued) {
    {
      std::lock_guard lock(mutex_);
      if (stopped_ || queue_.size() >= max_queued) return false;
      queue_.push_back(std::move(task));
    }
    ready_.notify_one();
    return true;
  }
  // Lets running tasks finish, drops the queued ones, joins the threads.
  void stop() {
    std::deque<std::function<void()>> dropped;
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
      dropped.swap(queue_);
    }
    ready_.notify_all();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return stopped_ || !queue_.empty(); });
        if (stopped_) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  bool stopped_ = false;
  std::vector<std::thread> threads_;
};

// What every connection shares: the service, the limits, the workers, the connection counts.
struct Front {
  DistrictService& service;
  HttpsOptions options;
  FrontLimits limits;
  WorkerPool* workers = nullptr;
  WorkerPool* health = nullptr;
  std::atomic<bool> stopping{false};

  std::mutex counts_mutex;
  std::size_t open = 0;
  std::unordered_map<std::string, std::size_t> per_address;

  BodyBudget budget;

  Front(DistrictService& s, HttpsOptions o)
      : service(s), options(std::move(o)), budget(options.max_body_bytes_in_flight) {}

  bool admit(const std::string& address) {
    std::lock_guard lock(counts_mutex);
    if (open >= options.max_connections) return false;
    std::size_t& mine = per_address[address];
    if (mine >= options.max_connections_per_address) return false;
    ++mine;
    ++open;
    return true;
  }
  void release(const std::string& address) {
    std::lock_guard lock(counts_mutex);
    --open;
    auto it = per_address.find(address);
    if (it != per_address.end() && --it->second == 0) per_address.erase(it);
  }
};

// Bytes a peer that has been refused may still send before the socket is closed (so the
// answer is read before a reset), and for how long.
constexpr std::size_t kLingerBytes = 1 << 20;
constexpr milliseconds kLinger{1000};
constexpr std::size_t kReadChunk = 16 * 1024;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, net::ssl::context& tls, std::shared_ptr<Front> front,
          std::string address)
      : stream_(std::move(socket), tls),
        front_(std::move(front)),
        address_(std::move(address)),
        buffer_(front_->limits.max_header_bytes + RequestReader::kUnusedSlack + 2 * kReadChunk) {}
  ~Session() { front_->release(address_); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    lowest().expires_after(milliseconds(front_->options.handshake_timeout_ms));
    stream_.async_handshake(net::ssl::stream_base::server,
                            [self = shared_from_this()](beast::error_code ec) {
                              if (ec) return;  // closed on destruction
                              self->waiting_since_ = Clock::now();
                              self->first_request_ = true;
                              self->begin_request();
                            });
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void begin_request() {
    reader_.reset();  // gives its body's bytes back to the budget first
    reader_.emplace(front_->limits, &front_->budget);
    prechecked_ = false;
    got_bytes_ = false;
    continue_sent_ = false;
    header_at_.reset();
    advance();
  }

  // When the current read must end: the headers within header_timeout of their first byte (of
  // the handshake for a first request), a kept-alive connection's next request within
  // idle_timeout, a body at a minimum rate after a floor.
  Clock::time_point deadline() const {
    const HttpsOptions& o = front_->options;
    if (header_at_) {
      const auto allowance = static_cast<std::int64_t>(
          reader_->body_wire_bytes() * 1000 / std::max<std::size_t>(1, o.min_body_bytes_per_s));
      return *header_at_ + milliseconds(o.body_timeout_ms + allowance);
    }
    if (got_bytes_) return first_byte_ + milliseconds(o.header_timeout_ms);
    return waiting_since_ + milliseconds(first_request_ ? o.header_timeout_ms : o.idle_timeout_ms);
  }

  void advance() {
    if (buffer_.size() > 0) {
      if (!got_bytes_) {
        got_bytes_ = true;
        first_byte_ = Clock::now();
      }
      const auto data = buffer_.data();
      buffer_.consume(reader_->feed({static_cast<const char*>(data.data()), data.size()}));
    }
    if (reader_->refused()) return refuse(*reader_->refused());
    if (reader_->header_done() && !prechecked_) {
      // A signed station request the service refuses from its headers is answered before its
      // body is read (what of it already arrived is all that is held).
      prechecked_ = true;
      const sync::HttpRequest& head = reader_->head();
      if (auto no = front_->service.precheck(head.method, head.path, head.headers)) {
        return write_answer(serialize_response(*no, false), false);
      }
    }
    if (reader_->done()) return dispatch();
    if (reader_->header_done() && !header_at_) header_at_ = Clock::now();
    if (reader_->header_done() && reader_->wants_continue() && !continue_sent_) {
      continue_sent_ = true;
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      lowest().expires_at(deadline());
      net::async_write(stream_, net::buffer(kContinue),
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (!ec) self->read_more();
                       });
      return;
    }
    read_more();
  }

  void read_more() {
    if (front_->stopping) return;
    lowest().expires_at(deadline());
    stream_.async_read_some(
        buffer_.prepare(kReadChunk),
        [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_read(ec, n); });
  }

  void on_read(beast::error_code ec, std::size_t n) {
    buffer_.commit(n);
    if (ec == net::error::eof || ec == net::ssl::error::stream_truncated) {
      if (got_bytes_) {
        reader_->feed_eof();
        if (reader_->done()) return dispatch();
      }
      return;  // the peer closed: nothing to answer
    }
    if (ec) return;  // a timeout (the socket is closed) or a broken connection
    advance();
  }

  void dispatch() {
    sync::HttpRequest request = reader_->take_request();
    request.remote_address = address_;
    keep_alive_ = reader_->keep_alive() && !front_->stopping;
    head_ = request.method == "HEAD";
    const bool health = request.method == "GET" && request.path == "/v1/health";
    WorkerPool* lane = health ? front_->health : front_->workers;
    auto task = [self = shared_from_this(), request = std::move(request)]() mutable {
      sync::HttpResponse r;
      try {
        r = self->front_->service.handle(request);
      } catch (...) {  // handle() answers its own errors; this is a last resort
        r = refusal_response({500, "internal", "internal error; retry later"});
      }
      compress_answer(request, r);
      std::string bytes = serialize_response(r, self->keep_alive_, self->head_);
      net::post(self->stream_.get_executor(), [self, bytes = std::move(bytes)]() mutable {
        self->write_answer(std::move(bytes), self->keep_alive_);
      });
    };
    if (!lane->post(std::move(task), front_->options.max_queued_requests)) {
      refuse({503, "busy", "the district has too many requests waiting; retry in a minute"});
    }
  }

  void refuse(const FrontRefusal& refusal) {
    write_answer(serialize_response(refusal_response(refusal), false), false);
  }

  void write_answer(std::string bytes, bool keep_alive) {
    answer_ = std::move(bytes);
    const HttpsOptions& o = front_->options;
    const auto allowance = static_cast<std::int64_t>(
        answer_.size() * 1000 / std::max<std::size_t>(1, o.min_body_bytes_per_s));
    lowest().expires_after(milliseconds(o.body_timeout_ms + allowance));
    net::async_write(stream_, net::buffer(answer_),
                     [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                       self->answer_.clear();
                       self->answer_.shrink_to_fit();
                       if (ec) return;
                       if (keep_alive && !self->front_->stopping) {
                         self->first_request_ = false;
                         self->waiting_since_ = Clock::now();
                         self->begin_request();
                       } else {
                         self->linger();
                       }
                     });
  }

  // Ends the connection after an answer that closes it: no more bytes from us, then what the
  // peer still sends is read and dropped for a moment, so it reads the answer before the close.
  void linger() {
    reader_.reset();
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().expires_after(kLinger);
    drain();
  }

  void drain() {
    buffer_.clear();
    lowest().async_read_some(buffer_.prepare(kReadChunk),
                             [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                               self->drained_ += n;
                               if (!ec && self->drained_ < kLingerBytes) self->drain();
                             });
  }

  beast::ssl_stream<beast::tcp_stream> stream_;
  std::shared_ptr<Front> front_;
  std::string address_;
  beast::flat_buffer buffer_;
  std::optional<RequestReader> reader_;
  std::string answer_;
  bool first_request_ = true;
  bool got_bytes_ = false;
  bool continue_sent_ = false;
  bool prechecked_ = false;
  bool keep_alive_ = false;
  bool head_ = false;
  std::size_t drained_ = 0;
  Clock::time_point waiting_since_{};
  Clock::time_point first_byte_{};
  std::optional<Clock::time_point> header_at_;
};

}  // namespace

struct HttpsServer::Impl {
  Impl(DistrictService& s, HttpsOptions o) : service(s), options(std::move(o)) {}
  DistrictService& service;
  HttpsOptions options;
  std::mutex mutex;  // guards ioc and stopped against stop() from another thread
  bool stopped = false;
  std::optional<net::ssl::context> tls;
  std::unique_ptr<net::io_context> ioc;
};

HttpsServer::HttpsServer(DistrictService& service, HttpsOptions options)
    : impl_(std::make_unique<Impl>(service, std::move(options))) {
  impl_->ioc = std::make_unique<net::io_context>(std::max(1, impl_->options.io_threads));
}

HttpsServer::~HttpsServer() = default;

namespace {

class Acceptor {
 public:
  Acceptor(net::io_context& ioc, net::ssl::context& tls, std::shared_ptr<Front> front)
      : acceptor_(ioc), retry_(ioc), tls_(tls), front_(std::move(front)) {}

  Status listen(const std::string& host, int port) {
    beast::error_code ec;
    tcp::endpoint where;
    const auto address = net::ip::make_address(host, ec);
    if (!ec) {
      where = tcp::endpoint(address, static_cast<unsigned short>(port));
    } else {
      tcp::resolver resolver(acceptor_.get_executor());
      auto found = resolver.resolve(host, std::to_string(port), ec);
      if (ec || found.empty()) {
        return Status(ErrorCode::Unavailable,
                      "cannot listen on " + host + ": the name does not resolve; check --listen");
      }
      where = found.begin()->endpoint();
    }
    const std::string shown = host + ":" + std::to_string(port);
    acceptor_.open(where.protocol(), ec);
    // SO_REUSEADDR lets a restarted server bind past connections in TIME_WAIT; it never lets
    // two servers listen on one port (that would be SO_REUSEPORT, which is not set).
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(where, ec);
    if (ec == net::error::address_in_use) {
      return Status(ErrorCode::Unavailable,
                    "cannot listen on " + shown +
                        ": the port is in use, another server (another weimin-district serve?) "
                        "listens there. Stop it, or choose another port with --listen");
    }
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status(ErrorCode::Unavailable,
                    "cannot listen on " + shown + ": " + ec.message() + "; check the address");
    }
    port_ = acceptor_.local_endpoint().port();
    return Status::ok();
  }
  int port() const { return port_; }

  void accept() {
    acceptor_.async_accept(net::make_strand(acceptor_.get_executor()),
                           [this](beast::error_code ec, tcp::socket socket) {
                             if (ec == net::error::operation_aborted) return;
                             if (ec) {  // out of descriptors, say: try again shortly
                               retry_.expires_after(milliseconds(50));
                               retry_.async_wait([this](beast::error_code e) {
                                 if (!e) accept();
                               });
                               return;
                             }
                             on_accept(std::move(socket));
                             accept();
                           });
  }

 private:
  void on_accept(tcp::socket socket) {
    beast::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    if (ec) return;
    std::string address = peer.address().to_string();
    if (front_->stopping || !front_->admit(address)) return;  // closed here, no handshake
    // An answer goes out at once: without this, Nagle's algorithm held the last small TLS
    // record of each answer until the station's delayed ACK (~40 ms per request on loopback).
    socket.set_option(tcp::no_delay(true), ec);
    std::make_shared<Session>(std::move(socket), tls_, front_, std::move(address))->start();
  }

  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  net::ssl::context& tls_;
  std::shared_ptr<Front> front_;
  int port_ = 0;
};

}  // namespace

Status HttpsServer::run() {
  Impl& impl = *impl_;
  const HttpsOptions& o = impl.options;
  net::io_context* ioc = nullptr;
  {
    std::lock_guard lock(impl.mutex);
    if (impl.stopped || !impl.ioc) return Status::ok();
    ioc = impl.ioc.get();
    impl.tls.emplace(net::ssl::context::tls_server);
  }
  WEIMIN_TRY(configure_server_tls(impl.tls->native_handle(), o.tls));

  auto front = std::make_shared<Front>(impl.service, o);
  front->limits = o.limits;
  front->limits.max_body_bytes = impl.service.options().max_body_bytes;
  WorkerPool workers(o.workers);
  WorkerPool health(o.health_workers);
  front->workers = &workers;
  front->health = &health;

  std::optional<Acceptor> acceptor(std::in_place, *ioc, *impl.tls, front);
  WEIMIN_TRY(acceptor->listen(o.host, o.port));
  if (o.on_listening) o.on_listening(acceptor->port());
  acceptor->accept();
  std::vector<std::thread> io;
  for (int i = 1; i < std::max(1, o.io_threads); ++i) io.emplace_back([ioc] { ioc->run(); });
  ioc->run();
  for (auto& t : io) t.join();
  front->stopping = true;
  // Requests being handled finish (their answers are not sent); waiting ones are dropped.
  workers.stop();
  health.stop();
  acceptor.reset();
  // Closes every connection: their handlers go with the I/O context.
  std::lock_guard lock(impl.mutex);
  impl.ioc.reset();
  return Status::ok();
}

void HttpsServer::stop() {
  std::lock_guard lock(impl_->mutex);
  impl_->stopped = true;
  if (impl_->ioc) impl_->ioc->stop();
}

Result<std::pair<std::string, int>> parse_listen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status(ErrorCode::Invalid,
                  "--listen '" + text + "' is not HOST:PORT, e.g. 127.0.0.1:8443");
  }
  int port = -1;
  std::string_view p(text.data() + colon + 1, text.size() - colon - 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc() || end != p.data() + p.size() || port < 0 || port > 65535) {
    return Status(ErrorCode::Invalid, "--listen '" + text + "': the port must be 0 to 65535");
  }
  return std::make_pair(text.substr(0, colon), port);
}

}  // namespace weimin::server
