// weimin doctor: checks what a station needs to work — its data folder and key file modes, the
// store (opens, integrity, facts waiting to sync), the pinned district CA, the clock against the
// district, disk space, the ticket printer and the voice — and says what to do about each
// problem (platform/doctor.hpp). Exit 1 when something fails; warnings alone exit 0.
#include <filesystem>
#include <memory>
#include <vector>

#include "context.hpp"
#include "weimin/platform/announcer.hpp"
#include "weimin/platform/doctor.hpp"
#include "weimin/station/sync_state.hpp"
#include "weimin/station/sync_status.hpp"
#include "weimin/storage/facts.hpp"

namespace weimin::cli {
namespace {

namespace fs = std::filesystem;
using platform::Finding;
using platform::Verdict;

Finding pinned_ca(const std::string& pem, std::int64_t now_ms) {
  if (pem.empty()) {
    return {"district CA", Verdict::Warn, "this station is not enrolled with a district yet",
            "enrol it: weimin enroll --server URL --token TOKEN --ca CA.pem"};
  }
  return platform::check_certificate("district CA", pem, "the pinned district CA",
                                     "ask the district for its CA file and enrol again "
                                     "(weimin enroll … --ca CA.pem)",
                                     now_ms / 1000);
}

Finding clock(const std::optional<station::ClockOffset>& offset, std::int64_t now_ms) {
  if (!offset) {
    return {"clock", Verdict::Warn, "never compared with the district's", "sync once: weimin sync"};
  }
  const std::int64_t s = offset->offset_ms / 1000;
  const std::string off = (s >= 0 ? "+" : "") + std::to_string(s) + " s against the district";
  if (station::clock_is_off(offset->offset_ms)) {
    return {"clock", Verdict::Fail, off + ": beyond the 5 minutes allowed",
            "set the clock (timedatectl set-ntp true, or date -s) and sync again"};
  }
  if (now_ms - offset->measured_ms > 7LL * 86'400'000) {
    return {"clock", Verdict::Warn, off + ", last measured more than a week ago",
            "sync to measure it again: weimin sync"};
  }
  return {"clock", Verdict::Ok, off, ""};
}

Finding voice() {
  auto speech = platform::render_speech("qing3", platform::SpeechLanguage::Chinese, {});
  if (!speech.is_ok()) {
    return {"voice", Verdict::Fail, speech.status().message(),
            "install espeak-ng (apt install espeak-ng)"};
  }
  return {"voice", Verdict::Ok, "espeak-ng speaks Mandarin", ""};
}

// The store's checks: it opens, passes its integrity check, its outbox drains, and what the
// last sync recorded about the district's CA and clock.
void store_checks(Context& ctx, std::vector<Finding>& found) {
  auto station = ctx.open_station();
  if (!station.is_ok()) {
    found.push_back({"store", Verdict::Fail, station.status().message(), ""});
    return;
  }
  auto& db = (*station)->db();
  auto integrity = db.integrity_check();
  if (!integrity.is_ok() || *integrity != "ok") {
    found.push_back({"store", Verdict::Fail,
                     integrity.is_ok() ? *integrity : integrity.status().message(),
                     "stop the kiosk, keep a copy of the data folder and restore the last "
                     "backup (docs/DEPLOY.md)"});
  } else {
    found.push_back({"store", Verdict::Ok, "opens; integrity ok", ""});
  }
  if (auto status = station::read_sync_status(**station); status.is_ok()) {
    const bool stale =
        status->pending > 0 &&
        (!status->last_ok_ms || ctx.clock.now_ms() - *status->last_ok_ms > 2LL * 86'400'000);
    std::string detail = std::to_string(status->pending) + " facts waiting to sync";
    if (!status->last_error.empty()) detail += "; the last sync failed: " + status->last_error;
    found.push_back({"sync", stale ? Verdict::Warn : Verdict::Ok, detail,
                     stale ? "no good sync for two days: check the link, then weimin sync" : ""});
  } else {
    found.push_back({"sync", Verdict::Fail, status.status().message(), ""});
  }
  auto ca = storage::Meta::get(db, station::kMetaCaPem);
  found.push_back(ca.is_ok() ? pinned_ca(ca->value_or(""), ctx.clock.now_ms())
                             : Finding{"district CA", Verdict::Fail, ca.status().message(), ""});
  auto offset = station::load_clock_offset(db);
  found.push_back(offset.is_ok() ? clock(*offset, ctx.clock.now_ms())
                                 : Finding{"clock", Verdict::Fail, offset.status().message(), ""});
}

void add_doctor(CLI::App& app, Context& ctx) {
  auto printer = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "doctor",
      "check the station: data folder and key file modes, the store, the district CA, the clock, "
      "disk space, printer and voice; says what to do about each problem (exit 1 if any fails)");
  cmd->add_option("--printer", *printer, "also check this ticket printer device");
  cmd->callback([&ctx, printer] {
    ctx.action = [&ctx, printer] {
      std::vector<Finding> found;
      found.push_back(platform::check_private_path(
          "data folder", ctx.data_dir, true,
          "give the station's data folder with --data (made by weimin init)"));
      found.push_back(platform::check_private_path(
          "key file", ctx.resolved_key_file(), false,
          "without its key file the store cannot be opened: put back the copy kept when the "
          "station was set up, or give it with --key-file"));
      // Opening with a missing key file would make a new key: the store is opened only when
      // both are in order.
      if (found[0].verdict == Verdict::Ok && found[1].verdict == Verdict::Ok) {
        store_checks(ctx, found);
      }
      found.push_back(platform::check_disk(
          fs::exists(ctx.data_dir) ? fs::path(ctx.data_dir) : fs::current_path(),
          "the station stops taking tickets when it is full"));
      found.push_back(platform::check_printer(*printer));
      found.push_back(voice());

      const bool failed = platform::any_failed(found);
      ctx.print(platform::findings_json(found),
                platform::findings_text(found, "the station looks healthy"));
      return failed ? 1 : 0;
    };
  });
}

}  // namespace

void add_doctor_commands(CLI::App& app, Context& ctx) {
  add_doctor(app, ctx);
}

}  // namespace weimin::cli
