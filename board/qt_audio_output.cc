#include "board/qt_audio_output.h"

#include <chrono>

#include <QAudioDevice>
#include <QAudioFormat>
#include <QAudioSink>
#include <QBuffer>
#include <QEventLoop>
#include <QMediaDevices>
#include <QTimer>

#include "common/client/log.h"

namespace shop::queue::board {

void QtAudioOutput::Play(const Pcm& clip) {
  if (clip.samples.empty()) return;
  QAudioFormat format;
  format.setSampleRate(clip.sample_rate);
  format.setChannelCount(1);
  format.setSampleFormat(QAudioFormat::Int16);
  const QAudioDevice device = QMediaDevices::defaultAudioOutput();
  if (device.isNull() || !device.isFormatSupported(format)) {
    client::ClientLog()->warn("board: the sound device cannot play 16-bit mono at {} Hz",
                              clip.sample_rate);
    return;
  }
  // The sink reports Idle when it has taken the last bytes into the
  // device's buffer, not when they have been heard: stopping then would cut
  // the end of the call. So the sink's buffer is set to kDeviceBuffer and
  // the clip gets a longer tail of silence: when Idle comes, only silence
  // is left unplayed.
  constexpr std::chrono::milliseconds kDeviceBuffer{200};
  constexpr std::chrono::milliseconds kTail{400};
  Pcm padded = clip;
  padded.AppendSilence(kTail);
  QByteArray bytes(reinterpret_cast<const char*>(padded.samples.data()),
                   static_cast<qsizetype>(padded.samples.size() * sizeof(int16_t)));
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::ReadOnly);
  QAudioSink sink(device, format);
  sink.setBufferSize(static_cast<qsizetype>(format.bytesForDuration(
      std::chrono::duration_cast<std::chrono::microseconds>(kDeviceBuffer).count())));
  QEventLoop loop;
  QObject::connect(&sink, &QAudioSink::stateChanged, &loop, [&](QAudio::State state) {
    if (state == QAudio::IdleState || state == QAudio::StoppedState) loop.quit();
  });
  // A device that stalls must not stop the queue for ever.
  // (and so the board's exit waits at most this long for the clip).
  QTimer::singleShot(static_cast<int>(padded.duration().count()) + 3000, &loop,
                     &QEventLoop::quit);
  sink.start(&buffer);
  if (sink.error() != QAudio::NoError) {
    client::ClientLog()->warn("board: the sound device failed to start ({})",
                              static_cast<int>(sink.error()));
    return;
  }
  loop.exec();
  sink.stop();
}

std::unique_ptr<AudioOutput> MakeAudioOutput(bool mute) {
  if (mute) return std::make_unique<SilentAudioOutput>("--mute");
  if (QMediaDevices::defaultAudioOutput().isNull()) {
    return std::make_unique<SilentAudioOutput>("no audio output device");
  }
  return std::make_unique<QtAudioOutput>();
}

}  // namespace shop::queue::board
