// Figures benchmark (issue 15): DistrictStore::figures over a district of --cases cases (default
// 1,000,000) and facts_per_case × cases facts (default 20: 20,000,000) over 2025
// (figures_district.hpp), on the embedded store and on PostgreSQL side by side:
//   <store>.month_figures_ms        a month's whole figures page (June, admin scope, by day)
//   <store>.year_ranking_ms         the year's rankings of departments and street offices
//   <store>.office_month_ms         one street office's month (its scope, by day)
//   <store>.department_month_ms     one department's month (its scope, by day)
//   (the month's pages include the table by grid, 按网格: generator 2 puts four in five cases in
//   a grid of their community)
//   month_figures_ms, year_ranking_ms   the slower store's
//   <store>.load_facts_per_s, <store>.load_s, <store>.facts   the load (see below)
//   <store>.bytes_on_disk, <store>.bytes_per_fact   the loaded store's size
// <store> is "embedded" or "postgres". Each figure is the median of --runs runs (default 5)
// after one warm-up run. Every answer is checked for plausibility (whistles counted, rates
// between 0 and 1, queue rows present) and the two stores must give equal figures; with
// --verify (default at 20,000 cases or fewer) both must also equal figures_from_facts over
// every generated fact. Any failure ends the run with an error.
// The load goes through the store's bulk path, DistrictStore::bulk_append_facts (--append: the
// ordinary append_facts), in calls of --batch facts (whole case histories and whole station
// days; default 200,000), day by day through the year, after publishing the catalog: the
// projection and the figure units are made as a push makes them. A store is built once into --cache
// DIR (default /var/tmp/weimin-bench-figures): a folder per district (generator version, size,
// seed) with one store per kind and schema version in it; a later run reuses it, and a run that was
// stopped resumes at the day it had reached. The load rate is over the facts loaded by this and
// earlier runs of that store. Usage: weimin_figures_bench [--json FILE] [--cases N]
// [--facts-per-case N]
// [--seed N]
//        [--runs N] [--batch N] [--cache DIR] [--store-url postgresql://…] [--no-postgres]
//        [--verify | --no-verify] [--explain SQL]
// --explain SQL prints the plan of SQL (values written in, no parameters) on each loaded store
// and how long it took: EXPLAIN QUERY PLAN and a run on the embedded store, EXPLAIN (ANALYZE,
// BUFFERS) on PostgreSQL (in the store's schema); nothing is loaded or measured.
// --load-days N loads (and resumes) only the first N days of the year and measures then: a
// partial district, for when the whole does not fit in the time or the disk at hand; --month
// YYYY-MM (default 2025-06) is the month measured (its 1st to its 30th, or 28th in February).
// --no-embedded measures PostgreSQL alone; --answers FILE keeps the answers of a run in FILE,
// or when FILE exists compares this run's with them (so stores measured one after the other
// are still checked against each other).
// --store-url is a PostgreSQL server's database (bench/run-figures starts one); the store's
// schema in it is named after the key. Without it (or with --no-postgres) only the embedded
// store is measured.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <pqxx/pqxx>

#include "bench_support.hpp"
#include "figures_district.hpp"
#include "store_size.hpp"
#include "weimin/core/catalog.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/server/embedded_store.hpp"
#include "weimin/server/figures.hpp"
#include "weimin/server/figures_json.hpp"
#include "weimin/server/pg_store.hpp"
#include "weimin/storage/keyed_store.hpp"
#include "weimin/storage/migrations.hpp"

using namespace weimin;
namespace fs = std::filesystem;

