// Upgrading a PostgreSQL store (WEIMIN_TEST_STORE=postgresql://…; skipped without it): a store
// at the previous schema version (made by a program whose migration list stops one short) is
// copied whole into <schema>_schema_<N>_bak before it is migrated, the copy holds the old rows
// and gives the store back when renamed (docs/INSTALL.md); a copy that cannot be made stops the
// migration; an older program on a newer store refuses and changes nothing.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#ifdef WEIMIN_SERVER_PG
#include <pqxx/pqxx>

#include "pg_connection.hpp"
#include "pg_schema.hpp"
#include "weimin/server/pg_store.hpp"

using namespace weimin;
using weimin::server::pg::backup_schema_name;
using weimin::server::pg::latest_schema_version;

namespace {

constexpr std::int64_t kNow = 1'795'336'200'000;

struct PgUpgrade {
  std::string url_text;
  server::pg::StoreUrl url;
  std::unique_ptr<pqxx::connection> c;
  int previous = latest_schema_version() - 1;

  explicit PgUpgrade(const char* base) {
    url_text = server::pg_url_with_fresh_schema(base, "up");
    auto parsed = server::pg::parse_store_url(url_text);
    REQUIRE_MESSAGE(parsed.is_ok(), parsed.status().to_string());
    url = *parsed;
    c = std::make_unique<pqxx::connection>(url.conninfo);
  }
  std::string q(const std::string& schema, const std::string& table) const {
    return server::pg::quote_ident(schema) + "." + server::pg::quote_ident(table);
  }
  std::string one(const std::string& sql) {
    pqxx::nontransaction n(*c);
    auto r = n.exec(sql);
    return r.empty() || r[0][0].is_null() ? "<none>" : r[0][0].as<std::string>();
  }
  void exec(const std::string& sql) {
    pqxx::work w(*c);
    w.exec(sql);
    w.commit();
  }
  bool schema_exists(const std::string& name) {
    pqxx::nontransaction n(*c);
    return !n.exec_params("SELECT 1 FROM pg_namespace WHERE nspname = $1", name).empty();
  }
  int version_of(const std::string& schema) {
    return std::stoi(one("SELECT max(version) FROM " + q(schema, "schema_migration")));
  }
  // The store at the previous version, with rows in a keyed table and a serial one.
  void make_previous() {
    REQUIRE(server::pg::migrate(*c, url, kNow, previous).is_ok());
    REQUIRE(version_of(url.schema) == previous);
    exec("INSERT INTO " + q(url.schema, "meta") + " VALUES ('district', '530102')");
    for (const char* what : {"first", "second"}) {
      exec("INSERT INTO " + q(url.schema, "audit") +
           " (at_ms, user_name, address, action, target, detail) VALUES (1, 'admin', "
           "'127.0.0.1', '" +
           what + "', '', '')");
    }
  }
};

const char* store_env() {
  return std::getenv("WEIMIN_TEST_STORE");
}

}  // namespace

