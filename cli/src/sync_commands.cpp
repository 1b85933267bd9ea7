// weimin enroll | sync | sync status: the station's link to its district (docs/SYNC.md).
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "context.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/station/sync_engine.hpp"
#include "weimin/station/sync_status.hpp"
#include "weimin/sync/transport_curl.hpp"

namespace weimin::cli {
namespace {

Result<std::string> read_ca_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status(ErrorCode::NotFound,
                  "cannot read the district CA file '" + path +
                      "'; give the PEM file the district handed out with --ca");
  }
  std::stringstream s;
  s << in.rdbuf();
  if (s.str().find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return Status(ErrorCode::Invalid, "'" + path +
                                          "' holds no PEM certificate; --ca needs the "
                                          "district's CA certificate");
  }
  return s.str();
}

void add_enroll(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "enroll", "enrol this station with its district server (once, with a one-time token)");
  struct Options {
    std::string server, token, ca;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("--server", o->server, "the district's URL, e.g. https://district:8443")
      ->required();
  cmd->add_option("--token", o->token, "the one-time enrolment token from the district")
      ->required();
  cmd->add_option("--ca", o->ca, "the district's CA certificate (PEM) to pin")->required();
  cmd->callback([&ctx, o] {
    ctx.action = [&ctx, o] {
      Status url = sync::check_district_url(o->server);  // before the token goes anywhere
      if (!url.is_ok()) return ctx.refuse(url);
      auto ca = read_ca_file(o->ca);
      if (!ca.is_ok()) return ctx.refuse(ca.status());
      return with_station(ctx, [&](station::Station& station) {
        auto transport = sync::CurlTransport::make({o->server, *ca});
        if (!transport.is_ok()) return ctx.refuse(transport.status());
        auto enrolled = station::enroll_station(station, **transport, {o->server, o->token, *ca});
        if (!enrolled.is_ok()) return ctx.refuse(enrolled.status());
        return ctx.print({{"station_id", enrolled->station_id},
                          {"district", enrolled->district},
                          {"epoch", enrolled->epoch},
                          {"server", o->server}},
                         "enrolled as " + enrolled->station_id + " with district " +
                             enrolled->district + " at " + o->server +
                             "\nthe district CA is pinned; run 'weimin sync' to send and fetch");
      });
    };
  });
}