namespace {

using bench::die;
using bench::FiguresDistrict;
using bench::must;
using bench::pg_conninfo;
using bench::read_file;
using bench::with_schema;
using bench::write_file;

struct Args {
  std::string json;
  bench::DistrictShape shape;
  int runs = 5;
  std::size_t batch = 200'000;
  bool append = false;   // --append: load through append_facts instead of the bulk path
  bool embedded = true;  // --no-embedded: PostgreSQL only
  std::string answers;   // --answers FILE: compare with (or keep) another run's answers
  int load_days = FiguresDistrict::kDays;  // --load-days N: measure after the first N days
  std::string month = "2025-06";           // --month YYYY-MM: the month measured (1st–30th)
  fs::path cache = "/var/tmp/weimin-bench-figures";
  std::string store_url;
  int verify = -1;      // -1: at 20,000 cases or fewer
  std::string explain;  // --explain SQL: its plan on each store instead of the benchmark
};

std::mutex print_mutex;
template <class... A>
void say(const char* format, A... a) {
  std::lock_guard lock(print_mutex);
  std::fprintf(stderr, format, a...);
  std::fflush(stderr);
}

// [SECTION] The cache key: generator version, schema versions, size

int embedded_schema_version() {
  const fs::path dir =
      fs::temp_directory_path() / ("weimin-figures-key-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  platform::FileKeyStore keys(dir / "kek", dir / "data");
  must("opening an empty embedded store",
       server::open_embedded_store(
           dir / "data", keys,
           server::EmbeddedStoreOptions{FiguresDistrict::kDistrict, FiguresDistrict::kNowMs}));
  const SecretKey kek = must("the empty store's key", keys.load_or_create());
  storage::KeyedStore ks = must("opening the empty store's database",
                                storage::KeyedStore::open(dir / "data", "district.db", kek));
  const int v = must("reading its schema version", storage::schema_version(ks.db()));
  fs::remove_all(dir);
  return v;
}

int pg_schema_version(const std::string& url) {
  const std::string fresh = server::pg_url_with_fresh_schema(url, "figkey");
  must("opening an empty PostgreSQL store",
       server::open_pg_store(
           fresh, server::PgStoreOptions{FiguresDistrict::kDistrict, FiguresDistrict::kNowMs}));
  try {
    const auto [conninfo, schema] = pg_conninfo(fresh);
    pqxx::connection c(conninfo);
    pqxx::work w(c);
    const int v =
        w.exec("SELECT MAX(version) FROM " + w.quote_name(schema) + ".schema_migration")[0][0]
            .as<int>();
    w.exec("DROP SCHEMA " + w.quote_name(schema) + " CASCADE");
    w.commit();
    return v;
  } catch (const std::exception& e) {
    die("reading the PostgreSQL schema version", Status(ErrorCode::Io, e.what()));
  }
}

// [SECTION] Loading

struct Side {
  std::string name;  // "embedded" or "postgres"
  fs::path dir;      // its cache folder
  std::string url;   // postgres: the store's URL
  std::unique_ptr<platform::FileKeyStore> keys;
  std::unique_ptr<server::DistrictStore> store;
  double load_s = 0;
  std::int64_t loaded = 0;  // facts appended, this and earlier runs
};

void open_side(Side& side) {
  if (side.name == "embedded") {
    side.keys = std::make_unique<platform::FileKeyStore>(side.dir / "kek", side.dir / "data");
    side.store = must(
        "opening the embedded store",
        server::open_embedded_store(
            side.dir / "data", *side.keys,
            server::EmbeddedStoreOptions{FiguresDistrict::kDistrict, FiguresDistrict::kNowMs}));
  } else {
    side.store = must(
        "opening the PostgreSQL store",
        server::open_pg_store(
            side.url, server::PgStoreOptions{FiguresDistrict::kDistrict, FiguresDistrict::kNowMs}));
  }
}

// Loads the days not loaded yet (the folder's `progress`: next day, facts, seconds) and marks
// the store done. Publishes the catalog first.
void load(Side& side, const FiguresDistrict& district, const std::string& catalog,
          std::size_t batch_size, bool append, int load_days) {
  const fs::path progress = side.dir / "progress";
  int day = 0;
  if (fs::exists(progress)) {
    std::istringstream in(read_file(progress));
    in >> day >> side.loaded >> side.load_s;
  }
  if (day >= load_days) return;
  if (!must("the latest catalog", side.store->latest_reference("catalog"))) {
    must("publishing the catalog",
         side.store->publish_reference("catalog", catalog, FiguresDistrict::kYearStartMs));
  }
  say("bench: %s: loading from day %d of %d (%lld facts loaded before)\n", side.name.c_str(), day,
      FiguresDistrict::kDays, static_cast<long long>(side.loaded));
  // Whole days in each call, as many as make --batch facts: the pages a call dirties (the ends of
  // the indexes, spread over the weeks a case's steps take) are written once per call, so
  // fewer, larger calls write less.
  std::vector<server::FactRecord> batch;
  std::int64_t batch_facts = 0;
  double t0 = bench::now_ms();
  double since = t0;
  std::int64_t since_facts = side.loaded;
  for (; day < load_days; ++day) {
    const auto [first, last] = district.cases_of_day(day);
    for (std::int64_t i = first; i < last; ++i) {
      for (auto& f : district.case_history(i)) batch.push_back(std::move(f));
    }
    for (int s = 0; s < static_cast<int>(district.communities().size()); ++s) {
      for (auto& f : district.queue_day(s, day)) batch.push_back(std::move(f));
    }
    batch_facts = static_cast<std::int64_t>(batch.size());
    if (batch.size() < batch_size && day + 1 < load_days) continue;
    // A day a stopped run had begun is appended again: its facts held already are skipped.
    must(side.name + ": appending facts",
         append ? side.store->append_facts(batch) : side.store->bulk_append_facts(batch));
    batch.clear();
    const double now = bench::now_ms();
    side.load_s += (now - t0) / 1000;
    t0 = now;
    side.loaded += batch_facts;
    write_file(progress, std::to_string(day + 1) + " " + std::to_string(side.loaded) + " " +
                             std::to_string(side.load_s) + "\n");
    if (now - since > 60'000 || day + 1 == load_days) {
      say("bench: %s: day %d loaded, %lld facts, %.0f facts/s lately, %.0f s in all\n",
          side.name.c_str(), day + 1, static_cast<long long>(side.loaded),
          static_cast<double>(side.loaded - since_facts) / ((now - since) / 1000), side.load_s);
      since = now;
      since_facts = side.loaded;
    }
  }
}

// The bytes a store takes on disk: the embedded store's folder (database, log, key), or the
// PostgreSQL schema's tables with their indexes and TOAST.
std::int64_t disk_bytes(const Side& side) {
  return side.name == "embedded" ? bench::folder_bytes(side.dir / "data")
                                 : bench::pg_schema_bytes(side.url);
}

// The plan of `sql` on each store, and its time (see --explain).
void explain(const std::vector<Side>& sides, const std::string& sql) {
  for (const Side& side : sides) {
    if (side.name == "embedded") {
      platform::FileKeyStore keys(side.dir / "kek", side.dir / "data");
      const SecretKey kek = must("the store's key", keys.load_or_create());
      storage::KeyedStore ks =
          must("opening the embedded store's database",
               storage::KeyedStore::open(side.dir / "data", "district.db", kek));
      storage::Statement plan =
          must("EXPLAIN QUERY PLAN", ks.db().prepare("EXPLAIN QUERY PLAN " + sql));
      std::printf("embedded: EXPLAIN QUERY PLAN %s\n", sql.c_str());
      while (must("EXPLAIN QUERY PLAN", plan.step()))
        std::printf("  %s\n", plan.column_text(3).c_str());
      for (int run = 0; run < 3; ++run) {
        storage::Statement q = must("preparing the query", ks.db().prepare(sql));
        const double t0 = bench::now_ms();
        std::int64_t rows = 0;
        while (must("running the query", q.step())) ++rows;
        std::printf("  run %d: %lld rows, %.1f ms\n", run + 1, static_cast<long long>(rows),
                    bench::now_ms() - t0);
      }
    } else {
      try {
        const auto [conninfo, schema] = pg_conninfo(side.url);
        pqxx::connection c(conninfo);
        pqxx::work w(c);
        w.exec("SET LOCAL search_path TO " + w.quote_name(schema));
        std::printf("postgres: EXPLAIN (ANALYZE, BUFFERS) %s\n", sql.c_str());
        for (int run = 0; run < 2; ++run) {
          const auto rows = w.exec("EXPLAIN (ANALYZE, BUFFERS) " + sql);
          if (run == 0) continue;  // the second, with a warm cache
          for (const auto& row : rows) std::printf("  %s\n", row[0].c_str());
        }
      } catch (const std::exception& e) {
        die("EXPLAIN on PostgreSQL", Status(ErrorCode::Io, e.what()));
      }
    }
  }
}

// [SECTION] Checking

std::string describe(const server::FigureGroup& g) {
  std::ostringstream s;
  s << "'" << g.key << "': whistles " << g.whistles << ", units " << g.units << ", returned "
    << g.returned << ", responded " << g.rates.responded.met << "/" << g.rates.responded.due
    << ", resolved " << g.rates.resolved.met << "/" << g.rates.resolved.due << ", satisfied "
    << g.rates.satisfied.met << "/" << g.rates.satisfied.due;
  return s.str();
}

// Empty when the figures are plausible; else what is not.
std::string implausible(const server::DistrictFigures& f, const server::FigureQuery& q) {
  std::string why;
  auto rate_ok = [&](const server::Rate& r, const std::string& what) {
    if (r.due < 0 || r.met < 0 || r.met > r.due)
      why += what + ": met " + std::to_string(r.met) + " of " + std::to_string(r.due) + "; ";
  };
  auto group_ok = [&](const server::FigureGroup& g, const std::string& table) {
    rate_ok(g.rates.responded, table + " " + g.key + " responded");
    rate_ok(g.rates.resolved, table + " " + g.key + " resolved");
    rate_ok(g.rates.satisfied, table + " " + g.key + " satisfied");
    if (g.returned > g.units) why += table + " " + g.key + ": more returned than units; ";
  };
  auto table_ok = [&](const std::vector<server::FigureGroup>& t, const std::string& name,
                      bool must_have) {
    if (must_have && t.empty()) why += name + " is empty; ";
    for (const auto& g : t) group_ok(g, name);
  };
  table_ok(q.rankings_only ? std::vector<server::FigureGroup>{} : std::vector{f.total}, "total",
           false);
  table_ok(f.by_department, "by_department", true);
  table_ok(f.by_office, "by_office", q.department.empty());
  if (q.rankings_only) return why;
  if (f.total.whistles <= 0) why += "no whistles in the period; ";
  table_ok(f.by_level, "by_level", true);
  table_ok(f.by_kind, "by_kind", true);
  table_ok(f.by_source, "by_source", true);
  table_ok(f.by_community, "by_community", true);
  table_ok(f.series, "series", !q.by.empty());
  if (q.department.empty() && f.queue_by_station.empty()) why += "no queue figures; ";
  for (const auto& r : f.queue_by_station) {
    if (r.taken <= 0 || r.served > r.taken || r.no_shows > r.taken || r.longest_wait_ms <= 0)
      why += "queue of " + r.community + ": taken " + std::to_string(r.taken) + ", served " +
             std::to_string(r.served) + ", longest wait " + std::to_string(r.longest_wait_ms) +
             "; ";
  }
  if (f.overdue_cases > f.open_cases)
    why += "more overdue (" + std::to_string(f.overdue_cases) + ") than open cases; ";
  // With hundreds of units the generator's mix shows in every total: some late, some returned,
  // some dissatisfied, some cases still open and overdue.
  if (f.total.units < 500) return why;
  if (f.total.rates.responded.due <= 0 || f.total.rates.resolved.due <= 0 ||
      f.total.rates.satisfied.due <= 0)
    why += "a rate with nothing due (" + describe(f.total) + "); ";
  for (const auto& r : {f.total.rates.responded, f.total.rates.resolved, f.total.rates.satisfied}) {
    const auto v = r.value();
    if (v && (*v <= 0.3 || *v >= 1)) why += "a total rate of " + std::to_string(*v) + "; ";
  }
  if (f.open_cases <= 0 || f.overdue_cases <= 0)
    why += "open " + std::to_string(f.open_cases) + ", overdue " + std::to_string(f.overdue_cases) +
           "; ";
  if (f.returns.empty() || f.total.returned <= 0) why += "no returns; ";
  // The grid table (a department's figures have none): grids and "no grid", the overdue all.
  if (q.department.empty()) {
    std::int64_t overdue = 0;
    for (const server::GridFigure& g : f.by_grid) overdue += g.overdue;
    if (f.by_grid.size() < 2 || !f.by_grid.back().grid.empty() || overdue != f.overdue_cases)
      why += "by grid: " + std::to_string(f.by_grid.size()) + " rows, overdue " +
             std::to_string(overdue) + " of " + std::to_string(f.overdue_cases) + "; ";
  }
  return why;
}

// The first difference between two answers, for the error message.
std::string first_difference(const server::DistrictFigures& a, const server::DistrictFigures& b) {
  auto tables = [](const server::DistrictFigures& f) {
    return std::vector<std::pair<std::string, const std::vector<server::FigureGroup>*>>{
        {"by_level", &f.by_level},
        {"by_kind", &f.by_kind},
        {"by_source", &f.by_source},
        {"by_office", &f.by_office},
        {"by_community", &f.by_community},
        {"by_department", &f.by_department},
        {"series", &f.series}};
  };
  if (!(a.total == b.total)) return "total: " + describe(a.total) + " vs " + describe(b.total);
  const auto ta = tables(a), tb = tables(b);
  for (std::size_t t = 0; t < ta.size(); ++t) {
    const auto& x = *ta[t].second;
    const auto& y = *tb[t].second;
    if (x.size() != y.size())
      return ta[t].first + ": " + std::to_string(x.size()) + " vs " + std::to_string(y.size()) +
             " rows";
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!(x[i] == y[i])) return ta[t].first + " " + describe(x[i]) + " vs " + describe(y[i]);
  }
  if (a.open_cases != b.open_cases || a.overdue_cases != b.overdue_cases)
    return "open/overdue " + std::to_string(a.open_cases) + "/" + std::to_string(a.overdue_cases) +
           " vs " + std::to_string(b.open_cases) + "/" + std::to_string(b.overdue_cases);
  if (!(a.overdue == b.overdue)) return "the overdue list";
  if (!(a.returns == b.returns)) return "returns";
  if (!(a.queue_by_station == b.queue_by_station)) return "queue_by_station";
  if (!(a.queue_by_line == b.queue_by_line)) return "queue_by_line";
  if (!(a.queue_by_window == b.queue_by_window)) return "queue_by_window";
  return "";
}

// [SECTION] Measuring

struct Query {
  std::string key;  // e.g. "month_figures"
  server::FigureQuery query;
};

std::vector<Query> queries(const FiguresDistrict& district, const std::string& month_of) {
  server::FigureQuery month;
  month.from = month_of + "-01";
  month.to = month_of + (month_of.ends_with("-02") ? "-28" : "-30");
  month.by = "day";
  month.now_ms = FiguresDistrict::kNowMs;
  server::FigureQuery year;
  year.from = "2025-01-01";
  year.to = "2025-12-31";
  year.rankings_only = true;
  year.now_ms = FiguresDistrict::kNowMs;
  server::FigureQuery office = month;
  office.office = district.offices()[2];
  server::FigureQuery department = month;
  department.department = "police";
  return {{"month_figures", month},
          {"year_ranking", year},
          {"office_month", office},
          {"department_month", department}};
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
      args.shape.cases = std::stoll(next());
    } else if (a == "--facts-per-case") {
      args.shape.facts_per_case = std::stoi(next());
    } else if (a == "--seed") {
      args.shape.seed = std::stoull(next());
    } else if (a == "--runs") {
      args.runs = std::max(1, std::stoi(next()));
    } else if (a == "--batch") {
      args.batch = std::stoull(next());
    } else if (a == "--cache") {
      args.cache = next();
    } else if (a == "--store-url") {
      args.store_url = next();
    } else if (a == "--no-postgres") {
      args.store_url.clear();
    } else if (a == "--no-embedded") {
      args.embedded = false;
    } else if (a == "--append") {
      args.append = true;
    } else if (a == "--month") {
      args.month = next();
    } else if (a == "--load-days") {
      args.load_days = std::clamp(std::stoi(next()), 1, FiguresDistrict::kDays);
    } else if (a == "--answers") {
      args.answers = next();
    } else if (a == "--explain") {
      args.explain = next();
    } else if (a == "--verify") {
      args.verify = 1;
    } else if (a == "--no-verify") {
      args.verify = 0;
    } else {
      std::printf(
          "usage: weimin_figures_bench [--json FILE] [--cases N] [--facts-per-case N] [--seed N]\n"
          "       [--runs N] [--batch N] [--append] [--cache DIR] [--store-url postgresql://…]\n"
          "       [--no-postgres | --no-embedded] [--answers FILE] [--verify | --no-verify]\n"
          "       [--explain SQL]\n");
      return a == "--help" || a == "-h" ? 0 : 2;
    }
  }
  if (args.shape.cases < FiguresDistrict::kDays) {
    std::fprintf(stderr, "bench: --cases must be at least %d (a case a day)\n",
                 FiguresDistrict::kDays);
    return 2;
  }
  const bool verify = args.verify == 1 || (args.verify == -1 && args.shape.cases <= 20'000);
  const FiguresDistrict district(args.shape);
  const std::string catalog =
      district.catalog_json(read_file(fs::path(WEIMIN_SOURCE_DIR) / "assets/catalog/wuhua.json"));
  const core::Catalog parsed =
      must("the benchmark's catalog", core::parse_catalog(catalog, "bench"));

  // The generator keeps the core's rules: its first cases and a sample of the rest fold without
  // conflicts, as do a sample of station days.
  for (std::int64_t i = 0; i < args.shape.cases;
       i += (i < 3000 ? 1 : args.shape.cases / 2000 + 1)) {
    const Status ok = district.check_case(i);
    if (!ok.is_ok()) die("checking the generator", ok);
  }
  for (int day = 0; day < FiguresDistrict::kDays; day += 37) {
    for (int s = 0; s < static_cast<int>(district.communities().size()); s += 11) {
      const Status ok = district.check_queue_day(s, day);
      if (!ok.is_ok()) die("checking the generator", ok);
    }
  }

  // The cache: one folder per district (generator version, size, seed), one store in it per
  // store kind and schema version.
  const int ev = embedded_schema_version();
  const int pv = args.store_url.empty() ? 0 : pg_schema_version(args.store_url);
  const std::string key = "g" + std::to_string(bench::kFiguresGeneratorVersion) + "_c" +
                          std::to_string(args.shape.cases) + "_f" +
                          std::to_string(args.shape.facts_per_case) + "_s" +
                          std::to_string(args.shape.seed);
  const fs::path folder = args.cache / key;
  std::fprintf(stderr, "bench: district of %lld cases, %d facts a case; stores in %s\n",
               static_cast<long long>(args.shape.cases), args.shape.facts_per_case, folder.c_str());

  std::vector<Side> sides;
  if (args.embedded) {
    sides.push_back(
        Side{"embedded", folder / ("embedded_v" + std::to_string(ev)), "", nullptr, nullptr});
  }
  if (!args.store_url.empty()) {
    const std::string schema = "fig_" + key + "_v" + std::to_string(pv);
    sides.push_back(Side{"postgres", folder / ("postgres_v" + std::to_string(pv)),
                         with_schema(args.store_url, schema), nullptr, nullptr});
  }
  if (sides.empty()) {
    std::fprintf(stderr, "bench: --no-embedded needs --store-url (bench/run-figures gives one)\n");
    return 2;
  }
  if (!args.explain.empty()) {
    explain(sides, args.explain);
    return 0;
  }
  for (Side& side : sides) {
    fs::create_directories(side.dir);
    open_side(side);
  }
  // Both loads at once, each on its own thread with its own store.
  {
    std::vector<std::thread> loaders;
    for (Side& side : sides)
      loaders.emplace_back([&side, &district, &catalog, &args] {
        load(side, district, catalog, args.batch, args.append, args.load_days);
      });
    for (auto& t : loaders) t.join();
  }
  for (Side& side : sides)
    if (side.name == "postgres") bench::pg_analyze(side.url);

  bench::Report report;
  report.add("cases", static_cast<double>(args.shape.cases));
  for (Side& side : sides) {
    const std::int64_t facts = must("counting facts", side.store->fact_count());
    report.add(side.name + ".facts", static_cast<double>(facts));
    report.add(side.name + ".load_s", side.load_s);
    report.add(side.name + ".load_facts_per_s", static_cast<double>(side.loaded) / side.load_s);
    const double bytes = static_cast<double>(disk_bytes(side));
    report.add(side.name + ".bytes_on_disk", bytes);
    report.add(side.name + ".bytes_per_fact", bytes / static_cast<double>(facts));
  }
  report.add("load_through_append_facts", args.append ? 1 : 0);
  // Fewer than 365: a partial year (--load-days), not the benchmark's district.
  report.add("loaded_days", args.load_days);
  report.add_text("month", args.month);
  // Another run's answers (--answers): a store measured alone is still compared with the other.
  nlohmann::json kept = nlohmann::json::object();
  if (!args.answers.empty() && fs::exists(args.answers)) {
    kept = nlohmann::json::parse(read_file(args.answers), nullptr, false);
    if (!kept.is_object()) die("reading " + args.answers, Status(ErrorCode::Corrupt, "not JSON"));
  }

  std::vector<server::FactRecord> all;  // for --verify
  if (verify) {
    for (int day = 0; day < FiguresDistrict::kDays; ++day)
      for (auto& f : district.day_facts(day)) all.push_back(std::move(f));
  }
  bool failed = false;
  for (const Query& q : queries(district, args.month)) {
    const Status checked = server::check_figure_query(q.query);
    if (!checked.is_ok()) die("the query " + q.key, checked);
    std::optional<server::DistrictFigures> first;
    double slowest = 0;
    for (Side& side : sides) {
      server::DistrictFigures answer = must(side.name + " " + q.key, side.store->figures(q.query));
      std::vector<double> ms;
      for (int r = 0; r < args.runs; ++r) {
        const double t0 = bench::now_ms();
        answer = must(side.name + " " + q.key, side.store->figures(q.query));
        ms.push_back(bench::now_ms() - t0);
      }
      const double median = bench::median(ms);
      slowest = std::max(slowest, median);
      report.add(side.name + "." + q.key + "_ms", median);
      report.add(side.name + "." + q.key + "_max_ms", *std::max_element(ms.begin(), ms.end()));
      const std::string why = implausible(answer, q.query);
      if (!why.empty()) {
        std::fprintf(stderr, "bench: FAILED: %s %s is implausible: %s\n", side.name.c_str(),
                     q.key.c_str(), why.c_str());
        failed = true;
      }
      if (first && !(*first == answer)) {
        std::fprintf(stderr, "bench: FAILED: %s and %s differ on %s: %s\n",
                     sides.front().name.c_str(), side.name.c_str(), q.key.c_str(),
                     first_difference(*first, answer).c_str());
        failed = true;
      }
      if (!first) first = std::move(answer);
    }
    if (q.key == "month_figures" || q.key == "year_ranking") report.add(q.key + "_ms", slowest);
    if (!args.answers.empty()) {
      const nlohmann::json mine = server::figures_to_json(*first, q.query);
      if (!kept.contains(q.key)) {
        kept[q.key] = mine;
      } else if (kept[q.key] != mine) {
        std::fprintf(stderr, "bench: FAILED: %s differs from the answer in %s on %s\n",
                     sides.front().name.c_str(), args.answers.c_str(), q.key.c_str());
        failed = true;
      } else {
        say("bench: %s equals the answer in %s\n", q.key.c_str(), args.answers.c_str());
      }
    }
    if (q.key == "month_figures") {
      report.add("month_whistles", static_cast<double>(first->total.whistles));
      report.add("month_units", static_cast<double>(first->total.units));
      if (auto v = first->total.rates.responded.value()) report.add("month_responded_rate", *v);
      if (auto v = first->total.rates.resolved.value()) report.add("month_resolved_rate", *v);
      if (auto v = first->total.rates.satisfied.value()) report.add("month_satisfied_rate", *v);
      report.add("open_cases", static_cast<double>(first->open_cases));
      report.add("overdue_cases", static_cast<double>(first->overdue_cases));
    }
    if (verify) {
      const server::DistrictFigures brute = server::figures_from_facts(all, &parsed, q.query);
      if (!(brute == *first)) {
        std::fprintf(stderr, "bench: FAILED: %s differs from figures_from_facts on %s: %s\n",
                     sides.front().name.c_str(), q.key.c_str(),
                     first_difference(*first, brute).c_str());
        failed = true;
      }
    }
  }
  report.add("verified_against_facts", verify ? 1 : 0);
  if (!args.answers.empty() && !fs::exists(args.answers)) write_file(args.answers, kept.dump(1));
  const int rc = report.finish(args.json);
  if (failed) {
    std::fprintf(stderr, "bench: FAILED: see the lines above\n");
    return 1;
  }
  return rc;
}
