// SdlSpeechPlayer: plays the announcer's speech through SDL's audio (the calling voice, the
// resident screens' prompts).
// Thread-safety: play() is called from the announcer's thread only, stop() from any thread;
// SDL's audio queue is thread-safe. Construct and destroy on the thread that owns SDL.
#pragma once

#include <atomic>
#include <memory>

#include "weimin/core/result.hpp"
#include "weimin/platform/announcer.hpp"

namespace weimin::kiosk {

class SdlSpeechPlayer final : public platform::SpeechPlayer {
 public:
  // Unavailable, in plain words, when SDL has no sound device.
  static Result<std::shared_ptr<SdlSpeechPlayer>> open();
  ~SdlSpeechPlayer() override;
  // Queues the samples and waits until they have played.
  Status play(const platform::Speech& speech) override;
  // Cuts the speech playing now: play() clears the device's queue and returns.
  void stop() override;

  explicit SdlSpeechPlayer(unsigned device, int rate) : device_(device), rate_(rate) {}

 private:
  unsigned device_;
  int rate_;
  std::atomic<bool> playing_{false};
  std::atomic<bool> cut_{false};
};

}  // namespace weimin::kiosk