void add_sync(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("sync", "sync with the district now and print what moved");
  auto digests = std::make_shared<bool>(false);
  cmd->add_flag("--digests", *digests,
                "also compare per-day digests with the district and repair differences");
  cmd->callback([&ctx, digests, cmd] {
    if (cmd->get_subcommands().size() > 0) return;  // `sync status`
    ctx.action = [&ctx, digests] {
      return with_station(ctx, [&](station::Station& station) {
        auto transport = station::district_transport(station);
        if (!transport.is_ok()) return ctx.refuse(transport.status());
        station::SyncEngine engine(station, **transport);
        station::SyncOptions options;
        options.anti_entropy = *digests;
        // A long push (a station back after weeks offline) says how far it is, every 10 %.
        int shown = -1;
        options.on_progress = [&ctx, &shown](const station::SyncProgress& p) {
          const int step = p.percent() / 10;
          if (p.total < 10'000 || step == shown) return;
          shown = step;
          ctx.io.err << "weimin: sent " << p.sent << " of " << p.total << " facts (" << p.percent()
                     << " %)\n"
                     << std::flush;
        };
        auto report = engine.run(options);
        if (!report.is_ok()) return ctx.refuse(report.status());
        return ctx.print(report->to_json(), report->summary());
      });
    };
  });

  auto* status = cmd->add_subcommand("status",
                                     "what this station knows of its sync, and what "
                                     "the district says when it can be reached");
  status->callback([&ctx] {
    ctx.action = [&ctx] {
      return with_station(ctx, [&](station::Station& station) {
        auto local = station::read_sync_status(station);
        if (!local.is_ok()) return ctx.refuse(local.status());
        auto state = station::load_sync_state(station.db());
        if (!state.is_ok()) return ctx.refuse(state.status());
        nlohmann::json j = {{"enrolled", local->enrolled},     {"server", local->server},
                            {"station_id", state->station_id}, {"epoch", state->epoch},
                            {"pull_after", state->pull_after}, {"pending", local->pending},
                            {"last_error", local->last_error}};
        std::string text;
        if (!local->enrolled) {
          text =
              "not enrolled with a district; run: weimin enroll --server URL --token T --ca FILE\n";
        } else {
          text = "district: " + local->server + " as " + state->station_id + "\n";
        }
        text += "waiting to sync: " + std::to_string(local->pending) + " facts\n";
        if (local->progress) {
          const station::SyncProgress& p = *local->progress;
          j["progress"] = {
              {"sent", p.sent}, {"total", p.total}, {"percent", p.percent()}, {"at_ms", p.at_ms}};
          text += "syncing now: " + std::to_string(p.sent) + " of " + std::to_string(p.total) +
                  " facts sent (" + std::to_string(p.percent()) + " %), last page at " +
                  core::local_date_time(p.at_ms).substr(11, 5) + "\n";
        }
        if (local->last_ok_ms) {
          j["last_ok_ms"] = *local->last_ok_ms;
          text += "last good sync: " + core::local_date_time(*local->last_ok_ms) + "\n";
        } else {
          text += "last good sync: never\n";
        }
        if (!local->last_error.empty()) text += "last error: " + local->last_error + "\n";
        j["left_out"] = local->left_out;
        if (local->left_out > 0) {
          text += "left out by the district: " + std::to_string(local->left_out) +
                  " facts this release does not know; upgrade this station to the district's "
                  "release (its next sync fetches them)\n";
        }
        if (local->enrolled) {
          auto transport = station::district_transport(station);
          if (transport.is_ok()) {
            station::SyncEngine engine(station, **transport);
            auto health = engine.client().health();
            j["link"] = health.is_ok() ? "up" : "down";
            text += "link: " + std::string(health.is_ok() ? "up" : "down");
            if (!health.is_ok()) text += " (" + health.status().message() + ")";
            text += "\n";
            if (health.is_ok()) {
              j["district_epoch"] = health->epoch;
              if (engine.client().clock_known()) {
                local->clock_offset_ms = engine.client().clock_offset_ms();
                local->clock_off = station::clock_is_off(*local->clock_offset_ms);
                (void)station::record_district_clock(station, *local->clock_offset_ms);
              }
              if (health->epoch != state->epoch && !state->epoch.empty()) {
                text +=
                    "the district was restored from a backup; the next sync sends this "
                    "station's facts again\n";
              }
            }
          }
        }
        // The clock as last measured (by this look, a sync or the kiosk's link probe).
        j["clock_off"] = local->clock_off;
        if (local->clock_offset_ms) {
          const std::int64_t offset = *local->clock_offset_ms;
          j["clock_offset_ms"] = offset;
          j["clock_skew_ms"] = -offset;  // the station's clock minus the district's
          if (local->clock_off) {
            text += "clock: OFF — " + std::to_string((std::abs(offset) + 30'000) / 60'000) +
                    " minutes " + (offset < 0 ? "ahead of" : "behind") +
                    " the district's; set the station's clock (new records use the district's "
                    "time until then)\n";
          } else {
            text += "clock: within " + std::to_string(std::abs(offset) / 1000) +
                    " s of the district's\n";
          }
        }
        if (!text.empty() && text.back() == '\n') text.pop_back();
        return ctx.print(j, text);
      });
    };
  });
}

}  // namespace

void add_sync_commands(CLI::App& app, Context& ctx) {
  add_enroll(app, ctx);
  add_sync(app, ctx);
}

}  // namespace weimin::cli
