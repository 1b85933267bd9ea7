// weimin-district doctor: see district_doctor.hpp.
#include "district_doctor.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace weimin::server {

namespace fs = std::filesystem;
using platform::Finding;
using platform::Verdict;

namespace {

bool read_text(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

void store_checks(const DistrictDoctorInput& in, std::vector<Finding>& found) {
  auto store = in.open_store();
  if (!store.is_ok()) {
    found.push_back({"store", Verdict::Fail, store.status().message(),
                     "create it with weimin-district --district CODE init, or check --store"});
    return;
  }
  auto epoch = (*store)->epoch();
  auto integrity = (*store)->integrity_check();
  if (!epoch.is_ok()) {
    found.push_back({"store", Verdict::Fail, epoch.status().message(), ""});
  } else if (!integrity.is_ok() || *integrity != "ok") {
    found.push_back({"store", Verdict::Fail,
                     integrity.is_ok() ? *integrity : integrity.status().message(),
                     "stop the server and restore the last backup (weimin-district restore, "
                     "docs/DEPLOY.md)"});
  } else {
    found.push_back({"store", Verdict::Ok, "opens; integrity ok; epoch " + *epoch, ""});
  }
  auto catalog = (*store)->latest_reference("catalog");
  if (!catalog.is_ok()) {
    found.push_back({"catalog", Verdict::Fail, catalog.status().message(), ""});
  } else if (!*catalog) {
    found.push_back({"catalog", Verdict::Warn,
                     "no catalog published: stations cannot be set up and nothing can be whistled",
                     "weimin-district catalog publish /usr/share/weimin/catalog/wuhua.json"});
  } else {
    found.push_back({"catalog", Verdict::Ok,
                     "published (change " + std::to_string((*catalog)->gseq) + ")", ""});
  }
}

void tls_checks(const DistrictDoctorInput& in, std::vector<Finding>& found) {
  if (in.cert.empty()) {
    found.push_back({"certificate", Verdict::Skipped, "no --cert given", ""});
    return;
  }
  std::string cert, key;
  if (!read_text(in.cert, cert)) {
    found.push_back({"certificate", Verdict::Fail, "cannot read '" + in.cert + "'",
                     "check the path, and that the weimin user may read it (mode 0640, group "
                     "weimin)"});
    return;
  }
  found.push_back(platform::check_certificate(
      "certificate", cert, "the server certificate",
      "renew it with the CA the stations pin and restart the server", in.now_ms / 1000));
  if (in.key.empty()) {
    found.push_back({"certificate key", Verdict::Fail, "no --key given with --cert",
                     "give the certificate's private key with --key"});
  } else if (!read_text(in.key, key)) {
    found.push_back({"certificate key", Verdict::Fail, "cannot read '" + in.key + "'",
                     "check the path, and that the weimin user may read it"});
  } else {
    found.push_back(platform::check_key_matches("certificate key", cert, key));
  }
}

}  // namespace

std::vector<Finding> district_doctor(const DistrictDoctorInput& in) {
  std::vector<Finding> found;
  bool store_files_ok = true;
  if (!in.data_dir.empty()) {
    found.push_back(platform::check_private_path(
        "data folder", in.data_dir, true,
        "give the district's data folder with --data (made by weimin-district init)"));
    found.push_back(platform::check_private_path(
        "key file", in.key_file, false,
        "without its key file the store cannot be opened: put back the copy kept when the "
        "district was set up, or give it with --key-file"));
    store_files_ok = found[0].verdict == Verdict::Ok && found[1].verdict == Verdict::Ok;
  }
  // Opening with a missing key file would make a new key: only when both are in order.
  if (store_files_ok) store_checks(in, found);
  tls_checks(in, found);
  if (fs::exists(in.time_synced_flag)) {
    found.push_back({"clock", Verdict::Ok, "synchronised (systemd-timesyncd)", ""});
  } else {
    found.push_back({"clock", Verdict::Warn,
                     "not known to be synchronised: the stations correct their offsets by this "
                     "clock",
                     "enable time synchronisation: timedatectl set-ntp true (or chrony)"});
  }
  found.push_back(platform::check_disk(
      !in.data_dir.empty() && fs::exists(in.data_dir) ? fs::path(in.data_dir) : fs::current_path(),
      "the server refuses pushes when it is full"));
  return found;
}

}  // namespace weimin::server
