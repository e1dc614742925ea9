// board: the hall display. Shows the calls, waiting counts, appointments due
// and devices that need staff; announces each call (chime, Russian, the
// customer's language) through espeak-ng. See README "Hall screen".
#include <QGuiApplication>
#include <QTimer>

#include "board/board_model.h"
#include "board/board_view.h"
#include "board/qt_audio_output.h"
#include "board/settings.h"
#include "board/voice.h"
#include "common/client/log.h"

namespace board = shop::queue::board;
namespace client = shop::queue::client;

int main(int argc, char** argv) {
  board::BoardSettings settings;
  if (std::optional<int> code = board::ParseBoardCommandLine(argc, argv, &settings)) return *code;
  QGuiApplication app(argc, argv);
  QGuiApplication::setApplicationName(QStringLiteral("board"));

  const auto channel = client::Connect(settings.connection);
  const client::CallOptions options = client::ToCallOptions(settings.connection, settings.token_file);

  board::EspeakSynthesizer synth;
  if (!synth.ok()) client::ClientLog()->warn("board: espeak-ng did not start; calls are not spoken");
  const bool screenshot = !settings.screenshot.empty();
  std::unique_ptr<board::AudioOutput> output = board::MakeAudioOutput(settings.mute || screenshot);
  board::AnnouncementQueue announcements(synth, *output, settings.voice);

  board::BoardModel::Options model_options;
  model_options.recent = std::chrono::minutes(settings.recent_minutes);
  model_options.announce = [&](const board::BoardCallView& call) {
    // A ticket number and a counter: no personal data.
    client::ClientLog()->info("board: calling {} -> {}{}", call.display_number, call.counter_name,
                              call.recall_count > 0 ? " (recall)" : "");
    announcements.Enqueue(board::ToAnnouncement(call));
  };
  board::BoardModel model(model_options);
  board::BoardView view(&model);
  if (view.window() == nullptr) return 1;
  view.Show(settings.fullscreen);

  board::BoardFeed feed(channel, settings.connection.branch, options, &model);
  feed.Start();

  int exit_code = 0;
  if (screenshot) {
    // After the first real frame: the first board message, or (no server)
    // the "reconnecting" screen.
    const auto shoot = [&] {
      static bool done = false;
      if (done) return;
      done = true;
      QTimer::singleShot(300, &app, [&] {
        exit_code = view.SaveScreenshot(QString::fromStdString(settings.screenshot)) ? 0 : 1;
        QGuiApplication::quit();
      });
    };
    QObject::connect(&model, &board::BoardModel::dataArrived, &app, shoot);
    QObject::connect(&model, &board::BoardModel::changed, &app, [&] {
      if (model.connectionState() == QStringLiteral("reconnecting") ||
          model.connectionState() == QStringLiteral("refused")) {
        shoot();
      }
    });
  }
  const int rc = QGuiApplication::exec();
  feed.Stop();
  return screenshot ? exit_code : rc;
}
