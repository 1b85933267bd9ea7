// The PostgreSQL plumbing under PgStore: the store URL (a libpq URI plus our own `schema=`
// parameter), a small pool of connections whose search_path is the store's schema, turning
// libpqxx exceptions into Status, and running a transaction again when PostgreSQL says it lost
// a race (deadlock or serialization failure).
// Thread-safety: ConnectionPool is safe from any thread; a Lease (one connection) belongs to the
// thread that holds it.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

#include "weimin/core/result.hpp"

namespace weimin::server::pg {

struct StoreUrl {
  std::string conninfo;  // what libpq gets: the URL without our parameters
  std::string schema;    // "public" unless schema=NAME
  std::string shown;     // the URL without a password, for messages and logs
};

// Accepts postgresql://… and postgres://… URIs. `schema=NAME` (letters, digits, '_', at most 63,
// not starting with a digit) picks the schema; every other parameter is passed to libpq.
Result<StoreUrl> parse_store_url(std::string_view url);

// Quotes an identifier already checked by parse_store_url.
std::string quote_ident(std::string_view name);

// A PostgreSQL array literal of plain strings: {"a","b"}.
std::string text_array(const std::vector<std::string>& items);

// The Status for a libpqxx exception: Unavailable when the server cannot be reached or the
// connection broke (retry later), Conflict for a lost race, Internal otherwise. The message
// says what was being done (`what`), on which store, and what the server said.
Status status_from(const std::exception& e, std::string_view what, const StoreUrl& url);

class ConnectionPool {
 public:
  // Opens one connection now (so a wrong URL fails at start); more are made on demand up to
  // max_size. Unavailable when the server cannot be reached.
  static Result<std::unique_ptr<ConnectionPool>> open(StoreUrl url, std::size_t max_size);
  ~ConnectionPool();

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> c)
        : pool_(pool), c_(std::move(c)) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), c_(std::move(other.c_)) {
      other.pool_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    pqxx::connection& operator*() { return *c_; }
    pqxx::connection* operator->() { return c_.get(); }
    // The connection is not given back (it broke); the pool makes a new one next time.
    void discard() { c_.reset(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> c_;
  };

  // Waits while all max_size connections are out. Unavailable when a new one cannot be made.
  Result<Lease> acquire();
  const StoreUrl& url() const { return url_; }

  // Runs fn in a transaction on a pooled connection and commits. fn returns a Status; a non-ok
  // Status rolls back and is returned as is. A deadlock or serialization failure runs fn again
  // (up to 5 times); a broken connection is discarded and the error returned (Unavailable).
  Status transact(std::string_view what, const std::function<Status(pqxx::work&)>& fn);
  // The same for reading only, in one REPEATABLE READ snapshot (every statement sees the same
  // committed state).
  Status read(std::string_view what, const std::function<Status(pqxx::transaction_base&)>& fn);

 private:
  ConnectionPool(StoreUrl url, std::size_t max_size) : url_(std::move(url)), max_(max_size) {}
  Result<std::unique_ptr<pqxx::connection>> connect();
  void give_back(std::unique_ptr<pqxx::connection> c);

  StoreUrl url_;
  std::size_t max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::size_t out_ = 0;
};

}  // namespace weimin::server::pg
