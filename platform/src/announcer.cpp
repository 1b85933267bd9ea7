#include "weimin/platform/announcer.hpp"

#include <espeak-ng/espeak_ng.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

namespace weimin::platform {
namespace {

// [SECTION] Text of a call

bool is_plain_ascii_alnum(const std::string& s) {
  return !s.empty() && s.size() <= 16 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  });
}

constexpr const char* kPinyinDigits[] = {"ling2", "yi1",  "er4", "san1", "si4",
                                         "wu3",   "liu4", "qi1", "ba1",  "jiu3"};
constexpr const char* kEnglishDigits[] = {"zero", "one", "two",   "three", "four",
                                          "five", "six", "seven", "eight", "nine"};

// Letters as they are (the voice says them), digits spelled one by one.
std::string spelled(const std::string& s, const char* const* digits) {
  std::string out;
  bool last_digit = false;
  for (char c : s) {
    const bool digit = c >= '0' && c <= '9';
    if (!out.empty()) out += (digit && !last_digit) ? ", " : " ";
    if (digit) {
      out += digits[c - '0'];
    } else {
      out += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    last_digit = digit;
  }
  return out;
}

// [SECTION] espeak-ng, one process-wide engine

std::mutex& engine_mutex() {
  static std::mutex m;
  return m;
}

struct Engine {
  bool tried = false;
  Status init_status;
  int sample_rate = 0;
};

Engine& engine() {
  static Engine e;
  return e;
}

std::string status_message(espeak_ng_STATUS status) {
  char buffer[512] = {};
  espeak_ng_GetStatusCodeMessage(status, buffer, sizeof buffer);
  return buffer;
}

int collect_samples(short* wav, int count, espeak_EVENT* events) {
  if (wav == nullptr || count <= 0 || events == nullptr) return 0;
  auto* out = static_cast<std::vector<std::int16_t>*>(events->user_data);
  if (out != nullptr) out->insert(out->end(), wav, wav + count);
  return 0;
}

// Precondition: engine_mutex() held.
Status ensure_engine() {
  Engine& e = engine();
  if (e.tried) return e.init_status;
  e.tried = true;
  espeak_ng_InitializePath(nullptr);
  espeak_ng_STATUS st = espeak_ng_Initialize(nullptr);
  if (st == ENS_OK) st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr);
  if (st != ENS_OK) {
    e.init_status =
        Status(ErrorCode::Unavailable,
               "voice calling is off: the speech engine espeak-ng could not start (" +
                   status_message(st) + "). Check that the package espeak-ng-data is installed.");
    return e.init_status;
  }
  espeak_SetSynthCallback(collect_samples);
  e.sample_rate = espeak_ng_GetSampleRate();
  std::atexit([] {
    std::lock_guard lock(engine_mutex());
    espeak_ng_Terminate();
  });
  return Status::ok();
}

}  // namespace

Result<std::string> call_text(const Call& call) {
  if (!is_plain_ascii_alnum(call.ticket_label)) {
    return Status(ErrorCode::Invalid, "cannot announce the ticket '" + call.ticket_label +
                                          "': a ticket label is letters and digits, e.g. A012");
  }
  if (!is_plain_ascii_alnum(call.window)) {
    return Status(ErrorCode::Invalid, "cannot announce window '" + call.window +
                                          "': a window is named by letters and digits, e.g. 2");
  }
  if (call.language == SpeechLanguage::Chinese) {
    return "qing3 " + spelled(call.ticket_label, kPinyinDigits) + " hao4, dao4 " +
           spelled(call.window, kPinyinDigits) + " hao4 chuang1 kou3.";
  }
  return "Number " + spelled(call.ticket_label, kEnglishDigits) + ", please go to window " +
         spelled(call.window, kEnglishDigits) + ".";
}

Result<std::string> prompt_text(const Prompt& prompt) {
  std::string out;
  out.reserve(prompt.text.size());
  bool space = true;  // drops leading spaces
  for (char c : prompt.text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ' ') {
      if (!space) out += ' ';
      space = true;
    } else {
      out += c;
      space = false;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.empty()) {
    return Status(ErrorCode::Invalid, "cannot say an empty prompt: give the sentence to speak");
  }
  if (out.size() > 1000) {
    return Status(ErrorCode::Invalid, "cannot say a prompt of " + std::to_string(out.size()) +
                                          " bytes: a spoken prompt is at most 1,000 bytes");
  }
  return out;
}

