// Scale benchmark (issue 17): the district's sync at 1, 10 and 30 million facts. A store is
// filled with a year of a district (figures_district.hpp: 100 communities, the case loop's steps
// in their proportions, queue tickets and their evaluations; --year-facts in all, 30,000,000 by
// default) through the store's bulk path, day by day, up to each size in turn (--sizes, default
// 1m,10m,30m): one store grows from size to size. The fill is not timed as sync. At each size,
// and on an empty store with the same catalog (the 1.5× rule), with the real district server
// process over HTTPS on loopback (sync_fixture.hpp):
//   push_facts_per_s       one fresh station pushing --facts facts (10,000), push phase
//   fresh_pull_ms          a fresh station of a community with no facts enrolling and syncing:
//                          it pulls the district's reference data (the catalog) through the log
//   digest_round_ms        a station's signed digest request for 31 days of its community
//                          (the busiest of the 100) ending at the last day filled
//   fleet_100x10k_s        --stations (100) fresh stations × --facts facts syncing at once
//                          (and fleet_failed_stations, fleet_server_cpu_s, fleet_server_peak_mib,
//                          on PostgreSQL fleet_postgres_cpu_s)
// then with the server stopped, straight on the store:
//   bulk_facts_per_s       --facts ticket facts through bulk_append_facts (the store's bulk path)
//   append_facts_per_s     the same through append_facts (the bound sync_bench uses)
//   push_vs_bulk_ratio     push_facts_per_s / bulk_facts_per_s
//   rebuild_projection_s   rebuild_projection (and rebuild_cases, the cases it remade; left out
//                          with --rebuild-runs 0)
// and at each size, after the timed figures: facts (all the store holds: the year's facts up to
// the size and the benchmark's own, about 1,090,000 a measure at the defaults), bytes_on_disk,
// bytes_per_fact (over all of them), and the fill's fill_s, fill_facts_per_s. A size counts the
// year's facts only. Counting reads the whole facts table (20 s and ~20 GB through the page cache
// at 30M), so it comes after the timed figures: before them it evicted the indexes the pushes
// write. A PostgreSQL store is vacuumed and analysed and a checkpoint taken after each fill (what
// autovacuum and the checkpointer do on a server that has lived the year): without it the first
// reads after the load set the hint bits of every page and the timed pushes paid for writing
// them out. Both stores are then flushed to the disk (sync) before anything is timed. Each timed
// figure is the median of --runs runs (3; --rebuild-runs for the rebuild, 3). Keys:
// <figure>_at_<size> (size "empty", "1m", "10m", "30m", "100k", …) for the embedded store,
// "postgres." before them for PostgreSQL; <figure>_slowdown_at_<size>: how many times worse than on
// the empty store (a time over the empty store's, a rate the other way round; the budget is ≤ 1.5);
// bytes_per_fact_on_disk: at the largest size measured. The stores stay in --cache DIR (default
// /var/tmp/weimin-bench-scale), one folder per district (generator version, year size, seed), so a
// later run grows the same store further (sizes it has passed already are skipped); `state` in a
// store's folder keeps the fill's position and which bench communities and bulk batches were used
// (each fresh station needs a community new to the store). PostgreSQL: --store-url URL
// (bench/run-scale starts a server of its own); the grown store is the schema scale_<key>.
//
// Usage: weimin_scale_bench [--json FILE] [--sizes LIST] [--year-facts N] [--runs N]
//        [--rebuild-runs N] [--facts N] [--stations N] [--batch N] [--cache DIR]
//        [--store-url postgresql://… | --no-postgres] [--no-embedded] [--no-empty]
//        [--fill-only]
// --fill-only fills the stores up to the largest size and measures nothing (not even the empty
// store): a later run at that size measures it, so a long fill can run while the machine is
// busy and the measures when it is quiet.
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include <sodium.h>
#include <unistd.h>

#include "bench_support.hpp"
#include "figures_district.hpp"
#include "store_size.hpp"
#include "sync_fixture.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/server/embedded_store.hpp"
#include "weimin/server/pg_store.hpp"
#include "weimin/sync/client.hpp"
#include "weimin/sync/protocol_auth.hpp"

using namespace weimin;
namespace fs = std::filesystem;

