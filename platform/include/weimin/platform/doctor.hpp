// The checks `weimin doctor` and `weimin-district doctor` share: each gives a Finding — ok, a
// warning, a failure or skipped — and, for a problem, what to do about it.
// Thread-safety: pure functions of their arguments and the file system.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace weimin::platform {

enum class Verdict { Ok, Warn, Fail, Skipped };
// "ok", "warn", "fail", "skipped".
std::string_view to_string(Verdict v);

struct Finding {
  std::string check;  // e.g. "key file"
  Verdict verdict = Verdict::Ok;
  std::string detail;
  std::string todo;  // what to do; empty when nothing is to be done
};

// A folder (0700 at most) or file (0600 at most) that only its owner, the user running this,
// may reach. A missing path fails with `missing_todo`.
Finding check_private_path(std::string check, const std::filesystem::path& path, bool folder,
                           std::string missing_todo);

// Free space where `folder` lies: fails under 256 MiB, warns under a tenth of the disk.
Finding check_disk(const std::filesystem::path& folder, std::string_view when_full);

// A PEM certificate (`what`: "the pinned CA", "the server certificate"): it parses and is valid
// now (fails) and for 30 more days (warns). now_s: Unix seconds.
Finding check_certificate(std::string check, std::string_view pem, std::string_view what,
                          std::string renew_todo, std::int64_t now_s);

// A PEM private key that goes with the PEM certificate.
Finding check_key_matches(std::string check, std::string_view cert_pem, std::string_view key_pem);

// A printer device that exists and this user may write; Skipped when `device` is empty.
Finding check_printer(const std::string& device);

// {"ok": no finding failed, "checks": [{check, verdict, detail, todo}, …]}: what --json prints.
nlohmann::json findings_json(const std::vector<Finding>& findings);

// True when a finding failed.
bool any_failed(const std::vector<Finding>& findings);
// One line a finding ("ok   check: detail", "FAIL …", "WARN …", "--   …"), its todo under it
// after "→", and a closing line: `healthy` or that something is wrong.
std::string findings_text(const std::vector<Finding>& findings, std::string_view healthy);

}  // namespace weimin::platform
