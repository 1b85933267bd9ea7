// weimin say | print ticket | print receipt | card read: the station's devices from a shell,
// without opening the station (for setting up and checking a kiosk's speaker, printer and
// identity card reader).
#include <chrono>
#include <thread>

#include "context.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/platform/announcer.hpp"
#include "weimin/platform/card_reader.hpp"
#include "weimin/platform/ticket_printer.hpp"

namespace weimin::cli {
namespace {

// The device commands never open the station; run_cli asks for a data folder before any
// command runs, so these commands stand in a placeholder that nothing reads.
void no_station_needed(Context& ctx) {
  if (ctx.data_dir.empty()) ctx.data_dir = "(device commands use no data folder)";
}

// `weimin say [TEXT] [--ticket A012 --window 2] [--english] --wav FILE`
void add_say(CLI::App& app, Context& ctx) {
  struct Options {
    std::string text, ticket, window, wav;
    bool english = false;
    int rate = 150, volume = 100;
  };
  auto o = std::make_shared<Options>();
  auto* say = app.add_subcommand(
      "say", "render an announcement with espeak-ng (Mandarin pinyin voice, or English) to WAV");
  say->add_option("text", o->text,
                  "what to say: pinyin with tone digits (qing3 ...) or Chinese, or English text");
  say->add_option("--ticket", o->ticket, "say the call of this ticket instead, e.g. A012");
  say->add_option("--window", o->window, "the window the ticket is called to, e.g. 2");
  say->add_flag("--english", o->english, "use the English voice");
  say->add_option("--rate", o->rate, "words per minute, 80-450")->capture_default_str();
  say->add_option("--volume", o->volume, "0-200")->capture_default_str();
  say->add_option("--wav", o->wav, "the WAV file to write")->required();
  say->callback([&ctx, o] {
    no_station_needed(ctx);
    ctx.action = [&ctx, o] {
      const auto language =
          o->english ? platform::SpeechLanguage::English : platform::SpeechLanguage::Chinese;
      std::string text = o->text;
      if (!o->ticket.empty() || !o->window.empty()) {
        auto call = platform::call_text({o->ticket, o->window, language});
        if (!call.is_ok()) return ctx.refuse(call.status());
        text = *call;
      }
      if (text.empty()) {
        return ctx.refuse(Status(ErrorCode::Invalid,
                                 "nothing to say: give TEXT, or --ticket and --window"));
      }
      auto speech = platform::render_speech(text, language, {o->volume, o->rate});
      if (!speech.is_ok()) return ctx.refuse(speech.status());
      Status written = platform::write_wav(o->wav, *speech);
      if (!written.is_ok()) return ctx.refuse(written);
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%.2f", speech->seconds());
      return ctx.print({{"wav", o->wav},
                        {"text", text},
                        {"seconds", speech->seconds()},
                        {"sample_rate", speech->sample_rate}},
                       "wrote " + o->wav + " (" + seconds + " s): " + text);
    };
  });
}

// Where a print goes: --out FILE (appended) or --device PATH (an existing printer device).
struct Target {
  std::string out, device;
  int timeout_ms = 3000;
};

void add_target_options(CLI::App* cmd, Target& t) {
  auto* out = cmd->add_option("--out", t.out, "append the ESC/POS bytes to this file");
  auto* device =
      cmd->add_option("--device", t.device, "print on this printer device, e.g. /dev/usb/lp0");
  out->excludes(device);
  cmd->add_option("--timeout-ms", t.timeout_ms, "how long the device may take")
      ->capture_default_str();
}

std::unique_ptr<platform::TicketPrinter> make_printer(const Target& t) {
  if (!t.out.empty()) return std::make_unique<platform::FilePrinter>(t.out);
  if (!t.device.empty()) {
    return std::make_unique<platform::DevicePrinter>(t.device,
                                                     std::chrono::milliseconds(t.timeout_ms));
  }
  return std::make_unique<platform::NullPrinter>();
}

// `weimin print ticket|receipt ... --out FILE | --device PATH`
void add_print(CLI::App& app, Context& ctx) {
  auto* print = app.add_subcommand("print", "print a ticket or a case receipt (ESC/POS, GB18030)");
  print->require_subcommand(1);

  auto t = std::make_shared<std::pair<platform::TicketSlip, Target>>();
  t->first.station_name = "社区为民服务站";
  auto* ticket = print->add_subcommand("ticket", "print a queue ticket");
  ticket->add_option("--label", t->first.ticket_label, "the ticket number, e.g. A012")
      ->required();
  ticket->add_option("--line-name", t->first.line_name, "the service line, e.g. 社会事务");
  ticket->add_option("--ahead", t->first.waiting_ahead, "people ahead");
  ticket->add_option("--station", t->first.station_name, "the station's name")
      ->capture_default_str();
  ticket->add_option("--at", t->first.issued_at, "issue time as printed (default: now)");
  ticket->add_option("--note", t->first.note, "an extra line, e.g. 优先");
  ticket->add_flag("--english", t->first.english, "English labels");
  add_target_options(ticket, t->second);
  ticket->callback([&ctx, t] {
    no_station_needed(ctx);
    ctx.action = [&ctx, t] {
      platform::TicketSlip slip = t->first;
      if (slip.issued_at.empty()) slip.issued_at = core::local_date_time(ctx.clock.now_ms());
      auto printer = make_printer(t->second);
      Status st = printer->print_ticket(slip);
      if (!st.is_ok()) return ctx.refuse(st);
      return ctx.print({{"printed", slip.ticket_label}, {"printer", printer->describe()}},
                       "printed ticket " + slip.ticket_label + " on " + printer->describe());
    };
  });

  auto r = std::make_shared<std::pair<platform::CaseReceiptSlip, Target>>();
  r->first.station_name = "社区为民服务站";
  auto* receipt = print->add_subcommand("receipt", "print a case receipt with a QR code");
  receipt->add_option("--tracking", r->first.tracking_number, "the case's tracking number")
      ->required();
  receipt->add_option("--summary", r->first.summary, "the request in short");
  receipt->add_option("--phone", r->first.masked_phone, "the resident's phone (printed masked)");
  receipt->add_option("--station", r->first.station_name, "the station's name")
      ->capture_default_str();
  receipt->add_option("--at", r->first.submitted_at, "submission time (default: now)");
  receipt->add_option("--follow-up", r->first.follow_up, "how to follow the case");
  receipt->add_flag("--english", r->first.english, "English labels");
  add_target_options(receipt, r->second);
  receipt->callback([&ctx, r] {
    no_station_needed(ctx);
    ctx.action = [&ctx, r] {
      platform::CaseReceiptSlip slip = r->first;
      if (slip.submitted_at.empty()) slip.submitted_at = core::local_date_time(ctx.clock.now_ms());
      auto printer = make_printer(r->second);
      Status st = printer->print_receipt(slip);
      if (!st.is_ok()) return ctx.refuse(st);
      return ctx.print({{"printed", slip.tracking_number}, {"printer", printer->describe()}},
                       "printed the receipt of " + slip.tracking_number + " on " +
                           printer->describe());
    };
  });
}

// `weimin card read --from FILE|FIFO [--wait-ms N]`
void add_card(CLI::App& app, Context& ctx) {
  auto* card = app.add_subcommand("card", "the identity card reader");
  card->require_subcommand(1);
  struct Options {
    std::string from;
    int wait_ms = 0;
  };
  auto o = std::make_shared<Options>();
  auto* read = card->add_subcommand(
      "read", "read one card record (JSON line) from the simulator's file or FIFO; prints the "
              "number masked");
  read->add_option("--from", o->from, "the simulator's file or FIFO")->required();
  read->add_option("--wait-ms", o->wait_ms, "wait this long for a card")->capture_default_str();
  read->callback([&ctx, o] {
    no_station_needed(ctx);
    ctx.action = [&ctx, o] {
      platform::CardReaderSimulator reader(o->from,
                                           platform::CardReaderSimulator::StartAt::Beginning);
      const auto deadline =
          std::chrono::steady_clock::now() + std::chrono::milliseconds(o->wait_ms);
      for (;;) {
        auto got = reader.poll(core::local_date(ctx.clock.now_ms()));
        if (!got.is_ok()) return ctx.refuse(got.status());
        if (got->has_value()) {
          const platform::CardRead& c = **got;
          const char* sex = c.identity.sex == core::Sex::Male ? "male" : "female";
          return ctx.print({{"id_number", c.masked()},
                            {"name", c.name},
                            {"birth_date", c.identity.birth_date.to_string()},
                            {"sex", sex},
                            {"region_code", c.identity.region_code}},
                           c.masked() + "  " + c.name + "  " +
                               c.identity.birth_date.to_string() + "  " + sex);
        }
        if (std::chrono::steady_clock::now() >= deadline) {
          return ctx.refuse(Status(ErrorCode::NotFound, "no card was read from " + o->from));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    };
  });
}

}  // namespace

void add_device_commands(CLI::App& app, Context& ctx) {
  add_say(app, ctx);
  add_print(app, ctx);
  add_card(app, ctx);
}

}  // namespace weimin::cli
