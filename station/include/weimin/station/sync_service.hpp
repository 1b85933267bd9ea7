// SyncService: the station's background sync — the scheduler (nightly window with this
// station's offset, soon after the link returns, "sync now") and the link probe of the
// district's health endpoint, run on one background thread over the service's own Station
// connection. It implements SyncControl, so the kiosk's status bar reads the link state and
// asks for "sync now" without knowing how sync works.
// Thread-safety: status() and sync_now() may be called from any thread; the destructor stops
// and joins the thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "weimin/platform/clock.hpp"
#include "weimin/platform/key_store.hpp"
#include "weimin/station/station.hpp"
#include "weimin/station/sync_engine.hpp"
#include "weimin/station/sync_status.hpp"
#include "weimin/sync/link.hpp"
#include "weimin/sync/scheduler.hpp"

namespace weimin::station {

struct SyncServiceOptions {
  sync::ScheduleOptions schedule;
  sync::LinkProbeOptions probe;
  SyncOptions sync;
  // Digests are compared when the last comparison is older than this (once a night).
  std::int64_t anti_entropy_every_ms = 20 * 3600'000LL;
  // Makes the transport to the district; default: district_transport (HTTPS, pinned CA).
  std::function<Result<std::unique_ptr<sync::Transport>>(Station&)> transport;
  // The longest the thread sleeps between looks at the clock (real time).
  std::chrono::milliseconds tick{1000};
};

class SyncService final : public SyncControl {
 public:
  // Opens its own connection to the station in data_dir and starts the thread. Fails as
  // Station::open does.
  static Result<std::unique_ptr<SyncService>> start(const std::filesystem::path& data_dir,
                                                    platform::KeyStore& keys,
                                                    const platform::Clock& clock,
                                                    SyncServiceOptions options = {});
  ~SyncService() override;

  SyncStatus status() const override;
  void sync_now() override;

  // Syncs finished (with or without error) since start; the last report or error.
  int syncs_finished() const;
  // Waits (real time) until at least n syncs have finished. false on timeout.
  bool wait_for_syncs(int n, std::chrono::milliseconds timeout) const;
  std::string last_summary() const;
  // Waits (real time) until the status satisfies `done`, looked at each time the service
  // refreshes it (every step of its thread). false on timeout.
  bool wait_for_status(const std::function<bool(const SyncStatus&)>& done,
                       std::chrono::milliseconds timeout) const;

 private:
  SyncService(std::unique_ptr<Station> station, const platform::Clock& clock,
              SyncServiceOptions options);
  void loop();
  void step();
  void refresh_status(LinkState link);

  std::unique_ptr<Station> station_;
  const platform::Clock& clock_;
  SyncServiceOptions options_;
  std::unique_ptr<sync::Transport> transport_;
  std::unique_ptr<SyncEngine> engine_;
  std::unique_ptr<sync::Scheduler> scheduler_;
  sync::LinkProbe probe_;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool stop_ = false;
  bool now_requested_ = false;
  int finished_ = 0;
  SyncStatus status_;
  std::string last_summary_;
  std::thread thread_;
};

}  // namespace weimin::station
