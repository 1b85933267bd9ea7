// Reading a push body at the district, the two ways side by side in one process (issue 17, item
// 3; docs/PERFORMANCE.md, "Sync"): a station's push of --entries facts (default 1,000, made as
// bench/sync_bench.cpp's stations make them: ticket.issued facts with a small body, the
// payloads in canonical text, the body as the station's client writes it), read
//   dom     as the district read it before: parse_push_request (a JSON document of the whole
//           body), then parse_fact_payload of each entry's payload
//   stream  as it reads it now: read_push_facts (no document; only each body built)
// Each run reads the body --reps times (default 20) each way, the two interleaved and taking
// turns at going first; figures are medians over --runs runs (default 9), in the thread's CPU
// time (the machine may be shared: time spent waiting for a core is not counted) and in wall
// time (*_wall_ms):
//   dom_ms, stream_ms       one body read, ms of CPU
//   dom_mib_per_s, stream_mib_per_s
//   stream_vs_dom           the median of each run's stream_ms / dom_ms (below 1: the stream
//                           is faster); stream_vs_dom_wall the same in wall time
//   body_bytes, entries
// Both ways must give the same facts; the run ends with an error otherwise.
// Usage: weimin_push_read_bench [--json FILE] [--entries N] [--reps N] [--runs N]
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "weimin/sync/client.hpp"
#include "weimin/sync/protocol.hpp"
#include "weimin/sync/push_reader.hpp"

using namespace weimin;

namespace {

struct Args {
  std::string json;
  int entries = 1000;
  int reps = 20;
  int runs = 9;
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "push_read_bench: %s needs a value\n", k.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--json") {
      a.json = value();
    } else if (k == "--entries") {
      a.entries = std::atoi(value().c_str());
    } else if (k == "--reps") {
      a.reps = std::atoi(value().c_str());
    } else if (k == "--runs") {
      a.runs = std::atoi(value().c_str());
    } else {
      std::fprintf(stderr,
                   "usage: weimin_push_read_bench [--json FILE] [--entries N] [--reps N] "
                   "[--runs N]\n");
      std::exit(k == "--help" || k == "-h" ? 0 : 2);
    }
  }
  if (a.entries < 1 || a.reps < 1 || a.runs < 1) {
    std::fprintf(stderr, "push_read_bench: --entries, --reps and --runs must be at least 1\n");
    std::exit(2);
  }
  return a;
}

// A station's push body of n facts, as SyncEngine sends one (sync_bench.cpp's facts).
std::string station_push(int n) {
  sync::RawPushRequest request;
  request.station_id = "station:530102001001";
  request.stream = "0190c0de-0000-7000-8000-00000000aaaa";
  request.base_seq = 5000;
  for (int i = 0; i < n; ++i) {
    sync::FactPayload f;
    char id[64];
    std::snprintf(id, sizeof id, "0190c0de-%04x-7000-8000-%012d", i / 4096, i);
    f.id = id;
    f.kind = "ticket.issued";
    f.subject = "ticket-" + std::to_string(i);
    f.origin = request.station_id;
    f.hlc = (1795568400000LL << 16) + i;
    f.wall_ms = 1795568400000LL + i;
    f.day = "2026-11-25";
    f.body = nlohmann::json{{"line", 1 + i % 10},
                            {"number", "A" + std::to_string(i % 1000)},
                            {"window", 1 + i % 3},
                            {"priority", i % 17 == 0}};
    request.entries.push_back({request.base_seq + 1 + i, "fact", sync::canonical_text(f)});
  }
  return sync::push_body(request);
}

// The district's read before: the document, then each payload's fact.
std::vector<sync::FactPayload> read_dom(const std::string& body) {
  auto m = bench::must("parse_push_request", sync::parse_push_request(body));
  std::vector<sync::FactPayload> facts;
  facts.reserve(m.entries.size());
  for (std::size_t i = 0; i < m.entries.size(); ++i) {
    std::string path = "$.entries[" + std::to_string(i) + "].payload";
    facts.push_back(bench::must("parse_fact_payload",
                                sync::parse_fact_payload(std::move(m.entries[i].payload), path)));
  }
  return facts;
}

// The district's read now.
std::vector<sync::FactPayload> read_stream(const std::string& body) {
  auto m = bench::must("read_push_facts", sync::read_push_facts(body));
  std::vector<sync::FactPayload> facts;
  facts.reserve(m.entries.size());
  for (auto& e : m.entries) facts.push_back(bench::must("the fact", std::move(e.fact)));
  return facts;
}

double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

struct Time {
  double cpu_ms = 0;
  double wall_ms = 0;
};

// CPU and wall ms per read of `body` by `read`, over reps reads.
template <class Read>
Time per_read(const std::string& body, int reps, Read read, std::size_t& sink) {
  const double c0 = thread_cpu_ms(), w0 = bench::now_ms();
  for (int i = 0; i < reps; ++i) sink += read(body).size();
  return {(thread_cpu_ms() - c0) / reps, (bench::now_ms() - w0) / reps};
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse_args(argc, argv);
  const std::string body = station_push(args.entries);
  if (read_dom(body) != read_stream(body)) {
    std::fprintf(stderr, "push_read_bench: the two reads give different facts\n");
    return 1;
  }
  std::size_t sink = 0;
  std::vector<double> dom, stream, ratio, dom_wall, stream_wall, ratio_wall;
  for (int run = 0; run < args.runs; ++run) {
    Time d, s;
    if (run % 2 == 0) {
      d = per_read(body, args.reps, read_dom, sink);
      s = per_read(body, args.reps, read_stream, sink);
    } else {
      s = per_read(body, args.reps, read_stream, sink);
      d = per_read(body, args.reps, read_dom, sink);
    }
    dom.push_back(d.cpu_ms);
    stream.push_back(s.cpu_ms);
    ratio.push_back(s.cpu_ms / d.cpu_ms);
    dom_wall.push_back(d.wall_ms);
    stream_wall.push_back(s.wall_ms);
    ratio_wall.push_back(s.wall_ms / d.wall_ms);
    std::printf("run %d: dom %.3f ms CPU (%.3f wall), stream %.3f ms CPU (%.3f wall)\n", run + 1,
                d.cpu_ms, d.wall_ms, s.cpu_ms, s.wall_ms);
  }
  const double mib = static_cast<double>(body.size()) / (1024.0 * 1024.0);
  bench::Report report;
  report.add("entries", args.entries);
  report.add("body_bytes", static_cast<double>(body.size()));
  report.add("runs", args.runs);
  report.add("reps", args.reps);
  report.add("dom_ms", bench::median(dom));
  report.add("stream_ms", bench::median(stream));
  report.add("dom_wall_ms", bench::median(dom_wall));
  report.add("stream_wall_ms", bench::median(stream_wall));
  report.add("dom_mib_per_s", mib / (bench::median(dom) / 1000.0));
  report.add("stream_mib_per_s", mib / (bench::median(stream) / 1000.0));
  report.add("stream_vs_dom", bench::median(ratio));
  report.add("stream_vs_dom_wall", bench::median(ratio_wall));
  if (sink == 0) std::printf("(nothing read)\n");
  return report.finish(args.json);
}