namespace {

using bench::die;
using bench::FiguresDistrict;
using bench::must;

constexpr int kBenchCommunities = 500;  // in the catalog, for the fresh stations of every run
constexpr int kDigestDays = 31;

struct Size {
  std::string label;  // "1m"
  std::int64_t facts = 0;
};

struct Args {
  std::string json;
  std::vector<Size> sizes;
  std::int64_t year_facts = 30'000'000;
  int runs = 3;
  int rebuild_runs = 3;
  int facts = 10'000;
  int stations = 100;
  std::size_t batch = 200'000;
  fs::path cache = "/var/tmp/weimin-bench-scale";
  std::string store_url;
  bool embedded = true;
  bool empty = true;
  bool fill_only = false;  // fill up to the largest size and measure nothing
};

// "1m" → 1,000,000; "100k" → 100,000; "2500000" as it is.
Size parse_size(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::int64_t scale = 1;
  std::string digits = text;
  if (!text.empty() && (text.back() == 'm' || text.back() == 'k')) {
    scale = text.back() == 'm' ? 1'000'000 : 1'000;
    digits.pop_back();
  }
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
    std::fprintf(stderr, "bench: a size is digits with k or m after them, not '%s'\n",
                 text.c_str());
    std::exit(2);
  }
  return {text, std::stoll(digits) * scale};
}

// [SECTION] A store and what the benchmark keeps beside it

// Where a store is: the embedded one in dir/data with the key file dir/district.kek (as the
// server process is given them), a PostgreSQL one at url. dir also holds `state`.
struct Side {
  std::string name;  // "embedded" or "postgres"
  fs::path dir;
  std::string url;
};

std::unique_ptr<server::DistrictStore> open_store(const Side& side) {
  if (side.name == "postgres") {
    return must("opening the PostgreSQL store",
                server::open_pg_store(side.url, server::PgStoreOptions{FiguresDistrict::kDistrict,
                                                                       FiguresDistrict::kNowMs}));
  }
  platform::FileKeyStore keys(side.dir / "district.kek", side.dir / "data");
  return must("opening the embedded store",
              server::open_embedded_store(side.dir / "data", keys,
                                          server::EmbeddedStoreOptions{FiguresDistrict::kDistrict,
                                                                       FiguresDistrict::kNowMs}));
}

std::int64_t disk_bytes(const Side& side) {
  return side.name == "embedded" ? bench::folder_bytes(side.dir / "data")
                                 : bench::pg_schema_bytes(side.url);
}

// The fill's position (the next day and how many of its facts are in), the next unused bench
// community and bulk batch, and the fill's seconds and facts so far.
struct State {
  int day = 0;
  std::size_t day_offset = 0;
  int next_community = 0;
  int next_batch = 0;
  double fill_s = 0;
  std::int64_t filled = 0;
};
State read_state(const Side& side) {
  State s;
  std::istringstream in(bench::read_file(side.dir / "state"));
  in >> s.day >> s.day_offset >> s.next_community >> s.next_batch >> s.fill_s >> s.filled;
  return s;
}
void write_state(const Side& side, const State& s) {
  bench::write_file(side.dir / "state",
                    std::to_string(s.day) + " " + std::to_string(s.day_offset) + " " +
                        std::to_string(s.next_community) + " " + std::to_string(s.next_batch) +
                        " " + std::to_string(s.fill_s) + " " + std::to_string(s.filled) + "\n");
}

// Publishes the catalog into a new store.
void publish_catalog(server::DistrictStore& store, const std::string& catalog) {
  if (!must("the latest catalog", store.latest_reference("catalog"))) {
    must("publishing the catalog",
         store.publish_reference("catalog", catalog, FiguresDistrict::kYearStartMs));
  }
}

