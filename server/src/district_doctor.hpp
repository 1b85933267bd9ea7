// weimin-district doctor: what a district server needs to serve — its data folder and key file
// modes (embedded store), the store (opens, passes its own check, has an epoch and a published
// catalog), the server certificate and its key, the clock, disk space — as the shared doctor
// findings (platform/doctor.hpp).
// Thread-safety: a plain function; opens the store through the function it is given.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "weimin/core/result.hpp"
#include "weimin/platform/doctor.hpp"
#include "weimin/server/store.hpp"

namespace weimin::server {

struct DistrictDoctorInput {
  std::string data_dir;  // the embedded store's folder; empty for a PostgreSQL store
  std::string key_file;  // its key-encryption key file
  std::string cert;      // the server certificate chain (PEM) serve uses, or empty: not checked
  std::string key;       // its private key (PEM)
  std::int64_t now_ms = 0;
  // Where the clock's synchronisation is recorded (systemd-timesyncd's flag file).
  std::string time_synced_flag = "/run/systemd/timesync/synchronized";
  std::function<Result<std::unique_ptr<DistrictStore>>()> open_store;
};

std::vector<platform::Finding> district_doctor(const DistrictDoctorInput& in);

}  // namespace weimin::server
