// Console benchmark, store level (issue 13): a district store holding N cases (default
// 1,000,000) over 100 communities, 10 street offices and 20 departments, filled through the
// store's bulk path, then:
//   fill_s, fill_facts                  how long the fill took, how many facts
//   projection_rebuild_s                rebuild_projection over every case
//   store_office_inbox_p50_ms / _p99_ms       an office's inbox, first page of 50
//   store_department_inbox_p50_ms / _p99_ms   a department's inbox, first page of 50
//   store_filtered_inbox_p50_ms / _p99_ms     an office's overdue whistled cases (stage + overdue)
//   store_office_waiting_p50_ms / _p99_ms     an office's cases waiting for a whistle (3 stages)
//   store_three_pages_p50_ms / _p99_ms        the office inbox's first three pages (cursor paging)
//   store_case_row_p50_ms / _p99_ms           one case's row with its page content
//   store_api_department_page_p50_ms / _p99_ms  GET /v1/cases for a department: a page of 200
//   store_api_office_page_p50_ms / _p99_ms      … for a street office (DistrictService::case_list)
//   store_api_department_all_pages_ms         every page of one department (median of --api-runs)
//   store_api_department_fold_ms              the same list as GET /v1/cases made it before
//                                             issue 17: every whistled case folded from its facts
// On PostgreSQL (--store-url URL) the same keys start with pg_ instead of store_. The HTTPS
// measurements over the console (inbox_p99_ms, case_p99_ms) are the console's own.
// The fill: on the embedded store the facts go straight into its `facts` and `changes` tables
// in big transactions (the rows insert_fact writes, without the projection's upkeep: the measured
// rebuild then makes every row); on PostgreSQL likewise into its `fact` table with COPY (the rows
// PgStore::insert_facts writes, numbered after `change_counter` under its row lock, the counter
// then set to the last gseq; the table's secondary indexes dropped for the fill and made again
// from their definitions), then ANALYZE of the case rows after the rebuild (what autovacuum would
// do a little later); with --through-store, through append_facts in batches of whole case
// histories (the projection kept as on any append; about ten times slower). After a fill, one new
// case goes through append_facts and must get its row (and on PostgreSQL the counter must be the
// highest gseq held): push_after_fill_ok.
// Usage: weimin_console_bench [--json FILE] [--cases N] [--queries N] [--store-url URL]
//        [--data DIR] [--through-store] [--no-rebuild] [--api-runs N] (a store filled before is
//        reused as it is; --no-rebuild keeps its rows from the earlier run and leaves out
//        projection_rebuild_s; --api-runs 0 leaves out the fold, which takes long at 1,000,000)
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "bench_support.hpp"
#include "weimin/core/case.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/server/embedded_store.hpp"
#include "weimin/server/pg_store.hpp"
#include "weimin/server/service.hpp"
#include "weimin/storage/keyed_store.hpp"

#include <pqxx/pqxx>

using namespace weimin;
namespace fs = std::filesystem;

namespace {

using bench::die;
using bench::must;

constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kNow = 1'795'336'200'000;  // 2026-11-22T08:30:00Z

std::string office_code(int k) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "530102%03d", k + 1);
  return buf;
}
std::string community_code(int c) {  // 100: ten per office
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%03d", office_code(c / 10).c_str(), c % 10 + 1);
  return buf;
}
std::string department(int d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "dept_%02d", d + 1);
  return buf;
}
// Time-ordered like the stations' UUIDv7 case ids: case i after case i - 1.
core::Uuid case_uuid(std::uint64_t i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-7000-8000-%012llx",
                static_cast<unsigned long long>(0x01900000ULL + (i >> 16)),
                static_cast<unsigned long long>(i & 0xffff),
                static_cast<unsigned long long>(i * 2654435761ULL % 0xffffffffffffULL));
  return *core::Uuid::parse(buf);
}

