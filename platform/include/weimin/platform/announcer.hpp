// Announcer: the station's voice. The calling board hands it a Call ("A012 to window 2"), the
// kiosk a Prompt (a resident screen's sentence, "请选择要办理的业务"), and both go on drawing;
// speech is made later, in order, on the announcer's own thread. EspeakAnnouncer renders speech
// with espeak-ng (Mandarin through the voice `cmn-latn-pinyin`, which reads pinyin with tone
// digits and Chinese characters alike; digits of a ticket spelled one by one: "请 A 零一二 号到
// 2 号窗口"; English with the `en` voice), puts a two-tone chime before each call, and gives the
// samples to a SpeechPlayer (the kiosk plays them through SDL; a WAV folder or a recorder in
// tests). NullAnnouncer says nothing. The espeak-ng data is loaded lazily, on the announcer's
// thread, at the first announcement, never at kiosk start.
// The queue: calls keep their order; a prompt replaces a prompt not yet spoken (and cuts one
// being played), so a resident tapping through screens never hears a stale one; a prompt never
// cuts into a call; beyond kMaxQueued waiting the oldest waiting item is dropped.
// Thread-safety: every Announcer member may be called from any thread. call_text, prompt_text,
// spelled_out, chime and render_speech may be called from any thread (espeak-ng is serialised
// inside).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weimin/core/result.hpp"

namespace weimin::platform {

enum class SpeechLanguage { Chinese, English };

// One call of a ticket to a window.
struct Call {
  std::string ticket_label;  // "A012": a prefix letter and digits (core::ticket_label)
  std::string window;        // "2": the window's number or short name, as shown on the board
  SpeechLanguage language = SpeechLanguage::Chinese;
  bool chime = true;  // the two-tone chime first (the board's calls)
};

// A sentence for the resident at the kiosk: the prompt of a step, the number taken, a tracking
// code spelled out. Chinese characters (with digits and Latin letters) for the Mandarin voice,
// or English words.
struct Prompt {
  std::string text;
  SpeechLanguage language = SpeechLanguage::Chinese;
};

// How fast and how loud. Values outside the ranges are clamped.
struct VoiceSettings {
  int volume = 100;  // 0-200, 100 is espeak-ng's normal loudness
  int rate = 150;    // words per minute, 80-450; elder mode may choose ~120
};

// Mono 16-bit PCM.
struct Speech {
  std::vector<std::int16_t> samples;
  int sample_rate = 22050;
  double seconds() const {
    return sample_rate > 0 ? static_cast<double>(samples.size()) / sample_rate : 0.0;
  }
};

// Where rendered speech goes. play() blocks until the speech has been handed over (or played);
// it is only ever called from the announcer's thread.
class SpeechPlayer {
 public:
  virtual ~SpeechPlayer() = default;
  // Fails with Unavailable (plain words, e.g. "no sound device") when it cannot play.
  virtual Status play(const Speech& speech) = 0;
  // Asks a play() running on another thread to return early (a newer prompt replaced the one
  // playing); does nothing when nothing plays. Any thread. The default cannot cut: the speech
  // plays to its end.
  virtual void stop() {}
};

class Announcer {
 public:
  virtual ~Announcer() = default;
  // Queues the call and returns at once; calls are spoken in the order given, each after the
  // chime when call.chime. When more than kMaxQueued are waiting the oldest waiting one is
  // dropped (the board still shows it).
  virtual void announce(Call call) = 0;
  // Queues a resident's prompt and returns at once. It replaces a prompt still waiting and cuts
  // short a prompt being played (never a call); it is spoken after the calls queued before it.
  // The default says nothing (an announcer for calls only).
  virtual void say(Prompt prompt) { (void)prompt; }
  virtual void set_settings(VoiceSettings settings) = 0;
  virtual VoiceSettings settings() const = 0;
  // The last failure (speech data missing, no sound device …) in plain words, or ok once an
  // announcement has succeeded since. For the kiosk's status line.
  virtual Status last_error() const = 0;
  // Blocks until every queued announcement is done (tests, shutdown); false on timeout.
  virtual bool wait_idle(int timeout_ms) = 0;

  static constexpr std::size_t kMaxQueued = 16;
};

// Says nothing; last_error() is always ok.
class NullAnnouncer final : public Announcer {
 public:
  void announce(Call) override {}
  void set_settings(VoiceSettings settings) override { settings_ = settings; }
  VoiceSettings settings() const override { return settings_; }
  Status last_error() const override { return Status::ok(); }
  bool wait_idle(int) override { return true; }

 private:
  VoiceSettings settings_;
};

// Renders text in a language: render_speech below, or a stand-in in tests.
using SpeechRenderer =
    std::function<Result<Speech>(const std::string& text, SpeechLanguage, VoiceSettings)>;

// Speaks on its own thread, rendering with `render` (espeak-ng's render_speech when empty), and
// hands the samples to `player` (a call's chime and words as one Speech). The destructor
// finishes the announcement being spoken, drops the rest and joins the thread.
std::unique_ptr<Announcer> make_espeak_announcer(std::shared_ptr<SpeechPlayer> player,
                                                 VoiceSettings settings = {},
                                                 SpeechRenderer render = {});

// The text handed to espeak-ng for a call. Chinese: pinyin with tone digits for the
// `cmn-latn-pinyin` voice, the ticket's digits spelled one by one ("A012" at window "2" gives
// "qing3 A, ling2 yi1 er4 hao4, dao4 er4 hao4 chuang1 kou3."); English: "Number A, zero one two,
// please go to window 2." Invalid when the label or window holds anything but ASCII letters
// and digits (nothing else is ever spoken).
Result<std::string> call_text(const Call& call);

// The text handed to espeak-ng for a prompt: its text with control characters turned into
// spaces and spaces collapsed. Invalid when nothing is left or it is longer than 1,000 bytes.
Result<std::string> prompt_text(const Prompt& prompt);

// A code (tracking code, check code, ticket label) spelled one character at a time, each its
// own word with a pause between: "A3K9" gives "A, 3, K, 9" in English and "A，3，K，9" in Chinese
// (the voices say each digit in their language and each letter by its name). Characters other
// than ASCII letters and digits are left out; letters are upper-cased.
std::string spelled_out(std::string_view code, SpeechLanguage language);

// The chime before a call: two tones falling a major third (E5 then C5, "ding-dong"), each a
// struck tone with a soft attack and an exponential decay, then 0.25 s of silence; about 1.45 s,
// made in code (no sound file). Deterministic: the same samples for the same rate.
Speech chime(int sample_rate = 22050);

// Renders text with the language's voice, synchronously, on the calling thread (loading the
// espeak-ng data on first use). Unavailable when espeak-ng or its voice data is missing.
Result<Speech> render_speech(const std::string& text, SpeechLanguage language,
                             VoiceSettings settings = {});

// Writes speech as a RIFF/WAVE file (PCM, mono, 16-bit). Io/ReadOnly/DiskFull on failure.
Status write_wav(const std::filesystem::path& file, const Speech& speech);

// A player that writes each announcement to <folder>/announcement-<n>.wav (n from 1);
// for checking the announcer without a sound device.
class WavFolderPlayer final : public SpeechPlayer {
 public:
  explicit WavFolderPlayer(std::filesystem::path folder) : folder_(std::move(folder)) {}
  Status play(const Speech& speech) override;
  int played() const { return count_.load(); }

 private:
  std::filesystem::path folder_;
  std::atomic<int> count_{0};
};

}  // namespace weimin::platform
