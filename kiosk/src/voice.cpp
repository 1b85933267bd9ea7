// What the kiosk says: the calls at the windows.
#include "impl.hpp"
#include "string_tables.hpp"
#include "weimin/platform/announcer.hpp"

namespace weimin::kiosk {

const std::vector<StringEntry>& voice_strings() {
  static const std::vector<StringEntry> table = {};
  return table;
}

void App::Impl::on_called(const std::string& label) {
  if (!devices.announcer || label.empty()) return;
  platform::Call call;
  call.ticket_label = label;
  call.window = std::to_string(staff.window);
  call.language =
      lang() == Lang::En ? platform::SpeechLanguage::English : platform::SpeechLanguage::Chinese;
  devices.announcer->announce(std::move(call));  // queued; spoken off this thread
}

}  // namespace weimin::kiosk
