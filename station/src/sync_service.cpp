#include "weimin/station/sync_service.hpp"

#include "weimin/storage/outbox.hpp"

namespace weimin::station {

Result<std::unique_ptr<SyncService>> SyncService::start(const std::filesystem::path& data_dir,
                                                        platform::KeyStore& keys,
                                                        const platform::Clock& clock,
                                                        SyncServiceOptions options) {
  WEIMIN_ASSIGN_OR_RETURN(auto station, Station::open(data_dir, keys, clock));
  if (!options.transport) options.transport = district_transport;
  std::unique_ptr<SyncService> service(
      new SyncService(std::move(station), clock, std::move(options)));
  service->refresh_status(LinkState::Unknown);
  service->thread_ = std::thread([s = service.get()] { s->loop(); });
  return service;
}

SyncService::SyncService(std::unique_ptr<Station> station, const platform::Clock& clock,
                         SyncServiceOptions options)
    : station_(std::move(station)),
      clock_(clock),
      options_(std::move(options)),
      probe_(options_.probe, std::hash<std::string>{}(station_->origin())) {}

SyncService::~SyncService() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

SyncStatus SyncService::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

void SyncService::sync_now() {
  {
    std::lock_guard lock(mu_);
    now_requested_ = true;
  }
  cv_.notify_all();
}

int SyncService::syncs_finished() const {
  std::lock_guard lock(mu_);
  return finished_;
}

bool SyncService::wait_for_syncs(int n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return finished_ >= n; });
}

std::string SyncService::last_summary() const {
  std::lock_guard lock(mu_);
  return last_summary_;
}

void SyncService::refresh_status(LinkState link) {
  auto read = read_sync_status(*station_);
  std::lock_guard lock(mu_);
  if (read.is_ok()) {
    const bool syncing = status_.syncing;
    status_ = *read;
    status_.syncing = syncing;
  }
  status_.link = status_.enrolled ? link : LinkState::NotEnrolled;
  cv_.notify_all();
}

bool SyncService::wait_for_status(const std::function<bool(const SyncStatus&)>& done,
                                  std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return done(status_); });
}

void SyncService::loop() {
  while (true) {
    step();
    std::unique_lock lock(mu_);
    if (stop_) return;
    std::int64_t wait_ms = options_.tick.count();
    const std::int64_t now = clock_.now_ms();
    if (scheduler_)
      wait_ms = std::min(wait_ms, std::max<std::int64_t>(0, scheduler_->due_ms() - now));
    if (transport_)
      wait_ms = std::min(wait_ms, std::max<std::int64_t>(0, probe_.next_probe_ms() - now));
    cv_.wait_for(lock, std::chrono::milliseconds(std::max<std::int64_t>(wait_ms, 10)),
                 [&] { return stop_ || now_requested_; });
    if (stop_) return;
  }
}

void SyncService::step() {
  const std::int64_t now = clock_.now_ms();
  if (!transport_) {
    auto state = load_sync_state(station_->db());
    auto made = options_.transport(*station_);
    if (!state.is_ok() || state->station_id.empty() || !made.is_ok()) {
      refresh_status(LinkState::NotEnrolled);
      std::lock_guard lock(mu_);
      if (now_requested_) {
        now_requested_ = false;
        ++finished_;
        last_summary_ = made.is_ok() ? "not enrolled" : made.status().message();
        cv_.notify_all();
      }
      return;
    }
    transport_ = std::move(made).value();
    engine_ = std::make_unique<SyncEngine>(*station_, *transport_);
    scheduler_ = std::make_unique<sync::Scheduler>(state->station_id, options_.schedule, now);
  }
  if (now >= probe_.next_probe_ms()) {
    const sync::LinkReport report = probe_.probe(engine_->client(), now);
    if (report.returned) scheduler_->link_returned(now);
    // Every answer tells the district's time: a clock set wrong (or right again) shows at once.
    if (report.up && engine_->client().clock_known()) {
      (void)record_district_clock(*station_, engine_->client().clock_offset_ms());
    }
    refresh_status(report.up ? LinkState::Up : LinkState::Down);
  }
  bool requested = false;
  {
    std::lock_guard lock(mu_);
    requested = now_requested_;
    now_requested_ = false;
  }
  if (requested) scheduler_->sync_now(now);
  auto stats = storage::Outbox::stats(station_->db());
  if (probe_.up() && stats.is_ok() && stats->pending() > 0) scheduler_->work_waiting(now);
  if (!scheduler_->is_due(now) || (!probe_.up() && !requested)) {
    refresh_status(probe_.known() ? (probe_.up() ? LinkState::Up : LinkState::Down)
                                  : LinkState::Unknown);
    return;
  }

  {
    std::lock_guard lock(mu_);
    status_.syncing = true;
  }
  SyncOptions options = options_.sync;
  auto last_digest = storage::Meta::get(station_->db(), kMetaLastDigestMs);
  const std::int64_t last_digest_ms =
      last_digest.is_ok() && *last_digest && !(*last_digest)->empty() ? std::stoll(**last_digest)
                                                                      : 0;
  options.anti_entropy = now - last_digest_ms >= options_.anti_entropy_every_ms;
  options.on_progress = [this](const SyncProgress& p) {
    std::lock_guard lock(mu_);
    status_.progress = p;
    cv_.notify_all();
  };
  auto result = engine_->run(options);
  const std::int64_t after = clock_.now_ms();
  scheduler_->finished(result.is_ok(), after);
  const bool reached = result.is_ok() || result.status().code() != ErrorCode::Unavailable;
  (void)probe_.observe(reached, result.is_ok() ? "" : result.status().message(), after);
  {
    std::lock_guard lock(mu_);
    status_.syncing = false;
    ++finished_;
    last_summary_ = result.is_ok() ? result->summary() : result.status().message();
  }
  refresh_status(reached ? LinkState::Up : LinkState::Down);
  cv_.notify_all();
}

}  // namespace weimin::station
