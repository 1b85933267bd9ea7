#include "pg_connection.hpp"

#include <cctype>
#include <chrono>
#include <thread>

namespace weimin::server::pg {
namespace {

bool is_plain_identifier(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  if (std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char ch : s) {
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_')) return false;
  }
  return true;
}

}  // namespace

Result<StoreUrl> parse_store_url(std::string_view url) {
  const bool known = url.starts_with("postgresql://") || url.starts_with("postgres://");
  if (!known) {
    return Status(ErrorCode::Invalid,
                  "store URL '" + std::string(url) +
                      "' is not a PostgreSQL URL: write postgresql://USER@HOST:PORT/DATABASE");
  }
  StoreUrl out;
  out.schema = "public";
  std::string base(url);
  std::string query;
  if (auto q = base.find('?'); q != std::string::npos) {
    query = base.substr(q + 1);
    base.resize(q);
  }
  std::string kept;
  std::size_t pos = 0;
  while (pos <= query.size() && !query.empty()) {
    std::size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    std::string param = query.substr(pos, amp - pos);
    if (param.starts_with("schema=")) {
      out.schema = param.substr(7);
      if (!is_plain_identifier(out.schema)) {
        return Status(ErrorCode::Invalid,
                      "store URL parameter schema='" + out.schema +
                          "' is not a plain name: use letters, digits and '_' (at most 63, "
                          "not starting with a digit)");
      }
    } else if (!param.empty()) {
      if (!kept.empty()) kept += '&';
      kept += param;
    }
    pos = amp + 1;
  }
  out.conninfo = kept.empty() ? base : base + "?" + kept;
  // Hide a password: scheme://user:secret@host → scheme://user:***@host.
  out.shown = out.conninfo;
  const auto scheme_end = out.shown.find("://") + 3;
  const auto at = out.shown.find('@', scheme_end);
  const auto colon = out.shown.find(':', scheme_end);
  if (at != std::string::npos && colon != std::string::npos && colon < at) {
    out.shown.replace(colon + 1, at - colon - 1, "***");
  }
  if (out.schema != "public") out.shown += (kept.empty() ? "?schema=" : "&schema=") + out.schema;
  return out;
}

std::string quote_ident(std::string_view name) {
  return "\"" + std::string(name) + "\"";
}

Status status_from(const std::exception& e, std::string_view what, const StoreUrl& url) {
  std::string said = e.what();
  while (!said.empty() && (said.back() == '\n' || said.back() == ' ')) said.pop_back();
  const std::string where = std::string(what) + " on PostgreSQL store " + url.shown + ": ";
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return Status(ErrorCode::Unavailable,
                  where + said + " (is PostgreSQL running and reachable? retry later)");
  }
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    return Status(ErrorCode::Conflict, where + said + " (lost a race; retry)");
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return Status(ErrorCode::Unavailable,
                  where + said + " (the commit may or may not have happened; retry: it is safe)");
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string state = sql->sqlstate();
    if (state.starts_with("08") || state == "57P01" || state == "57P03" || state == "53300") {
      return Status(ErrorCode::Unavailable, where + said + " (retry later)");
    }
    if (state == "53100") return Status(ErrorCode::DiskFull, where + said);
  }
  return Status(ErrorCode::Internal, where + said);
}

Result<std::unique_ptr<ConnectionPool>> ConnectionPool::open(StoreUrl url, std::size_t max_size) {
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(std::move(url), max_size ? max_size : 1));
  WEIMIN_ASSIGN_OR_RETURN(auto first, pool->connect());
  pool->idle_.push_back(std::move(first));
  return pool;
}

ConnectionPool::~ConnectionPool() = default;

Result<std::unique_ptr<pqxx::connection>> ConnectionPool::connect() {
  try {
    auto c = std::make_unique<pqxx::connection>(url_.conninfo);
    // The schema may not exist yet (the store creates it); search_path then simply skips it.
    pqxx::nontransaction n(*c);
    n.exec("SET search_path TO " + quote_ident(url_.schema));
    n.exec("SET application_name TO 'weimin-district'");
    return c;
  } catch (const std::exception& e) {
    return status_from(e, "connecting", url_);
  }
}

Result<ConnectionPool::Lease> ConnectionPool::acquire() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !idle_.empty() || out_ < max_; });
  ++out_;
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(c));
  }
  lock.unlock();
  auto made = connect();
  if (!made) {
    give_back(nullptr);
    return made.status();
  }
  return Lease(this, std::move(made).value());
}

void ConnectionPool::give_back(std::unique_ptr<pqxx::connection> c) {
  {
    std::lock_guard lock(mu_);
    --out_;
    if (c && c->is_open()) idle_.push_back(std::move(c));
  }
  cv_.notify_one();
}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->give_back(std::move(c_));
}

namespace {

template <class Tx, class Fn>
Status run_transaction(ConnectionPool& pool, std::string_view what, const Fn& fn) {
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    WEIMIN_ASSIGN_OR_RETURN(auto lease, pool.acquire());
    try {
      Tx w(*lease);
      Status s = fn(w);
      if (!s.is_ok()) {
        w.abort();
        return s;
      }
      w.commit();
      return Status::ok();
    } catch (const pqxx::transaction_rollback& e) {
      if (attempt >= kAttempts) return status_from(e, what, pool.url());
      std::this_thread::sleep_for(std::chrono::milliseconds(2 * attempt));
    } catch (const pqxx::broken_connection& e) {
      lease.discard();
      return status_from(e, what, pool.url());
    } catch (const std::exception& e) {
      if (!lease->is_open()) lease.discard();
      return status_from(e, what, pool.url());
    }
  }
}

}  // namespace

Status ConnectionPool::transact(std::string_view what,
                                const std::function<Status(pqxx::work&)>& fn) {
  return run_transaction<pqxx::work>(*this, what, fn);
}

Status ConnectionPool::read(std::string_view what,
                            const std::function<Status(pqxx::transaction_base&)>& fn) {
  using Snapshot = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;
  return run_transaction<Snapshot>(*this, what, fn);
}

std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char ch : items[i]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace weimin::server::pg