TEST_CASE("pg upgrade: the store is copied whole before it is migrated, and the copy restores it") {
  const char* base = store_env();
  if (!base) return;  // the embedded store's upgrades are tested in tests/storage
  PgUpgrade f(base);
  f.make_previous();
  const std::string bak = backup_schema_name(f.url.schema, f.previous);
  CHECK_FALSE(f.schema_exists(bak));

  // The newer program opens it: copy, then migrate.
  {
    auto store = server::open_pg_store(f.url_text, server::PgStoreOptions{"530102", kNow});
    REQUIRE_MESSAGE(store.is_ok(), store.status().to_string());
  }
  CHECK(f.version_of(f.url.schema) == latest_schema_version());
  REQUIRE(f.schema_exists(bak));
  CHECK(f.version_of(bak) == f.previous);
  // The old rows, keys, indexes by their names, and the serial column's sequence where it was.
  CHECK(f.one("SELECT value FROM " + f.q(bak, "meta") + " WHERE key = 'district'") == "530102");
  CHECK(f.one("SELECT string_agg(action || ':' || id, ',' ORDER BY id) FROM " +
              f.q(bak, "audit")) == "first:1,second:2");
  CHECK(f.one("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + bak +
              "' AND indexname IN ('session_by_user', 'meta_pkey', 'audit_pkey')") == "3");
  // Nothing in the copy leans on the store's schema.
  CHECK(f.one("SELECT count(*) FROM pg_depend d JOIN pg_class a ON a.oid = d.objid "
              "JOIN pg_namespace na ON na.oid = a.relnamespace JOIN pg_class b ON b.oid = "
              "d.refobjid JOIN pg_namespace nb ON nb.oid = b.relnamespace WHERE d.classid = "
              "'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND na.nspname = '" +
              bak + "' AND nb.nspname = '" + f.url.schema + "'") == "0");

  // Restoring as docs/INSTALL.md says: the store back at the previous version with its rows,
  // which the older program opens, and whose serial column goes on from where it was.
  f.exec("DROP SCHEMA " + server::pg::quote_ident(f.url.schema) + " CASCADE; ALTER SCHEMA " +
         server::pg::quote_ident(bak) + " RENAME TO " + server::pg::quote_ident(f.url.schema));
  CHECK(f.version_of(f.url.schema) == f.previous);
  CHECK(server::pg::migrate(*f.c, f.url, kNow, f.previous).is_ok());
  f.exec("INSERT INTO " + f.q(f.url.schema, "audit") +
         " (at_ms, user_name, address, action, target, detail) VALUES (2, 'admin', '127.0.0.1', "
         "'third', '', '')");
  CHECK(f.one("SELECT string_agg(action || ':' || id, ',' ORDER BY id) FROM " +
              f.q(f.url.schema, "audit")) == "first:1,second:2,third:3");
  // And the newer program upgrades it again, with a fresh copy.
  REQUIRE(server::pg::migrate(*f.c, f.url, kNow).is_ok());
  CHECK(f.version_of(f.url.schema) == latest_schema_version());
  CHECK(f.version_of(bak) == f.previous);
}

TEST_CASE("pg upgrade: when the copy cannot be made, nothing is migrated") {
  const char* base = store_env();
  if (!base) return;
  PgUpgrade f(base);
  f.make_previous();
  const std::string bak = backup_schema_name(f.url.schema, f.previous);
  f.exec("CREATE SCHEMA " + server::pg::quote_ident(bak));  // an earlier upgrade's, say
  const Status refused = server::pg::migrate(*f.c, f.url, kNow);
  CHECK(refused.code() == ErrorCode::AlreadyExists);
  CHECK(refused.message().find(bak) != std::string::npos);
  CHECK(refused.message().find("DROP SCHEMA") != std::string::npos);
  CHECK(f.version_of(f.url.schema) == f.previous);
  CHECK(f.one("SELECT count(*) FROM pg_tables WHERE schemaname = '" + bak + "'") == "0");
  // Once it is out of the way, the upgrade goes through.
  f.exec("DROP SCHEMA " + server::pg::quote_ident(bak));
  CHECK(server::pg::migrate(*f.c, f.url, kNow).is_ok());
  CHECK(f.version_of(f.url.schema) == latest_schema_version());
  CHECK(f.version_of(bak) == f.previous);
}

TEST_CASE("pg upgrade: an older program refuses a newer store and changes nothing") {
  const char* base = store_env();
  if (!base) return;
  PgUpgrade f(base);
  REQUIRE(server::pg::migrate(*f.c, f.url, kNow).is_ok());
  f.exec("INSERT INTO " + f.q(f.url.schema, "meta") + " VALUES ('district', '530102')");
  const std::string before = f.one(
      "SELECT string_agg(version || ':' || name || ':' || applied_ms, ',' ORDER BY version) "
      "FROM " +
      f.q(f.url.schema, "schema_migration"));
  const std::string schemas_before = f.one("SELECT count(*) FROM pg_namespace");

  const Status refused = server::pg::migrate(*f.c, f.url, kNow + 1, f.previous);
  CHECK(refused.code() == ErrorCode::TooNew);
  CHECK(refused.message().find("newer than this weimin-district knows") != std::string::npos);
  CHECK(f.one("SELECT string_agg(version || ':' || name || ':' || applied_ms, ',' ORDER BY "
              "version) FROM " +
              f.q(f.url.schema, "schema_migration")) == before);
  CHECK(f.one("SELECT count(*) FROM pg_namespace") == schemas_before);
  CHECK_FALSE(f.schema_exists(backup_schema_name(f.url.schema, latest_schema_version())));
  CHECK(f.one("SELECT value FROM " + f.q(f.url.schema, "meta") + " WHERE key = 'district'") ==
        "530102");
}

#endif  // WEIMIN_SERVER_PG