std::string spelled_out(std::string_view code, SpeechLanguage language) {
  const char* pause = language == SpeechLanguage::Chinese ? "，" : ", ";
  std::string out;
  for (char c : code) {
    const bool digit = c >= '0' && c <= '9';
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (!digit && !letter) continue;
    if (!out.empty()) out += pause;
    out += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  return out;
}

Speech chime(int sample_rate) {
  Speech s;
  s.sample_rate = sample_rate > 0 ? sample_rate : 22050;
  const double sr = s.sample_rate;
  constexpr double kPi = 3.14159265358979323846;
  struct Tone {
    double hz, start_s, length_s;
  };
  // E5 then C5: the falling major third of a door chime.
  constexpr Tone kTones[] = {{659.25, 0.0, 0.55}, {523.25, 0.45, 0.75}};
  constexpr double kSilenceS = 0.25;  // before the words
  const double total_s = kTones[1].start_s + kTones[1].length_s + kSilenceS;
  std::vector<double> mix(static_cast<std::size_t>(total_s * sr), 0.0);
  for (const Tone& tone : kTones) {
    const auto from = static_cast<std::size_t>(tone.start_s * sr);
    const auto n = static_cast<std::size_t>(tone.length_s * sr);
    for (std::size_t i = 0; i < n && from + i < mix.size(); ++i) {
      const double t = static_cast<double>(i) / sr;
      const double attack = std::min(1.0, t / 0.006);
      const double decay = std::exp(-t / 0.22);
      const double release = std::min(1.0, (tone.length_s - t) / 0.03);  // no click at the end
      const double w = 2 * kPi * tone.hz * t;
      // A struck bar: the fundamental with a little of its octave and twelfth.
      const double v = std::sin(w) + 0.35 * std::sin(2 * w) * std::exp(-t / 0.08) +
                       0.12 * std::sin(3 * w) * std::exp(-t / 0.05);
      mix[from + i] += v * attack * decay * release;
    }
  }
  s.samples.resize(mix.size());
  for (std::size_t i = 0; i < mix.size(); ++i) {
    s.samples[i] = static_cast<std::int16_t>(std::lround(std::clamp(mix[i], -1.4, 1.4) * 14000.0));
  }
  return s;
}

Result<Speech> render_speech(const std::string& text, SpeechLanguage language,
                             VoiceSettings settings) {
  std::lock_guard lock(engine_mutex());
  WEIMIN_TRY(ensure_engine());
  const char* voice = language == SpeechLanguage::Chinese ? "cmn-latn-pinyin" : "en";
  espeak_ng_STATUS st = espeak_ng_SetVoiceByName(voice);
  if (st != ENS_OK) {
    return Status(ErrorCode::Unavailable,
                  std::string("voice calling is off: the espeak-ng voice '") + voice +
                      "' is missing (" + status_message(st) + "). Install espeak-ng-data.");
  }
  espeak_ng_SetParameter(espeakRATE, std::clamp(settings.rate, 80, 450), 0);
  espeak_ng_SetParameter(espeakVOLUME, std::clamp(settings.volume, 0, 200), 0);
  Speech speech;
  speech.sample_rate = engine().sample_rate;
  st = espeak_ng_Synthesize(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8,
                            nullptr, &speech.samples);
  if (st != ENS_OK) {
    return Status(ErrorCode::Unavailable,
                  "the speech engine could not say the announcement: " + status_message(st));
  }
  return speech;
}

Status write_wav(const std::filesystem::path& file, const Speech& speech) {
  const std::uint32_t data_bytes = static_cast<std::uint32_t>(speech.samples.size() * 2);
  std::string out;
  auto u32 = [&out](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  };
  auto u16 = [&out](std::uint16_t v) {
    out += static_cast<char>(v & 0xff);
    out += static_cast<char>(v >> 8);
  };
  out += "RIFF";
  u32(36 + data_bytes);
  out += "WAVEfmt ";
  u32(16);
  u16(1);  // PCM
  u16(1);  // mono
  u32(static_cast<std::uint32_t>(speech.sample_rate));
  u32(static_cast<std::uint32_t>(speech.sample_rate) * 2);
  u16(2);
  u16(16);
  out += "data";
  u32(data_bytes);
  for (std::int16_t s : speech.samples) u16(static_cast<std::uint16_t>(s));

  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status(errno == EACCES || errno == EROFS ? ErrorCode::ReadOnly : ErrorCode::Io,
                  "cannot write the sound file '" + file.string() + "': " + std::strerror(errno));
  }
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::write(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      return Status(err == ENOSPC ? ErrorCode::DiskFull : ErrorCode::Io,
                    "cannot write the sound file '" + file.string() + "': " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return Status::ok();
}

Status WavFolderPlayer::play(const Speech& speech) {
  const int n = count_.load() + 1;
  WEIMIN_TRY(write_wav(folder_ / ("announcement-" + std::to_string(n) + ".wav"), speech));
  count_.store(n);
  return Status::ok();
}

// [SECTION] The announcer's thread

namespace {

class EspeakAnnouncer final : public Announcer {
 public:
  EspeakAnnouncer(std::shared_ptr<SpeechPlayer> player, VoiceSettings settings,
                  SpeechRenderer render)
      : player_(std::move(player)),
        render_(render ? std::move(render) : SpeechRenderer(render_speech)),
        settings_(settings),
        thread_([this] { run(); }) {}

  ~EspeakAnnouncer() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      queue_.clear();
    }
    wake_.notify_all();
    thread_.join();
  }

  void announce(Call call) override {
    {
      std::lock_guard lock(mutex_);
      if (queue_.size() >= kMaxQueued) queue_.pop_front();
      queue_.push_back(Item{false, std::move(call), {}});
    }
    wake_.notify_all();
  }

  void say(Prompt prompt) override {
    {
      std::lock_guard lock(mutex_);
      // The waiting prompt is stale now; so is the one being said.
      std::erase_if(queue_, [](const Item& item) { return item.is_prompt; });
      if (busy_ && speaking_prompt_) {
        cut_ = true;
        // Under the lock: the thread cannot have moved on to the next item (a call) yet.
        if (player_) player_->stop();
      }
      if (queue_.size() >= kMaxQueued) queue_.pop_front();
      queue_.push_back(Item{true, {}, std::move(prompt)});
    }
    wake_.notify_all();
  }

  void set_settings(VoiceSettings settings) override {
    std::lock_guard lock(mutex_);
    settings_ = settings;
  }
  VoiceSettings settings() const override {
    std::lock_guard lock(mutex_);
    return settings_;
  }
  Status last_error() const override {
    std::lock_guard lock(mutex_);
    return last_error_;
  }
  bool wait_idle(int timeout_ms) override {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                          [this] { return queue_.empty() && !busy_; });
  }

 private:
  struct Item {
    bool is_prompt = false;
    Call call;
    Prompt prompt;
  };

  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      Item item = std::move(queue_.front());
      queue_.pop_front();
      const VoiceSettings settings = settings_;
      busy_ = true;
      speaking_prompt_ = item.is_prompt;
      cut_ = false;
      lock.unlock();
      Status status = Status::ok();
      auto speech = render(item, settings);
      lock.lock();
      if (!speech.is_ok()) {
        status = speech.status();
      } else if (!cut_ && player_) {  // a prompt replaced while rendering is not played
        lock.unlock();
        status = player_->play(*speech);
        lock.lock();
      }
      if (cut_) status = Status::ok();  // cut short on purpose, not a failure
      busy_ = false;
      speaking_prompt_ = false;
      cut_ = false;
      last_error_ = status;
      idle_.notify_all();
    }
  }

  Result<Speech> render(const Item& item, VoiceSettings settings) {
    if (item.is_prompt) {
      WEIMIN_ASSIGN_OR_RETURN(const std::string text, prompt_text(item.prompt));
      return render_(text, item.prompt.language, settings);
    }
    WEIMIN_ASSIGN_OR_RETURN(const std::string text, call_text(item.call));
    WEIMIN_ASSIGN_OR_RETURN(Speech words, render_(text, item.call.language, settings));
    if (!item.call.chime) return words;
    Speech out = chime(words.sample_rate);
    out.samples.insert(out.samples.end(), words.samples.begin(), words.samples.end());
    return out;
  }

  std::shared_ptr<SpeechPlayer> player_;
  SpeechRenderer render_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Item> queue_;
  VoiceSettings settings_;
  Status last_error_;
  bool busy_ = false;
  bool speaking_prompt_ = false;  // the item being rendered or played is a prompt
  bool cut_ = false;              // ... and a newer prompt replaced it
  bool stopping_ = false;
  std::thread thread_;  // last: starts after everything above is built
};

}  // namespace

std::unique_ptr<Announcer> make_espeak_announcer(std::shared_ptr<SpeechPlayer> player,
                                                 VoiceSettings settings, SpeechRenderer render) {
  return std::make_unique<EspeakAnnouncer>(std::move(player), settings, std::move(render));
}

}  // namespace weimin::platform
