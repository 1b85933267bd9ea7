// Kiosk benchmark (DESIGN.md budgets): start to first interactive frame < 500 ms, frame time
// p99 < 16 ms at 1920×1080 with the software renderer, idle CPU < 1 % of a core, memory
// < 150 MB; a pinyin keystroke on the on-screen keyboard to its candidates on screen < 30 ms
// (librime is loaded the first time the keyboard shows pinyin, never for the first frame).
// Runs under SDL's offscreen driver unless SDL_VIDEODRIVER says otherwise.
//   weimin_kiosk_bench [--json FILE] [--frames N] [--idle-seconds S] [--starts N]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#include "bench_support.hpp"
#include "weimin/kiosk/app.hpp"
#include "weimin/kiosk/ime.hpp"
#include "weimin/platform/clock.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/station/queue.hpp"
#include "weimin/station/staff_desk.hpp"

using namespace weimin;

namespace {

constexpr int kWidth = 1920, kHeight = 1080;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1000.0 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double children_cpu_ms() {
  rusage u{};
  getrusage(RUSAGE_CHILDREN, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0 +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

kiosk::AppOptions options() {
  kiosk::AppOptions o;
  o.width = kWidth;
  o.height = kHeight;
  o.hidden = true;
  return o;
}

// The child: open the station, make the kiosk, draw the first frame, say so on the pipe.
int first_frame_child(const std::string& dir, int fd) {
  platform::SystemClock clock;
  platform::FileKeyStore keys(dir + "/station.kek", dir + "/data");
  auto st = station::Station::open(dir + "/data", keys, clock);
  if (!st.is_ok()) return 1;
  auto app = kiosk::App::create(*st.value(), clock, {}, nullptr, options());
  if (!app.is_ok()) {
    std::fprintf(stderr, "%s\n", app.status().to_string().c_str());
    return 1;
  }
  app.value()->frame(true);
  // 1: drawn without librime (it loads when the keyboard first shows pinyin); 2: with it.
  const char done = kiosk::PinyinIme::user_data_folder().empty() ? 1 : 2;
  if (write(fd, &done, 1) != 1) return 1;
  return 0;
}

// Wall time from fork to the child's first frame; *rime_loaded when librime was loaded by then.
double time_start(const char* self, const std::string& dir, bool* rime_loaded) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const double t0 = bench::now_ms();
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const std::string fd = std::to_string(fds[1]);
    execl(self, self, "--first-frame-child", dir.c_str(), fd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  char b = 0;
  const bool ok = read(fds[0], &b, 1) == 1;
  if (b == 2) *rime_loaded = true;
  const double t1 = bench::now_ms();
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return ok ? t1 - t0 : -1;
}

// Real pinyin of what residents report, syllables as typed on the keyboard.
constexpr const char* kPinyinWords[] = {
    "ludeng",  "huaile",    "loudao",  "duifang",  "zawu",    "xiashuidao", "dusai",    "zaoyin",
    "raomin",  "laji",      "weiqing", "yunzou",   "daolu",   "jinggai",    "posun",    "anquan",
    "yinhuan", "dianti",    "tingyun", "shuiguan", "loushui", "tingche",    "luanfang", "xiaoqu",
    "menkou",  "sanhaolou", "diyi",    "danyuan",  "qiangbi", "tuoluo",     "wanshang", "henchao"};

// Taps the button `id` the way a finger does and returns the milliseconds from lifting the
// finger to the end of the frame that handled the tap: the keyboard draws its keys before the
// candidate bar, so that frame already shows the candidates the key gave (a test checks).
double timed_tap(kiosk::App& app, const std::string& id, double* cpu_ms) {
  app.pump();
  const auto where = app.target(id);
  if (!where) return -1;
  SDL_Event e{};
  e.type = SDL_MOUSEMOTION;
  e.motion.x = static_cast<Sint32>(where->cx());
  e.motion.y = static_cast<Sint32>(where->cy());
  app.handle(e);
  e = SDL_Event{};
  e.type = SDL_MOUSEBUTTONDOWN;
  e.button.button = SDL_BUTTON_LEFT;
  e.button.state = SDL_PRESSED;
  e.button.x = static_cast<Sint32>(where->cx());
  e.button.y = static_cast<Sint32>(where->cy());
  app.handle(e);
  app.frame(true);  // the press
  e.type = SDL_MOUSEBUTTONUP;
  e.button.state = SDL_RELEASED;
  const double t0 = bench::now_ms(), c0 = thread_cpu_ms();
  app.handle(e);
  app.frame(true);  // the release: the key goes to librime, its candidates are drawn
  const double t1 = bench::now_ms();
  *cpu_ms = thread_cpu_ms() - c0;
  app.pump();
  return t1 - t0;
}

}  // namespace

int main(int argc, char** argv) {
  setenv("SDL_VIDEODRIVER", "offscreen", 0);
  if (argc == 4 && std::strcmp(argv[1], "--first-frame-child") == 0) {
    return first_frame_child(argv[2], std::atoi(argv[3]));
  }
  std::string json;
  int frames = 300, idle_seconds = 10, starts = 5;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--json")
      json = next();
    else if (a == "--frames")
      frames = std::atoi(next().c_str());
    else if (a == "--idle-seconds")
      idle_seconds = std::atoi(next().c_str());
    else if (a == "--starts")
      starts = std::atoi(next().c_str());
    else {
      std::printf(
          "usage: weimin_kiosk_bench [--json FILE] [--frames N] [--idle-seconds S] [--starts N]\n");
      return a == "--help" || a == "-h" ? 0 : 2;
    }
  }
  char tmpl[] = "/tmp/weimin-kiosk-bench-XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  const std::string dir = tmpl;
  std::filesystem::create_directories(dir + "/data");
  bench::Report report;
  {
    platform::SystemClock clock;
    platform::FileKeyStore keys(dir + "/station.kek", dir + "/data");
    auto made = station::Station::init(
        dir + "/data", keys, clock,
        {"530102001001", read_file(std::string(WEIMIN_SOURCE_DIR) + "/assets/catalog/wuhua.json"),
         "wuhua.json", "D001", "李主任", "583920"});
    if (!made.is_ok()) {
      std::fprintf(stderr, "bench: %s\n", made.status().to_string().c_str());
      return 1;
    }
    auto& st = *made.value();
    station::Queue queue(st);
    for (int i = 0; i < 40; ++i)
      (void)queue.take({1 + i % 3, "", core::Priority::None, "", std::nullopt});
  }

  // 1. Start to first frame, each in a fresh process.
  // Wall time, and the CPU the child used (whole process, to exit): on a shared machine the
  // wall figure includes waiting for a core.
  std::vector<double> start_ms, start_cpu_ms;
  bool rime_at_start = false;
  for (int i = 0; i < starts; ++i) {
    const double cpu0 = children_cpu_ms();
    start_ms.push_back(time_start(argv[0], dir, &rime_at_start));
    start_cpu_ms.push_back(children_cpu_ms() - cpu0);
  }
  report.add("first_frame_cpu_ms", bench::median(start_cpu_ms));
  report.add("first_frame_ms", bench::median(start_ms));
  report.add("first_frame_max_ms", bench::percentile(start_ms, 100));
  report.add("first_frame_loads_rime", rime_at_start ? 1 : 0);  // must stay 0

  platform::SystemClock clock;
  platform::FileKeyStore keys(dir + "/station.kek", dir + "/data");
  auto st = station::Station::open(dir + "/data", keys, clock);
  if (!st.is_ok()) return 1;
  auto made = kiosk::App::create(*st.value(), clock, {}, nullptr, options());
  if (!made.is_ok()) {
    std::fprintf(stderr, "bench: %s\n", made.status().to_string().c_str());
    return 1;
  }
  auto& app = *made.value();

  // 2. Frame times: the resident's screens in turn, each frame drawn in full.
  const kiosk::Screen screens[] = {kiosk::Screen::Home,     kiosk::Screen::TakeNumber,
                                   kiosk::Screen::Guide,    kiosk::Screen::Report,
                                   kiosk::Screen::Progress, kiosk::Screen::Book};
  std::vector<double> frame_ms, frame_cpu_ms;
  for (int i = 0; i < frames; ++i) {
    if (i % 10 == 0) app.show(screens[(i / 10) % 6]);
    if (i % 60 == 30)
      app.resident().prefs.lang =
          app.resident().prefs.lang == kiosk::Lang::Zh ? kiosk::Lang::En : kiosk::Lang::Zh;
    const double t0 = bench::now_ms(), c0 = thread_cpu_ms();
    app.frame(true);
    frame_ms.push_back(bench::now_ms() - t0);
    frame_cpu_ms.push_back(thread_cpu_ms() - c0);
  }
  report.add("frame_p50_ms", bench::median(frame_ms));
  report.add("frame_p99_ms", bench::percentile(frame_ms, 99));
  report.add("frame_cpu_p50_ms", bench::median(frame_cpu_ms));
  report.add("frame_cpu_p99_ms", bench::percentile(frame_cpu_ms, 99));

  // 3. Pinyin keystrokes on the report's detail: the first opening of the keyboard loads
  // librime; then each keystroke of real syllables, a word at a time (space picks the first
  // candidate).
  app.reset_resident();
  app.pump();
  bool keyboard_ok = app.tap("home.report") &&
                     app.tap("report.source." + st.value()->catalog().whistle_sources.front().id) &&
                     app.tap("report.next");  // past where, to the detail
  const double open0 = bench::now_ms();
  keyboard_ok = keyboard_ok && app.tap("report.detail");
  app.frame(true);
  const double open_ms = bench::now_ms() - open0;
  std::vector<double> key_ms, key_cpu_ms;
  for (int round = 0; keyboard_ok && key_ms.size() < 400 && round < 20; ++round) {
    for (const char* word : kPinyinWords) {
      for (const char* c = word; *c; ++c) {
        if (*c < 'a' || *c > 'z') continue;
        double cpu_ms = 0;
        const double ms = timed_tap(app, std::string("kb.key.") + *c, &cpu_ms);
        if (ms < 0) {
          keyboard_ok = false;
          break;
        }
        key_ms.push_back(ms);
        key_cpu_ms.push_back(cpu_ms);
      }
      if (!keyboard_ok || !app.tap("kb.space")) break;
      if (round % 2 == 1) (void)app.tap("kb.clear");
    }
  }
  if (keyboard_ok && !key_ms.empty()) {
    report.add("ime_open_ms", open_ms);
    report.add("ime_keystroke_p50_ms", bench::median(key_ms));
    report.add("ime_keystroke_p99_ms", bench::percentile(key_ms, 99));
    report.add("ime_keystroke_cpu_p50_ms", bench::median(key_cpu_ms));
    report.add("ime_keystroke_cpu_p99_ms", bench::percentile(key_cpu_ms, 99));
    report.add("ime_keystrokes", static_cast<double>(key_ms.size()));
  } else {
    std::fprintf(stderr, "bench: the on-screen keyboard did not open or a key was missing\n");
  }
  (void)app.tap("kb.cancel");

  // 4. Idle: home, nothing touched, the real event loop for idle_seconds.
  app.reset_resident();
  app.pump();
  const std::int64_t drawn = app.frames_drawn();
  const double cpu0 = cpu_seconds(), wall0 = bench::now_ms();
  app.run(idle_seconds * 1000);
  const double cpu = cpu_seconds() - cpu0, wall = bench::now_ms() - wall0;
  report.add("idle_cpu_pct", 100.0 * cpu * 1000.0 / wall);
  report.add("idle_frames", static_cast<double>(app.frames_drawn() - drawn));
  report.add("rss_mb", peak_rss_mb());
  report.add_text("video_driver", SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "?");
  report.add_text("resolution", "1920x1080");
  std::filesystem::remove_all(dir);
  return report.finish(json);
}
