// SdlSpeechPlayer: plays the announcer's speech through SDL's audio (the calling voice).
// Thread-safety: play() is called from the announcer's thread only; SDL's audio queue is
// thread-safe. Construct and destroy on the thread that owns SDL.
#pragma once

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

  explicit SdlSpeechPlayer(unsigned device, int rate) : device_(device), rate_(rate) {}

 private:
  unsigned device_;
  int rate_;
};

}  // namespace weimin::kiosk
