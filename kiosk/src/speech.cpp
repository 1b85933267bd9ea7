#include "weimin/kiosk/speech.hpp"

#include <SDL.h>

namespace weimin::kiosk {

Result<std::shared_ptr<SdlSpeechPlayer>> SdlSpeechPlayer::open() {
  if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
    return Status(ErrorCode::Unavailable, std::string("no sound: ") + SDL_GetError());
  }
  SDL_AudioSpec want{}, have{};
  want.freq = 22050;  // espeak-ng's rate
  want.format = AUDIO_S16SYS;
  want.channels = 1;
  want.samples = 2048;
  const SDL_AudioDeviceID dev = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);
  if (dev == 0) {
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
    return Status(ErrorCode::Unavailable, std::string("no sound device: ") + SDL_GetError());
  }
  SDL_PauseAudioDevice(dev, 0);
  return std::make_shared<SdlSpeechPlayer>(dev, want.freq);
}

SdlSpeechPlayer::~SdlSpeechPlayer() {
  SDL_CloseAudioDevice(device_);
  SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

Status SdlSpeechPlayer::play(const platform::Speech& speech) {
  if (speech.sample_rate != rate_) {
    return Status(ErrorCode::Invalid, "speech at " + std::to_string(speech.sample_rate) +
                                          " Hz; the sound device was opened at " +
                                          std::to_string(rate_));
  }
  cut_ = false;
  playing_ = true;
  if (SDL_QueueAudio(device_, speech.samples.data(),
                     static_cast<Uint32>(speech.samples.size() * sizeof(std::int16_t))) != 0) {
    playing_ = false;
    return Status(ErrorCode::Unavailable, std::string("cannot play the speech: ") + SDL_GetError());
  }
  while (SDL_GetQueuedAudioSize(device_) > 0 && !cut_) SDL_Delay(20);
  if (cut_) SDL_ClearQueuedAudio(device_);
  playing_ = false;
  return Status::ok();
}

void SdlSpeechPlayer::stop() {
  if (playing_) cut_ = true;
}

}  // namespace weimin::kiosk