// Fills the store through bulk_append_facts, whole days in calls of about `batch_size` facts, until
// `target` of the year's facts are in (the last day cut where they are reached) or the year is.
// The benchmark's own facts (its pushes, fleets and bulk inserts) do not count.
void fill(const Side& side, State& state, const FiguresDistrict& district,
          const std::string& catalog, std::int64_t target, std::size_t batch_size) {
  auto store = open_store(side);
  publish_catalog(*store, catalog);
  std::fprintf(stderr, "bench: %s: filling from %lld of the year's facts (day %d) to %lld\n",
               side.name.c_str(), static_cast<long long>(state.filled), state.day,
               static_cast<long long>(target));
  std::vector<server::FactRecord> batch;
  double t0 = bench::now_ms(), said = t0;
  while (state.filled + static_cast<std::int64_t>(batch.size()) < target &&
         state.day < FiguresDistrict::kDays) {
    std::vector<server::FactRecord> day = district.day_facts(state.day);
    const auto want = static_cast<std::size_t>(target - state.filled) - batch.size();
    const std::size_t take = std::min(want, day.size() - state.day_offset);
    for (std::size_t k = state.day_offset; k < state.day_offset + take; ++k)
      batch.push_back(std::move(day[k]));
    state.day_offset += take;
    if (state.day_offset == day.size()) {
      ++state.day;
      state.day_offset = 0;
    }
    const bool last = state.filled + static_cast<std::int64_t>(batch.size()) >= target ||
                      state.day == FiguresDistrict::kDays;
    if (batch.size() < batch_size && !last) continue;
    // A batch a stopped run had begun is appended again: the facts held already are skipped.
    const std::int64_t added = must(side.name + ": filling", store->bulk_append_facts(batch));
    batch.clear();
    const double now = bench::now_ms();
    state.fill_s += (now - t0) / 1000;
    state.filled += added;
    t0 = now;
    write_state(side, state);
    if (now - said > 60'000 || last) {
      std::fprintf(stderr, "bench: %s: %lld of the year's facts (day %d), %.0f facts/s\n",
                   side.name.c_str(), static_cast<long long>(state.filled), state.day,
                   static_cast<double>(state.filled) / state.fill_s);
      said = now;
    }
  }
  store.reset();
  if (side.name == "postgres") bench::pg_settle(side.url);
  // And the kernel's writeback of the load (gigabytes of dirty pages after a fill at 30M), which
  // would otherwise run beside the first measure: a first run after a fill measured one station's
  // push at 4,735 facts/s where the next run had 19,266.
  ::sync();
}

// [SECTION] Measuring

using Figures = std::map<std::string, double>;

// A station's digest round: a key of its own enrolled for `community`, then signed
// GET /v1/digest for [from, to]; milliseconds of each request, `runs` of them.
std::vector<double> digest_rounds(const bench::ServerProcess& server, const std::string& community,
                                  const std::string& from, const std::string& to, int runs,
                                  std::int64_t& days_listed) {
  auto transport = bench::curl(server);
  sync::SyncClient client(*transport, [] { return platform::SystemClock().now_ms(); });
  sync::StationKeyPair key = sync::generate_station_key();
  sync::EnrollRequest request;
  request.token = server.token(community);
  request.community = community;
  request.public_key = sync::base64_encode(key.public_key);
  const sync::EnrollResponse enrolled =
      must("enrolling the digest station", client.enroll(request));
  client.set_identity({enrolled.station_id, SecretBuffer::copy_of(key.secret_key)});
  std::vector<double> ms;
  for (int r = 0; r < runs; ++r) {
    const double t0 = bench::now_ms();
    const sync::DigestResponse d = must("a digest round", client.digest({from, to}));
    ms.push_back(bench::now_ms() - t0);
    days_listed = static_cast<std::int64_t>(d.digests.size());
  }
  return ms;
}

std::string date_of_day(int day) {
  return core::local_date(FiguresDistrict::kYearStartMs + day * 24LL * 3'600'000 + 12 * 3'600'000)
      .to_string();
}