// One case's history: a realistic mix of stages, spread over the last year (so that some open
// rounds are overdue), each event a station's (or for district whistles, the street office's).
std::vector<server::FactRecord> history(std::uint64_t i, std::uint64_t cases,
                                        std::mt19937_64& rng) {
  const int community = static_cast<int>(i % 100);
  const std::string code = community_code(community);
  const std::string origin = "station:" + code;
  const core::Uuid case_id = case_uuid(i);
  std::vector<server::FactRecord> out;
  // Cases come in over the last year in the order of their ids, as they would at a district.
  std::int64_t t = kNow - 365 * 24 * kHour +
                   static_cast<std::int64_t>(static_cast<double>(i) / static_cast<double>(cases) *
                                             static_cast<double>(365 * 24 * kHour)) +
                   static_cast<std::int64_t>(rng() % 24) * kHour;
  std::uint64_t n = 0;
  auto add = [&](core::Role role, std::string actor, core::CasePayload p,
                 std::string on_behalf_of = "") {
    core::CaseEvent e;
    std::array<std::uint8_t, 16> bytes{};
    const std::uint64_t hi = (static_cast<std::uint64_t>(t) << 16) | 0x7000 | (n & 0xfff);
    const std::uint64_t lo = (0x8ULL << 60) | ((i & 0xffffffffffULL) << 8) | (++n & 0xff);
    for (int b = 0; b < 8; ++b) {
      bytes[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(hi >> (56 - 8 * b));
      bytes[static_cast<std::size_t>(8 + b)] = static_cast<std::uint8_t>(lo >> (56 - 8 * b));
    }
    e.id.bytes = bytes;
    e.case_id = case_id;
    e.hlc = {t, 0};
    e.origin = origin;
    e.wall_ms = t;
    e.actor = std::move(actor);
    e.actor_role = role;
    e.on_behalf_of = std::move(on_behalf_of);
    e.payload = std::move(p);
    sync::FactPayload f{e.id.to_string(),
                        std::string(core::to_string(e.kind())),
                        case_id.to_string(),
                        origin,
                        static_cast<std::int64_t>(e.hlc.pack()),
                        t,
                        core::local_date(t).to_string(),
                        core::case_event_body(e)};
    out.push_back(server::FactRecord{std::move(f), code, t, {}});
    t += static_cast<std::int64_t>(1 + rng() % 72) * kHour;
  };
  add(core::Role::Staff, "S01",
      core::CaseCollected{"env_sanitation", core::CaseChannel::Window,
                          "楼道堆放杂物，影响通行，请尽快处理", "r" + std::to_string(i)});
  const int fate = static_cast<int>(rng() % 100);
  if (fate < 12) return out;  // collected
  if (fate < 22) {
    add(core::Role::Staff, "S01", core::CaseResolved{"社区已协调解决"});
    if (fate < 16) return out;
    add(core::Role::Staff, "S01", core::CaseVerified{"居民确认"});
    add(core::Role::Staff, "S01", core::CaseClosed{""});
    return out;
  }
  std::vector<std::string> deps;
  const int first = static_cast<int>(rng() % 20);
  deps.push_back(department(first));
  if (rng() % 4 == 0) deps.push_back(department((first + 1 + static_cast<int>(rng() % 19)) % 20));
  const auto kind = static_cast<core::WhistleKind>(rng() % 3);
  if (rng() % 3 == 0) {
    add(core::Role::StreetOffice, office_code(community / 10),
        core::CaseWhistled{core::WhistleLevel::District, kind, deps, "街道吹哨"});
  } else {
    add(core::Role::Director, "D001",
        core::CaseWhistled{core::WhistleLevel::Community, kind, deps, "社区吹哨"});
  }
  if (fate < 40) return out;  // whistled
  for (const auto& d : deps) add(core::Role::Department, d, core::CaseReported{"已报到"});
  if (fate < 55) return out;  // reported
  for (const auto& d : deps) add(core::Role::Department, d, core::CaseFeedback{"已派人处理完毕"});
  if (fate < 68) return out;  // feedback
  add(core::Role::Staff, "S01", core::CaseVerified{"居民确认已解决"});
  if (fate < 75) return out;
  add(core::Role::Staff, "S01", core::CaseClosed{"结项"});
  if (fate < 85) return out;
  add(core::Role::Resident, "resident",
      core::CaseEvaluated{static_cast<core::Rating>(rng() % 3), ""});
  return out;
}

// Writes the facts as EmbeddedStore::insert_fact does (facts and changes rows, gseq after the
// store's highest), straight into its database file, with no projection upkeep.
Status fill_raw(const fs::path& folder, platform::KeyStore& keys, std::int64_t cases,
                std::int64_t& facts) {
  WEIMIN_ASSIGN_OR_RETURN(SecretKey kek, keys.load_or_create());
  WEIMIN_ASSIGN_OR_RETURN(storage::KeyedStore ks,
                          storage::KeyedStore::open(folder, "district.db", kek));
  storage::Database& db = ks.db();
  WEIMIN_ASSIGN_OR_RETURN(storage::Statement top,
                          db.prepare("SELECT COALESCE(MAX(gseq), 0) FROM changes"));
  WEIMIN_ASSIGN_OR_RETURN(bool row, top.step());
  std::int64_t gseq = row ? top.column_int64(0) : 0;
  WEIMIN_ASSIGN_OR_RETURN(
      storage::Statement f,
      db.prepare("INSERT INTO facts (id, kind, subject, origin, community, hlc, "
                 "wall_ms, day, received_ms, gseq) VALUES (?, ?, ?, ?, ?, ?, "
                 "?, ?, ?, ?)"));
  WEIMIN_ASSIGN_OR_RETURN(storage::Statement c,
                          db.prepare("INSERT INTO changes (gseq, type, community, record, origin) "
                                     "VALUES (?, 'fact', ?, ?, ?)"));
  std::mt19937_64 rng(13);
  const double t0 = bench::now_ms();
  std::optional<storage::Transaction> tx;
  for (std::int64_t i = 0; i < cases; ++i) {
    if (!tx) {
      WEIMIN_ASSIGN_OR_RETURN(storage::Transaction t, db.begin());
      tx.emplace(std::move(t));
    }
    for (const server::FactRecord& r :
         history(static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(cases), rng)) {
      const sync::FactPayload& p = r.fact;
      ++gseq;
      f.reset();
      f.bind(1, p.id).bind(2, p.kind).bind(3, p.subject).bind(4, p.origin).bind(5, r.community);
      f.bind(6, p.hlc).bind(7, p.wall_ms).bind(8, p.day).bind(9, r.received_ms).bind(10, gseq);
      WEIMIN_TRY(f.run());
      c.reset();
      c.bind(1, gseq).bind(2, r.community).bind(3, sync::canonical_text(p)).bind(4, p.origin);
      WEIMIN_TRY(c.run());
      ++facts;
    }
    if ((i + 1) % 50'000 == 0 || i + 1 == cases) {
      WEIMIN_TRY(tx->commit());
      tx.reset();
    }
    if ((i + 1) % 100'000 == 0) {
      std::fprintf(stderr, "bench: %lld cases filled, %.0f s\n", static_cast<long long>(i + 1),
                   (bench::now_ms() - t0) / 1000);
    }
  }
  return Status::ok();
}

// The store URL's connection (libpq's URI without the store's own `schema=` parameter) and its
// schema ("public" when none).
std::pair<std::string, std::string> pg_conninfo(const std::string& url) {
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

// Writes the facts as PgStore::insert_facts does (`fact` rows numbered with the gseqs after
// `change_counter`'s, then the counter set to the last), with COPY in transactions of 100,000
// cases, each holding the counter's row lock as an insert does, and no projection upkeep (the
// measured rebuild makes every row). The fact table's secondary indexes are dropped for the
// fill and made again at the end from their own definitions (pg_indexes), as a restore would.
Status fill_pg(const std::string& url, std::int64_t cases, std::int64_t& facts) {
  try {
    const auto [conninfo, schema] = pg_conninfo(url);
    pqxx::connection c(conninfo);
    {
      pqxx::nontransaction n(c);
      n.exec("SET search_path TO " + c.quote_name(schema));
    }
    std::vector<std::pair<std::string, std::string>> indexes;  // name, definition
    {
      pqxx::work w(c);
      for (const auto& row : w.exec_params(
               "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename "
               "= 'fact' AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid "
               "= 'fact'::regclass)",
               schema)) {
        indexes.emplace_back(row[0].as<std::string>(), row[1].as<std::string>());
      }
      for (const auto& [name, def] : indexes) w.exec("DROP INDEX " + w.quote_name(name));
      w.commit();
    }
    std::mt19937_64 rng(13);
    const double t0 = bench::now_ms();
    for (std::int64_t i = 0; i < cases;) {
      pqxx::work w(c);
      std::int64_t gseq =
          w.exec("SELECT n FROM change_counter FOR UPDATE")[0][0].as<std::int64_t>();
      {
        pqxx::stream_to st(
            w, "fact",
            std::vector<std::string>{"id", "gseq", "community", "day", "kind", "subject", "origin",
                                     "hlc", "received_ms", "payload"});
        const std::int64_t end = std::min(cases, i + 100'000);
        for (; i < end; ++i) {
          for (const server::FactRecord& r :
               history(static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(cases), rng)) {
            const sync::FactPayload& p = r.fact;
            st << std::make_tuple(p.id, ++gseq, r.community, p.day, p.kind, p.subject, p.origin,
                                  p.hlc, r.received_ms, server::record_text(r));
            ++facts;
          }
        }
        st.complete();
      }
      w.exec_params("UPDATE change_counter SET n = $1", gseq);
      w.commit();
      std::fprintf(stderr, "bench: %lld cases filled, %.0f s\n", static_cast<long long>(i),
                   (bench::now_ms() - t0) / 1000);
    }
    pqxx::work w(c);
    for (const auto& [name, def] : indexes) w.exec(def);
    w.commit();
    pqxx::nontransaction n(c);
    n.exec("ANALYZE fact");
    std::fprintf(stderr, "bench: fact indexes made again, %.0f s\n", (bench::now_ms() - t0) / 1000);
    return Status::ok();
  } catch (const std::exception& e) {
    return Status(ErrorCode::Io, std::string("PostgreSQL fill: ") + e.what());
  }
}

// After a fill: the change counter is the highest gseq held (facts and reference changes).
Status check_pg_counter(const std::string& url) {
  try {
    const auto [conninfo, schema] = pg_conninfo(url);
    pqxx::connection c(conninfo);
    pqxx::work w(c);
    w.exec("SET LOCAL search_path TO " + w.quote_name(schema));
    const auto r = w.exec(
        "SELECT (SELECT n FROM change_counter), GREATEST((SELECT COALESCE(MAX(gseq), 0) FROM "
        "fact), (SELECT COALESCE(MAX(gseq), 0) FROM reference_change)), (SELECT COUNT(*) FROM "
        "fact) + (SELECT COUNT(*) FROM reference_change)");
    const auto n = r[0][0].as<std::int64_t>();
    const auto top = r[0][1].as<std::int64_t>();
    const auto rows = r[0][2].as<std::int64_t>();
    if (n != top || n != rows) {
      return Status(ErrorCode::Corrupt, "change_counter is " + std::to_string(n) +
                                            ", the highest gseq " + std::to_string(top) + " over " +
                                            std::to_string(rows) + " rows");
    }
    return Status::ok();
  } catch (const std::exception& e) {
    return Status(ErrorCode::Io, std::string("checking the counter: ") + e.what());
  }
}

struct Args {
  bool through_store = false;
  bool rebuild = true;  // --no-rebuild: the store's rows are those of an earlier run
  std::string json;
  std::string store_url;
  std::string data;
  std::int64_t cases = 1'000'000;
  int queries = 300;
  int api_runs = 3;  // runs of the fold over every whistled case (--api-runs; 0: none)
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--json") {
      args.json = next();
    } else if (a == "--cases") {
      args.cases = std::stoll(next());
    } else if (a == "--queries") {
      args.queries = std::stoi(next());
    } else if (a == "--store-url") {
      args.store_url = next();
    } else if (a == "--data") {
      args.data = next();
    } else if (a == "--through-store") {
      args.through_store = true;
    } else if (a == "--no-rebuild") {
      args.rebuild = false;
    } else if (a == "--api-runs") {
      args.api_runs = std::stoi(next());
    } else {
      std::printf(
          "usage: weimin_console_bench [--json FILE] [--cases N] [--queries N] "
          "[--store-url postgresql://…] [--data DIR] [--through-store] [--no-rebuild] "
          "[--api-runs N]\n");
      return a == "--help" || a == "-h" ? 0 : 2;
    }
  }
  const bool pg = !args.store_url.empty();
  const std::string prefix = pg ? "pg_" : "store_";
  fs::path dir = args.data.empty() ? fs::temp_directory_path() /
                                         ("weimin-console-bench-" + std::to_string(args.cases))
                                   : fs::path(args.data);
  fs::create_directories(dir);
  platform::FileKeyStore keys(dir / "kek", dir / "data");
  std::unique_ptr<server::DistrictStore> store =
      pg ? must("opening the PostgreSQL store",
                server::open_pg_store(args.store_url, server::PgStoreOptions{"530102", kNow}))
         : must("opening the embedded store",
                server::open_embedded_store(dir / "data", keys,
                                            server::EmbeddedStoreOptions{"530102", kNow}));
  bench::Report report;
  report.add("cases", static_cast<double>(args.cases));

  // Fill (skipped when the store holds facts already: a store of an earlier run).
  const bool filled_now = must("counting facts", store->fact_count()) == 0;
  if (filled_now) {
    must(
        "publishing the catalog",
        store->publish_reference(
            "catalog", read_file(fs::path(WEIMIN_SOURCE_DIR) / "assets/catalog/wuhua.json"), kNow));
    const double t0 = bench::now_ms();
    std::mt19937_64 rng(13);
    std::vector<server::FactRecord> batch;
    std::int64_t facts = 0;
    const bool raw = !args.through_store;
    if (raw && pg) {
      const Status filled = fill_pg(args.store_url, args.cases, facts);
      if (!filled.is_ok()) die("filling the store", filled);
    } else if (raw) {
      store.reset();
      const Status filled = fill_raw(dir / "data", keys, args.cases, facts);
      if (!filled.is_ok()) die("filling the store", filled);
      store = must("opening the embedded store",
                   server::open_embedded_store(dir / "data", keys,
                                               server::EmbeddedStoreOptions{"530102", kNow}));
    }
    for (std::int64_t i = 0; !raw && i < args.cases; ++i) {
      for (auto& f :
           history(static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(args.cases), rng))
        batch.push_back(std::move(f));
      if (batch.size() >= 20'000 || i + 1 == args.cases) {
        facts += must("appending facts", store->append_facts(batch));
        batch.clear();
      }
      if ((i + 1) % 100'000 == 0) {
        std::fprintf(stderr, "bench: %lld cases filled, %.0f s\n", static_cast<long long>(i + 1),
                     (bench::now_ms() - t0) / 1000);
      }
    }
    report.add("fill_s", (bench::now_ms() - t0) / 1000);
    report.add("fill_facts", static_cast<double>(facts));
  }

  // A store filled now always gets its rows made (the raw fill writes none).
  if (args.rebuild || filled_now) {
    const double t0 = bench::now_ms();
    const std::int64_t n = must("rebuilding the projection", store->rebuild_projection());
    report.add("projection_rebuild_s", (bench::now_ms() - t0) / 1000);
    report.add("projection_rebuild_cases", static_cast<double>(n));
  }

  if (pg) {
    // The statistics autovacuum would gather on its own a while after the rebuild's COPYs.
    const Status analyzed = [&]() -> Status {
      try {
        const auto [conninfo, schema] = pg_conninfo(args.store_url);
        pqxx::connection c(conninfo);
        pqxx::nontransaction n(c);
        n.exec("SET search_path TO " + c.quote_name(schema));
        n.exec("ANALYZE case_rows");
        n.exec("ANALYZE case_departments");
        return Status::ok();
      } catch (const std::exception& e) {
        return Status(ErrorCode::Io, e.what());
      }
    }();
    if (!analyzed.is_ok()) die("analyzing the case rows", analyzed);
  }

  // After a fill: the store takes a push as always (a new case's history through append_facts,
  // its row made), and on PostgreSQL the change counter is the highest gseq held.
  if (filled_now) {
    std::mt19937_64 extra(99);
    const auto fresh = history(static_cast<std::uint64_t>(args.cases),
                               static_cast<std::uint64_t>(args.cases), extra);
    const std::int64_t applied =
        must("appending a new case after the fill", store->append_facts(fresh));
    const std::string id = case_uuid(static_cast<std::uint64_t>(args.cases)).to_string();
    if (applied != static_cast<std::int64_t>(fresh.size()) ||
        !must("the new case's row", store->case_row(id))) {
      die("appending a new case after the fill",
          Status(ErrorCode::Corrupt, std::to_string(applied) + " of " +
                                         std::to_string(fresh.size()) +
                                         " facts applied or no row for case " + id));
    }
    if (pg) {
      const Status counted = check_pg_counter(args.store_url);
      if (!counted.is_ok()) die("checking the store after the fill", counted);
    }
    report.add("push_after_fill_ok", 1);
  }

  std::mt19937_64 rng(7);
  auto measure = [&](const std::string& name, auto&& one) {
    std::vector<double> ms;
    std::size_t rows = 0;
    for (int k = 0; k < args.queries; ++k) {
      const double t0 = bench::now_ms();
      rows += one();
      ms.push_back(bench::now_ms() - t0);
    }
    report.add(prefix + name + "_p50_ms", bench::median(ms));
    report.add(prefix + name + "_p99_ms", bench::percentile(ms, 99));
    report.add(prefix + name + "_rows_per_query",
               static_cast<double>(rows) / static_cast<double>(args.queries));
  };
  measure("office_inbox", [&] {
    server::CaseQuery q;
    q.office = office_code(static_cast<int>(rng() % 10));
    q.now_ms = kNow;
    return must("office inbox", store->query_cases(q)).rows.size();
  });
  measure("department_inbox", [&] {
    server::CaseQuery q;
    q.department = department(static_cast<int>(rng() % 20));
    q.now_ms = kNow;
    return must("department inbox", store->query_cases(q)).rows.size();
  });
  measure("filtered_inbox", [&] {
    server::CaseQuery q;
    q.office = office_code(static_cast<int>(rng() % 10));
    q.stages = {"whistled"};
    q.overdue_only = true;
    q.now_ms = kNow;
    return must("filtered inbox", store->query_cases(q)).rows.size();
  });
  // An office's "waiting for a whistle" tab: a few stages, rare among its cases.
  measure("office_waiting", [&] {
    server::CaseQuery q;
    q.office = office_code(static_cast<int>(rng() % 10));
    q.stages = {"collected", "reopened", "returned"};
    q.now_ms = kNow;
    return must("office waiting", store->query_cases(q)).rows.size();
  });
  measure("department_new_whistles", [&] {
    server::CaseQuery q;
    q.department = department(static_cast<int>(rng() % 20));
    q.department_step = "whistled";
    q.now_ms = kNow;
    return must("department's new whistles", store->query_cases(q)).rows.size();
  });
  measure("three_pages", [&] {
    server::CaseQuery q;
    q.office = office_code(static_cast<int>(rng() % 10));
    q.now_ms = kNow;
    std::size_t n = 0;
    for (int page = 0; page < 3; ++page) {
      auto p = must("office inbox page", store->query_cases(q));
      n = p.rows.size();
      if (p.next.empty()) break;
      q.after = p.next;
    }
    return n;
  });
  measure("case_row", [&] {
    const auto id = case_uuid(rng() % static_cast<std::uint64_t>(args.cases)).to_string();
    auto row = must("case row", store->case_row(id));
    if (!row) die("case row", Status(ErrorCode::NotFound, "no row for case " + id));
    return std::size_t{1};
  });

  // The street office's and departments' API, GET /v1/cases (issue 17): a page of 200 read from
  // the case projection (DistrictService::case_list, what it does now), and every page of a
  // department, against folding every whistled case's facts per request (cases_for, the fold
  // GET /v1/cases made before; with --api-runs N, the median of N runs).
  platform::ManualClock clock(kNow);
  server::DistrictService service(*store, clock);
  measure("api_department_page", [&] {
    return must("a department's API page",
                service.case_list(department(static_cast<int>(rng() % 20)), "", "", 200))
        .cases.size();
  });
  measure("api_office_page", [&] {
    return must("an office's API page",
                service.case_list("", office_code(static_cast<int>(rng() % 10)), "", 200))
        .cases.size();
  });
  if (args.api_runs > 0) {
    std::vector<double> all_pages, fold_department;
    std::size_t listed = 0, folded = 0;
    for (int k = 0; k < args.api_runs; ++k) {
      const std::string dep = department(k % 20);
      double t0 = bench::now_ms();
      std::string after;
      listed = 0;
      do {
        auto page = must("a department's API pages", service.case_list(dep, "", after, 200));
        listed += page.cases.size();
        after = page.next;
      } while (!after.empty());
      all_pages.push_back(bench::now_ms() - t0);
      t0 = bench::now_ms();
      folded = must("folding a department's cases", service.cases_for(dep)).size();
      fold_department.push_back(bench::now_ms() - t0);
    }
    report.add(prefix + "api_department_all_pages_ms", bench::median(all_pages));
    report.add(prefix + "api_department_cases", static_cast<double>(listed));
    report.add(prefix + "api_department_fold_ms", bench::median(fold_department));
    report.add(prefix + "api_department_fold_cases", static_cast<double>(folded));
    if (listed != folded) {
      die("comparing the API's lists",
          Status(ErrorCode::Corrupt, "the pages list " + std::to_string(listed) +
                                         " cases of the department, the fold " +
                                         std::to_string(folded)));
    }
  }
  return report.finish(args.json);
}
