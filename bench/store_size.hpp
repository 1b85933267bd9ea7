// What the figures and scale benchmarks measure of a loaded store besides its answers: the
// PostgreSQL URL's parts (the libpq connection and the store's `schema=`), the bytes a store
// takes on disk, and the statistics PostgreSQL would gather a while after a load.
// Thread-safety: plain functions; each PostgreSQL one opens a connection of its own.
#pragma once

#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <utility>

#include <pqxx/pqxx>

#include "bench_support.hpp"

namespace weimin::bench {

// The URL's libpq connection (without the store's own `schema=` parameter) and its schema.
inline std::pair<std::string, std::string> pg_conninfo(const std::string& url) {
  const auto q = url.find('?');
  if (q == std::string::npos) return {url, "public"};
  std::string kept;
  std::string schema = "public";
  std::stringstream params(url.substr(q + 1));
  for (std::string param; std::getline(params, param, '&');) {
    if (param.starts_with("schema=")) {
      schema = param.substr(7);
    } else if (!param.empty()) {
      kept += (kept.empty() ? "?" : "&") + param;
    }
  }
  return {url.substr(0, q) + kept, schema};
}
inline std::string with_schema(const std::string& url, const std::string& schema) {
  return pg_conninfo(url).first + (url.find('?') == std::string::npos ? "?" : "&") +
         "schema=" + schema;
}

// The bytes of every file under `folder` (an embedded store's data folder: database, log, key).
inline std::int64_t folder_bytes(const std::filesystem::path& folder) {
  std::int64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(folder)) {
    if (e.is_regular_file()) total += static_cast<std::int64_t>(e.file_size());
  }
  return total;
}

// The bytes of the PostgreSQL store at `url`: its schema's tables with their indexes and TOAST.
inline std::int64_t pg_schema_bytes(const std::string& url) {
  try {
    const auto [conninfo, schema] = pg_conninfo(url);
    pqxx::connection c(conninfo);
    pqxx::work w(c);
    return w
        .exec_params(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c JOIN "
            "pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'",
            schema)[0][0]
        .as<std::int64_t>();
  } catch (const std::exception& e) {
    die("measuring the PostgreSQL store's size", Status(ErrorCode::Io, e.what()));
  }
}

// Runs `fn` outside a transaction on a connection whose search path is the store's schema;
// dies saying `what` when PostgreSQL refuses.
template <class Fn>
void pg_maintain(const std::string& url, const char* what, Fn&& fn) {
  try {
    const auto [conninfo, schema] = pg_conninfo(url);
    pqxx::connection c(conninfo);
    pqxx::nontransaction n(c);
    n.exec("SET search_path TO " + c.quote_name(schema));
    fn(n);
  } catch (const std::exception& e) {
    die(what, Status(ErrorCode::Io, e.what()));
  }
}

// VACUUM (ANALYZE) of the store's database, then a CHECKPOINT: a store as autovacuum and the
// checkpointer leave a server that has lived through its data, not one just bulk-loaded (whose
// first reads would set the hint bits of every page and write them out, during whatever is
// timed next). The checkpoint needs a superuser (bench/run-scale's own server); without one it
// is left to the server's own schedule.
inline void pg_settle(const std::string& url) {
  pg_maintain(url, "vacuuming the PostgreSQL store", [](pqxx::nontransaction& n) {
    n.exec("VACUUM (ANALYZE)");
    const bool super =
        n.exec("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0][0].as<bool>();
    if (super) n.exec("CHECKPOINT");
  });
}

// ANALYZE of the store's schema: the statistics autovacuum would gather a while after a load.
inline void pg_analyze(const std::string& url) {
  pg_maintain(url, "analyzing the PostgreSQL store",
              [](pqxx::nontransaction& n) { n.exec("ANALYZE"); });
}

}  // namespace weimin::bench
