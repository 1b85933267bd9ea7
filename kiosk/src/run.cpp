#include "weimin/kiosk/run.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "weimin/kiosk/app.hpp"
#include "weimin/kiosk/speech.hpp"
#include "weimin/platform/announcer.hpp"
#include "weimin/platform/card_reader.hpp"
#include "weimin/platform/clock.hpp"
#include "weimin/platform/data_files.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/platform/ticket_printer.hpp"
#include "weimin/station/sync_service.hpp"

namespace weimin::kiosk {
namespace {

int fail(const std::string& message) {
  std::cerr << "weimin-kiosk: " << message << "\n";
  return 1;
}

bool parse_size(const std::string& text, AppOptions& options) {
  int w = 0, h = 0;
  if (std::sscanf(text.c_str(), "%dx%d", &w, &h) != 2 || w < 640 || h < 480) return false;
  options.width = w;
  options.height = h;
  return true;
}

// Without a display, SDL draws off screen (the software renderer's pixels are the same).
void choose_headless_driver() {
  if (std::getenv("SDL_VIDEODRIVER")) return;
  if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY"))
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
}

}  // namespace

int kiosk_main(int argc, char** argv) {
  CLI::App cli{"weimin-kiosk: the community service station's touchscreen kiosk (为民)"};
  std::string data_dir, key_file, tour_dir,
      size = "1280x800", font, catalog = platform::shared_data_file("catalog/wuhua.json").string();
  std::string printer;
  bool board = false, fullscreen = false, voice = false, no_sync = false, handheld = false;
  bool board_beside = false;
  int window = 1, kiosk_display = 1;
  cli.add_option("--data", data_dir, "the station's data folder (made by `weimin init`)");
  cli.add_option("--key-file", key_file, "the key-encryption key file (default: DATA.kek)");
  cli.add_flag("--board", board, "show the calling board instead of the kiosk");
  cli.add_flag("--board-on-second-display", board_beside,
               "the kiosk on the first display and the calling board on the second, from one "
               "window spanning both (under cage, which spans every output; the unit "
               "weimin-kiosk.service does this); with one display, the kiosk alone");
  cli.add_option("--kiosk-display", kiosk_display,
                 "with --board-on-second-display: the display (1, 2, ...) that is the "
                 "touchscreen; the board takes the first other one (default 1)");
  cli.add_flag("--handheld", handheld,
               "a grid worker's handheld: portrait layout (default 720x1280) for rounds");
  cli.add_option("--window", window, "the service window this console serves");
  auto* size_option = cli.add_option("--size", size,
                                     "window size in pixels, WxH (the tour: only this size; "
                                     "default 1280x800, 1920x1080 and 1080x1920)");
  cli.add_flag("--fullscreen", fullscreen, "fill the screen");
  cli.add_option("--font", font, "a CJK font file (default: fonts-wqy-microhei's)");
  std::string card_reader;
  cli.add_option(
      "--card-reader", card_reader,
      "identity card reader: the simulator's file or FIFO of card records (one JSON a line)");
  cli.add_option("--printer", printer,
                 "ticket printer: a device (/dev/usb/lp0) or a file to append jobs to");
  cli.add_flag("--voice", voice,
               "speak with espeak-ng through the sound device: the board announces calls, the "
               "kiosk speaks its prompts when a resident turns voice on");
  cli.add_flag("--no-sync", no_sync, "do not start the background sync with the district");
  cli.add_option("--tour", tour_dir,
                 "render every screen in every theme and language to PNG files here");
  cli.add_option("--catalog", catalog, "catalog for the tour's demo station");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  AppOptions options;
  if (handheld && size_option->count() == 0) size = "720x1280";
  if (!parse_size(size, options))
    return fail("--size must be WxH, at least 640x480, e.g. 1920x1080; got " + size);
  options.font_path = font;
  options.fullscreen = fullscreen;
  options.staff_window = window;
  options.mode = board ? Mode::Board : Mode::Kiosk;
  options.handheld = handheld && !board;
  if (board_beside && (board || handheld))
    return fail(
        "--board-on-second-display shows the kiosk and the board together; leave out "
        "--board and --handheld");
  if (kiosk_display < 1)
    return fail("--kiosk-display counts from 1 (the first display); got " +
                std::to_string(kiosk_display));
  options.board_on_second_display = board_beside;
  options.kiosk_display = kiosk_display - 1;

  if (!tour_dir.empty()) {
    choose_headless_driver();
    std::ifstream in(catalog);
    if (!in) return fail("cannot read the catalog " + catalog + "; pass --catalog FILE");
    std::stringstream text;
    text << in.rdbuf();
    const auto start = std::chrono::steady_clock::now();
    TourOptions tour;
    if (size_option->count() == 0) tour.sizes = {{1280, 800}, {1920, 1080}, {1080, 1920}};
    auto written = run_tour(tour_dir, text.str(), options, tour);
    if (!written.is_ok()) return fail(written.status().to_string());
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    std::cout << "wrote " << written->size() << " screens to " << tour_dir << " in " << ms
              << " ms\n";
    return 0;
  }
  if (data_dir.empty())
    return fail("--data DIR is required (the folder `weimin init` made), or --tour OUT_DIR");
  if (key_file.empty()) {
    std::string d = data_dir;
    while (d.size() > 1 && d.back() == '/') d.pop_back();
    key_file = d + ".kek";
    if (const char* env = std::getenv("WEIMIN_KEY_FILE")) key_file = env;
  }
  platform::SystemClock clock;
  platform::FileKeyStore keys(key_file, data_dir);
  auto station = station::Station::open(data_dir, keys, clock);
  if (!station.is_ok()) return fail(station.status().to_string());
  // Devices and sync, each optional; the kiosk runs without any of them.
  Devices devices;
  std::unique_ptr<platform::CardReader> reader;
  if (!card_reader.empty()) {
    reader = std::make_unique<platform::CardReaderSimulator>(card_reader);
    devices.card_reader = reader.get();
  }
  std::unique_ptr<platform::TicketPrinter> ticket_printer;
  if (!printer.empty()) {
    if (printer.rfind("/dev/", 0) == 0)
      ticket_printer = std::make_unique<platform::DevicePrinter>(printer);
    else
      ticket_printer = std::make_unique<platform::FilePrinter>(printer);
    devices.printer = ticket_printer.get();
  }
  std::unique_ptr<platform::Announcer> announcer;
  if (voice) {
    auto player = SdlSpeechPlayer::open();
    if (!player.is_ok()) return fail(player.status().to_string() + "; run without --voice");
    announcer = platform::make_espeak_announcer(player.value());
    devices.announcer = announcer.get();
  }
  std::unique_ptr<station::SyncService> sync;
  if (!no_sync && !board) {
    auto started = station::SyncService::start(data_dir, keys, clock);
    if (!started.is_ok()) return fail(started.status().to_string() + "; or run with --no-sync");
    sync = std::move(started).value();
  }
  auto app = App::create(*station.value(), clock, devices, sync.get(), options);
  if (!app.is_ok()) return fail(app.status().to_string());
  app.value()->run();
  return 0;
}

}  // namespace weimin::kiosk