// Everything measured of a store at one size (see the top of the file). `last_day`: the last day
// (partly) filled, where the digest's 31 days end.
Figures measure(const Side& side, State& state, const Args& args, const FiguresDistrict& district,
                const std::vector<std::string>& bench_codes, const std::string& catalog,
                int last_day, const fs::path& scratch) {
  // Fresh stations (pushes, pulls, the fleet) and the bulk inserts each take a community new to
  // the store; they are marked used before any is, so a stopped run never hands them out again.
  const int needed = 3 * args.runs + args.stations;
  if (state.next_community + needed > static_cast<int>(bench_codes.size())) {
    die("measuring " + side.name,
        Status(ErrorCode::Invalid,
               "the store's bench communities are used up; start a new cache "
               "(--cache DIR) for a new store"));
  }
  int cursor = state.next_community;
  auto next_code = [&] { return bench_codes[static_cast<std::size_t>(cursor++)]; };
  state.next_community += needed;
  write_state(side, state);
  Figures f;
  const bool pg = side.name == "postgres";
  {
    const bench::ServerProcess server(side.dir, side.url);
    std::vector<double> push, pull;
    for (int run = 0; run < args.runs; ++run) {
      push.push_back(bench::measure_push(server, scratch, next_code(), catalog, args.facts, run)
                         .push_facts_per_s);
    }
    for (int run = 0; run < args.runs; ++run)
      pull.push_back(bench::measure_fresh_pull_ms(server, scratch, next_code(), catalog));
    f["push_facts_per_s"] = bench::median(push);
    f["fresh_pull_ms"] = bench::median(pull);

    const int from_day = std::max(0, last_day - (kDigestDays - 1));
    std::int64_t days = 0;
    const auto digest = digest_rounds(server, district.communities()[2], date_of_day(from_day),
                                      date_of_day(from_day + kDigestDays - 1), args.runs, days);
    f["digest_round_ms"] = bench::median(digest);
    f["digest_days_listed"] = static_cast<double>(days);
    std::printf("digest rounds of %s, %s to %s: %zu requests, median %.1f ms\n",
                district.communities()[2].c_str(), date_of_day(from_day).c_str(),
                date_of_day(from_day + kDigestDays - 1).c_str(), digest.size(),
                f["digest_round_ms"]);

    std::vector<std::string> fleet_codes;
    for (int i = 0; i < args.stations; ++i) fleet_codes.push_back(next_code());
    const bench::FleetRun fleet =
        bench::run_fleet(server, scratch / "fleet", fleet_codes, catalog, args.facts, pg);
    f["fleet_100x10k_s"] = fleet.seconds;
    f["fleet_failed_stations"] = fleet.failed;
    f["fleet_server_cpu_s"] = fleet.server_cpu_s;
    f["fleet_server_peak_mib"] = fleet.server_peak_mib;
    if (pg) f["fleet_postgres_cpu_s"] = fleet.postgres_cpu_s;
  }
  std::error_code ec;
  fs::remove_all(scratch, ec);  // the stations

  auto store = open_store(side);
  std::vector<double> bulk, append, rebuild;
  for (int run = 0; run < args.runs; ++run) {
    const std::string community = next_code();  // a community none of the stations used
    auto facts = bench::ticket_fact_records(1000 + state.next_batch++, args.facts, community);
    double t0 = bench::now_ms();
    must("bulk insert", store->bulk_append_facts(facts));
    bulk.push_back(args.facts / ((bench::now_ms() - t0) / 1000.0));
    facts = bench::ticket_fact_records(1000 + state.next_batch++, args.facts, community);
    t0 = bench::now_ms();
    must("append_facts", store->append_facts(facts));
    append.push_back(args.facts / ((bench::now_ms() - t0) / 1000.0));
    write_state(side, state);
  }
  f["bulk_facts_per_s"] = bench::median(bulk);
  f["append_facts_per_s"] = bench::median(append);
  f["push_vs_bulk_ratio"] = f["push_facts_per_s"] / f["bulk_facts_per_s"];
  std::int64_t cases = 0;
  for (int run = 0; run < args.rebuild_runs; ++run) {
    const double t0 = bench::now_ms();
    cases = must("rebuilding the projection", store->rebuild_projection());
    rebuild.push_back((bench::now_ms() - t0) / 1000.0);
    std::printf("rebuild run %d: %lld cases in %.1f s\n", run, static_cast<long long>(cases),
                rebuild.back());
  }
  if (!rebuild.empty()) {  // --rebuild-runs 0 leaves the rebuild out (minutes at 1m)
    f["rebuild_projection_s"] = bench::median(rebuild);
    f["rebuild_cases"] = static_cast<double>(cases);
  }
  return f;
}

