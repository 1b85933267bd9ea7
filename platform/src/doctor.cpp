// The shared doctor checks: see doctor.hpp.
#include "weimin/platform/doctor.hpp"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <memory>
#include <system_error>

namespace weimin::platform {

namespace fs = std::filesystem;

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::Ok:
      return "ok";
    case Verdict::Warn:
      return "warn";
    case Verdict::Fail:
      return "fail";
    case Verdict::Skipped:
      return "skipped";
  }
  return "fail";
}

namespace {

std::string octal_mode(mode_t m) {
  char s[8];
  std::snprintf(s, sizeof s, "%04o", static_cast<unsigned>(m & 07777));
  return s;
}

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
Bio bio_of(std::string_view pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
}

}  // namespace

Finding check_private_path(std::string check, const fs::path& path, bool folder,
                           std::string missing_todo) {
  struct stat st {};
  const std::string quoted = "'" + path.string() + "'";
  if (path.empty() || ::stat(path.c_str(), &st) != 0) {
    return {std::move(check), Verdict::Fail, quoted + " does not exist", std::move(missing_todo)};
  }
  if (folder != S_ISDIR(st.st_mode)) {
    return {std::move(check), Verdict::Fail, quoted + " is not a " + (folder ? "folder" : "file"),
            std::move(missing_todo)};
  }
  if (st.st_uid != ::geteuid()) {
    return {std::move(check), Verdict::Fail,
            quoted + " belongs to user " + std::to_string(st.st_uid) +
                ", not to the user running this (" + std::to_string(::geteuid()) + ")",
            "run it as the user that owns the data (sudo -u weimin …)"};
  }
  if ((st.st_mode & 077) != 0) {
    return {std::move(check), Verdict::Fail,
            quoted + " has mode " + octal_mode(st.st_mode) + ": other users may read it",
            std::string("chmod ") + (folder ? "700 " : "600 ") + quoted};
  }
  return {std::move(check), Verdict::Ok, quoted + " " + octal_mode(st.st_mode), ""};
}

Finding check_disk(const fs::path& folder, std::string_view when_full) {
  std::error_code ec;
  const auto room = fs::space(folder, ec);
  if (ec) return {"disk", Verdict::Fail, "cannot read the free space: " + ec.message(), ""};
  const std::string detail = std::to_string(room.available >> 20) + " MiB free of " +
                             std::to_string(room.capacity >> 20) + " MiB";
  if ((room.available >> 20) < 256) {
    return {"disk", Verdict::Fail, detail, "free space on this disk: " + std::string(when_full)};
  }
  if (room.available < room.capacity / 10) {
    return {"disk", Verdict::Warn, detail, "free space on this disk soon"};
  }
  return {"disk", Verdict::Ok, detail, ""};
}

Finding check_certificate(std::string check, std::string_view pem, std::string_view what,
                          std::string renew_todo, std::int64_t now_s) {
  auto bio = bio_of(pem);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr, &X509_free);
  if (!cert) {
    return {std::move(check), Verdict::Fail,
            std::string(what) + " does not parse as a PEM certificate", std::move(renew_todo)};
  }
  const std::time_t now = static_cast<std::time_t>(now_s);
  int days = 0, secs = 0;
  std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> at(ASN1_TIME_set(nullptr, now),
                                                           &ASN1_TIME_free);
  if (!at || !ASN1_TIME_diff(&days, &secs, at.get(), X509_get0_notAfter(cert.get()))) {
    return {std::move(check), Verdict::Fail, "cannot read when " + std::string(what) + " expires",
            std::move(renew_todo)};
  }
  if (X509_cmp_time(X509_get0_notBefore(cert.get()), const_cast<std::time_t*>(&now)) > 0) {
    return {std::move(check), Verdict::Fail, std::string(what) + " is not valid yet",
            "check this machine's clock"};
  }
  if (days < 0 || secs < 0) {
    return {std::move(check), Verdict::Fail, std::string(what) + " has expired",
            std::move(renew_todo)};
  }
  if (days < 30) {
    return {std::move(check), Verdict::Warn,
            std::string(what) + " expires in " + std::to_string(days) + " days",
            std::move(renew_todo)};
  }
  return {std::move(check), Verdict::Ok, "valid for " + std::to_string(days) + " more days", ""};
}

Finding check_key_matches(std::string check, std::string_view cert_pem, std::string_view key_pem) {
  auto cbio = bio_of(cert_pem);
  auto kbio = bio_of(key_pem);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      cbio ? PEM_read_bio_X509(cbio.get(), nullptr, nullptr, nullptr) : nullptr, &X509_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      kbio ? PEM_read_bio_PrivateKey(kbio.get(), nullptr, nullptr, nullptr) : nullptr,
      &EVP_PKEY_free);
  if (!key) {
    return {std::move(check), Verdict::Fail, "the private key does not parse (PEM, no passphrase)",
            "give the key of the server certificate with --key"};
  }
  if (!cert || X509_check_private_key(cert.get(), key.get()) != 1) {
    return {std::move(check), Verdict::Fail, "the private key is not the certificate's",
            "give the key that was made with the certificate's request"};
  }
  return {std::move(check), Verdict::Ok, "the key is the certificate's", ""};
}

Finding check_printer(const std::string& device) {
  if (device.empty()) return {"printer", Verdict::Skipped, "no --printer given", ""};
  struct stat st {};
  if (::stat(device.c_str(), &st) != 0) {
    return {"printer", Verdict::Fail, "'" + device + "' does not exist",
            "check the printer's cable and power, and the device name (ls /dev/usb)"};
  }
  if (::access(device.c_str(), W_OK) != 0) {
    return {"printer", Verdict::Fail, "'" + device + "' is not writable by this user",
            "add the station's user to the printer's group (usermod -aG lp weimin)"};
  }
  return {"printer", Verdict::Ok, "'" + device + "' is writable", ""};
}

bool any_failed(const std::vector<Finding>& findings) {
  for (const Finding& f : findings) {
    if (f.verdict == Verdict::Fail) return true;
  }
  return false;
}

nlohmann::json findings_json(const std::vector<Finding>& findings) {
  nlohmann::json checks = nlohmann::json::array();
  for (const Finding& f : findings) {
    checks.push_back({{"check", f.check},
                      {"verdict", to_string(f.verdict)},
                      {"detail", f.detail},
                      {"todo", f.todo}});
  }
  return {{"ok", !any_failed(findings)}, {"checks", checks}};
}

std::string findings_text(const std::vector<Finding>& findings, std::string_view healthy) {
  std::string text;
  for (const Finding& f : findings) {
    const char* mark = f.verdict == Verdict::Ok     ? "ok  "
                       : f.verdict == Verdict::Warn ? "WARN"
                       : f.verdict == Verdict::Fail ? "FAIL"
                                                    : "--  ";
    text += std::string(mark) + " " + f.check + ": " + f.detail + "\n";
    if (!f.todo.empty() && f.verdict != Verdict::Ok) text += "     → " + f.todo + "\n";
  }
  text += any_failed(findings) ? "something is wrong: see FAIL above" : std::string(healthy);
  return text;
}

}  // namespace weimin::platform
