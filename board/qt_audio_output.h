// The board's sound through Qt Multimedia (QAudioSink on the default output
// device), and the choice between it and silence.
//
// Thread-safety: a QtAudioOutput is used by one thread (the announcement
// queue's worker); each Play runs its own event loop on that thread.
#pragma once

#include <memory>

#include "board/voice.h"

namespace shop::queue::board {

// Plays clips on the system's default output device, each to its end (a
// tail of silence longer than the sink's buffer, so stopping the sink when it
// goes idle cuts nothing heard). Each clip waits at most its length + 3 s.
class QtAudioOutput final : public AudioOutput {
 public:
  void Play(const Pcm& clip) override;
};

// The default sound device, or (no device, or `mute`) a SilentAudioOutput
// that says why in the log once.
std::unique_ptr<AudioOutput> MakeAudioOutput(bool mute);

}  // namespace shop::queue::board