// Higher is better for these; for every other timed figure lower is.
bool is_rate(const std::string& figure) {
  return figure.ends_with("_per_s") || figure == "push_vs_bulk_ratio";
}
const std::vector<std::string> kCompared = {"push_facts_per_s", "fresh_pull_ms",
                                            "digest_round_ms",  "fleet_100x10k_s",
                                            "bulk_facts_per_s", "append_facts_per_s"};

void drop_schema(const std::string& url) {
  try {
    const auto [conninfo, schema] = bench::pg_conninfo(url);
    pqxx::connection c(conninfo);
    pqxx::work w(c);
    w.exec("DROP SCHEMA IF EXISTS " + w.quote_name(schema) + " CASCADE");
    w.commit();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench: dropping the empty store's schema: %s\n", e.what());
  }
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  std::string sizes = "1m,10m,30m";
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
    } else if (a == "--sizes") {
      sizes = next();
    } else if (a == "--year-facts") {
      args.year_facts = parse_size(next()).facts;
    } else if (a == "--runs") {
      args.runs = std::max(1, std::stoi(next()));
    } else if (a == "--rebuild-runs") {
      args.rebuild_runs = std::max(0, std::stoi(next()));  // 0: not measured
    } else if (a == "--facts") {
      args.facts = std::stoi(next());
    } else if (a == "--stations") {
      args.stations = std::stoi(next());
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
    } else if (a == "--no-empty") {
      args.empty = false;
    } else if (a == "--fill-only") {
      args.fill_only = true;
      args.empty = false;
    } else {
      std::printf(
          "usage: weimin_scale_bench [--json FILE] [--sizes 1m,10m,30m] [--year-facts 30m]\n"
          "       [--runs N] [--rebuild-runs N] [--facts N] [--stations N] [--batch N]\n"
          "       [--cache DIR] [--store-url postgresql://… | --no-postgres] [--no-embedded]\n"
          "       [--no-empty] [--fill-only]\n");
      return a == "--help" || a == "-h" ? 0 : 2;
    }
  }
  std::stringstream list(sizes);
  for (std::string s; std::getline(list, s, ',');) {
    if (!s.empty()) args.sizes.push_back(parse_size(s));
  }
  std::sort(args.sizes.begin(), args.sizes.end(),
            [](const Size& a, const Size& b) { return a.facts < b.facts; });
  if (args.sizes.empty() || args.sizes.back().facts > args.year_facts) {
    std::fprintf(stderr, "bench: --sizes must be given and at most --year-facts (%lld)\n",
                 static_cast<long long>(args.year_facts));
    return 2;
  }
  if (sodium_init() < 0) die("libsodium", Status(ErrorCode::Internal, "sodium_init failed"));

  // The year: 100 communities, 20 facts a case, evaluations of the tickets.
  bench::DistrictShape shape;
  shape.cases = args.year_facts / shape.facts_per_case;
  shape.seed = 17;
  shape.communities = 100;
  shape.window_evaluations = true;
  const FiguresDistrict district(shape);
  nlohmann::json catalog_json = nlohmann::json::parse(district.catalog_json(
      bench::read_file(fs::path(WEIMIN_SOURCE_DIR) / "assets/catalog/wuhua.json")));
  const std::vector<std::string> bench_codes =
      bench::add_bench_communities(catalog_json, kBenchCommunities);
  const std::string catalog = catalog_json.dump();
  // The generator keeps the core's rules on a sample of cases and station days.
  for (std::int64_t i = 0; i < shape.cases; i += (i < 2000 ? 1 : shape.cases / 1000 + 1)) {
    const Status ok = district.check_case(i);
    if (!ok.is_ok()) die("checking the generator", ok);
  }
  for (int day = 0; day < FiguresDistrict::kDays; day += 29) {
    for (int s = 0; s < shape.communities; s += 13) {
      const Status ok = district.check_queue_day(s, day);
      if (!ok.is_ok()) die("checking the generator", ok);
    }
  }

  const std::string key = "g" + std::to_string(bench::kFiguresGeneratorVersion) + "_y" +
                          std::to_string(args.year_facts) + "_c" +
                          std::to_string(shape.communities) + "_s" + std::to_string(shape.seed);
  const fs::path folder = args.cache / key;
  char tmpl[] = "/tmp/weimin-scale-bench-XXXXXX";
  const fs::path root = ::mkdtemp(tmpl);
  std::vector<Side> grown, empty;
  if (args.embedded) {
    grown.push_back({"embedded", folder / "embedded", ""});
    empty.push_back({"embedded", root / "empty-embedded", ""});
  }
  if (!args.store_url.empty()) {
    grown.push_back(
        {"postgres", folder / "postgres", bench::with_schema(args.store_url, "scale_" + key)});
    empty.push_back({"postgres", root / "empty-postgres",
                     server::pg_url_with_fresh_schema(args.store_url, "scale_empty")});
  }
  if (grown.empty()) {
    std::fprintf(stderr, "bench: --no-embedded needs --store-url (bench/run-scale gives one)\n");
    return 2;
  }

  bench::Report report;
  report.add("year_facts", static_cast<double>(args.year_facts));
  report.add("communities", shape.communities);
  report.add("runs", args.runs);
  report.add("fleet_stations", args.stations);
  report.add("facts_per_station", args.facts);
  for (std::size_t k = 0; k < grown.size(); ++k) {
    const std::string prefix = grown[k].name == "embedded" ? "" : grown[k].name + ".";
    auto put = [&](const std::string& label, const Figures& f) {
      for (const auto& [figure, v] : f) report.add(prefix + figure + "_at_" + label, v);
    };
    std::string measured;
    Figures at_empty;
    if (args.empty) {
      fs::create_directories(empty[k].dir);
      State none;
      publish_catalog(*open_store(empty[k]), catalog);
      std::fprintf(stderr, "bench: %s: the empty store\n", empty[k].name.c_str());
      at_empty = measure(empty[k], none, args, district, bench_codes, catalog, kDigestDays - 1,
                         root / "stations");
      put("empty", at_empty);
      if (empty[k].name == "postgres") drop_schema(empty[k].url);
    }
    fs::create_directories(grown[k].dir);
    State state = read_state(grown[k]);
    for (const Size& size : args.sizes) {
      if (state.filled > size.facts) {
        std::fprintf(
            stderr, "bench: %s: %lld of the year's facts are in already, past %s: skipped\n",
            grown[k].name.c_str(), static_cast<long long>(state.filled), size.label.c_str());
        continue;
      }
      fill(grown[k], state, district, catalog, size.facts, args.batch);
      if (args.fill_only) continue;  // measured by a later run at this size
      Figures f;
      f["fill_s"] = state.fill_s;
      f["fill_facts_per_s"] = static_cast<double>(state.filled) / state.fill_s;
      f["last_day_filled"] = state.day_offset > 0 ? state.day : state.day - 1;
      const int last_day = static_cast<int>(f["last_day_filled"]);
      for (auto& [figure, v] : measure(grown[k], state, args, district, bench_codes, catalog,
                                       std::max(last_day, kDigestDays - 1), root / "stations"))
        f[figure] = v;
      {  // after the timed figures (see the top of the file)
        auto store = open_store(grown[k]);
        f["facts"] = static_cast<double>(must("counting facts", store->fact_count()));
      }
      f["bytes_on_disk"] = static_cast<double>(disk_bytes(grown[k]));
      f["bytes_per_fact"] = f["bytes_on_disk"] / f["facts"];
      std::fprintf(stderr, "bench: %s at %s: %.0f facts, %.1f bytes a fact on disk\n",
                   grown[k].name.c_str(), size.label.c_str(), f["facts"], f["bytes_per_fact"]);
      put(size.label, f);
      report.add(prefix + "bytes_per_fact_on_disk", f["bytes_per_fact"]);
      for (const std::string& figure : kCompared) {
        if (!at_empty.contains(figure) || at_empty[figure] <= 0 || f[figure] <= 0) continue;
        const double slowdown =
            is_rate(figure) ? at_empty[figure] / f[figure] : f[figure] / at_empty[figure];
        report.add(prefix + figure + "_slowdown_at_" + size.label, slowdown);
      }
      measured += (measured.empty() ? "" : ",") + size.label;
    }
    report.add_text(prefix + "sizes_measured", measured);
  }
  std::error_code ec;
  fs::remove_all(root, ec);
  return report.finish(args.json);
}
