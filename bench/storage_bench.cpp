// Storage benchmark: the latency of one committed local write (a record plus its outbox entry,
// encrypted, synchronous=FULL), what encryption costs on a 100,000-row bulk insert (keyed and
// unkeyed runs interleaved, medians compared), and the time to open the store.
// Usage: weimin_storage_bench [--json FILE] [--writes N] [--bulk-rows N] [--runs N]
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench_support.hpp"
#include "weimin/storage/keyed_store.hpp"
#include "weimin/storage/outbox.hpp"
#include "weimin/storage/station_schema.hpp"

using namespace weimin;
using namespace weimin::storage;
namespace fs = std::filesystem;

namespace {

[[noreturn]] void die(const Status& st) {
  std::fprintf(stderr, "bench: %s\n", st.to_string().c_str());
  std::exit(1);
}
template <class T>
T must(Result<T> r) {
  if (!r.is_ok()) die(r.status());
  return std::move(r).value();
}
void must(const Status& st) {
  if (!st.is_ok()) die(st);
}

SecretKey fixed_key(std::uint8_t b) {
  SecretKey k;
  for (auto& x : k.mutable_bytes()) x = b;
  return k;
}

const std::string kBody =
    R"({"kind":"case.collected","source":"env","text":"楼道堆放杂物，影响通行，请社区协调清理","channel":"kiosk"})";

Status write_one(Database& db, Statement& insert, int i) {
  WEIMIN_ASSIGN_OR_RETURN(Transaction tx, db.begin());
  insert.bind(1, "w" + std::to_string(i)).bind(2, "s" + std::to_string(i)).bind(3, kBody);
  WEIMIN_TRY(insert.run());
  WEIMIN_TRY(Outbox::append(db, "fact", kBody, i).status());
  return tx.commit();
}

double bulk_insert_ms(Database db, int rows) {
  must(migrate(db, station_migrations(), 0));
  const double t0 = bench::now_ms();
  Transaction tx = must(db.begin());
  Statement insert = must(db.prepare(
      "INSERT INTO facts (id, kind, subject, origin, hlc, wall_ms, day, body) VALUES "
      "(?, 'case.collected', ?, 'bench', ?, ?, '2026-11-22', ?)"));
  for (int i = 0; i < rows; ++i) {
    insert.bind(1, "b" + std::to_string(i)).bind(2, "s" + std::to_string(i % 977));
    insert.bind(3, static_cast<std::int64_t>(i)).bind(4, static_cast<std::int64_t>(i));
    insert.bind(5, kBody);
    must(insert.run());
  }
  must(tx.commit());
  return bench::now_ms() - t0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string json;
  int writes = 1000, bulk_rows = 100000, runs = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--json") json = next();
    else if (a == "--writes") writes = std::stoi(next());
    else if (a == "--bulk-rows") bulk_rows = std::stoi(next());
    else if (a == "--runs") runs = std::stoi(next());
    else if (a == "--help") {
      std::printf("usage: weimin_storage_bench [--json FILE] [--writes N] [--bulk-rows N] [--runs N]\n");
      return 0;
    } else {
      std::fprintf(stderr, "bench: unknown argument %s (try --help)\n", a.c_str());
      return 2;
    }
  }
  const fs::path dir = fs::temp_directory_path() / ("weimin-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  bench::Report report;
  const SecretKey kek = fixed_key(3);

  {  // one local write, committed: p50 and p99
    KeyedStore store = must(KeyedStore::open(dir, "station.db", kek));
    must(migrate(store.db(), station_migrations(), 0));
    Statement insert = must(store.db().prepare(
        "INSERT INTO facts (id, kind, subject, origin, hlc, wall_ms, day, body) VALUES "
        "(?, 'case.collected', ?, 'bench', 1, 1, '2026-11-22', ?)"));
    std::vector<double> lat;
    for (int i = 0; i < writes; ++i) {
      const double t0 = bench::now_ms();
      must(write_one(store.db(), insert, i));
      lat.push_back(bench::now_ms() - t0);
    }
    report.add("write_p50_ms", bench::percentile(lat, 50));
    report.add("write_p99_ms", bench::percentile(lat, 99));
    report.add("writes", writes);
  }
  {  // open an existing store: unseal the key, key the database, run the checks
    std::vector<double> t;
    for (int i = 0; i < 20; ++i) {
      const double t0 = bench::now_ms();
      KeyedStore store = must(KeyedStore::open(dir, "station.db", kek));
      must(migrate(store.db(), station_migrations(), 0));
      t.push_back(bench::now_ms() - t0);
    }
    report.add("open_ms", bench::median(t));
  }
  {  // bulk: keyed and unkeyed runs interleaved so machine noise hits both alike
    std::vector<double> keyed, unkeyed;
    for (int r = 0; r < runs; ++r) {
      for (bool k : {true, false}) {
        const fs::path file = dir / (k ? "bulk-keyed.db" : "bulk-plain.db");
        for (const char* s : {"", "-wal", "-shm"}) fs::remove(file.string() + s);
        Database db = must(k ? Database::open(file, fixed_key(9)) : Database::open_unkeyed(file));
        (k ? keyed : unkeyed).push_back(bulk_insert_ms(std::move(db), bulk_rows));
      }
    }
    report.add("bulk_keyed_ms", bench::median(keyed));
    report.add("bulk_unkeyed_ms", bench::median(unkeyed));
    report.add("bulk_ratio_keyed_unkeyed", bench::median(keyed) / bench::median(unkeyed));
    report.add("bulk_rows", bulk_rows);
  }
  fs::remove_all(dir);
  return report.finish(json);
}
