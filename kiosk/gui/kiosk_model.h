// KioskModel: everything the touch screen shows, as Qt properties, and every
// tap, as invokable methods; the QML (kiosk/gui/qml) only lays it out and
// binds. It lives on the UI thread and never waits: requests go out as
// signals to the workers (workers.h) and come back as slots.
//
// Screens: "start" (branch name, languages), "services" (the grid, the
// priority and booking buttons; a closed branch says when it opens),
// "priority", "checkin" (code on an on-screen keyboard), "phone" (a mobile
// number on a digit keypad, for one SMS when the turn is near), "result"
// (number, position, wait, QR, slip), "out-of-service" (server unreachable).
//
// The SMS number is personal data: it lives only in this model, from Save
// until the next ticket is issued (it goes with that ticket's request), or
// until home() / the idle timeout / a refusal; it is never logged, and the
// screens show it masked ("+7 *** ***-67-89") once saved.
//
// One tap, one ticket: a tap on a service while a request is in flight is
// ignored, and KioskClient sends one request_id on every retry of a request.
//
// Thread-safety: UI thread only.
#pragma once

#include <optional>

#include <QImage>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QVariantList>
#include <QVariantMap>

#include "kiosk/gui/meta_types.h"
#include "kiosk/slip.h"
#include "shop/queue/v1/kiosk_service.pb.h"

namespace shop::queue::kiosk::gui {

namespace v1 = ::shop::queue::v1;

struct ModelOptions {
  QString branch_id;
  QString status_url;    // pages address for the QR link; empty: the server's own
  int paper_dots = 576;  // printer width in dots
  int idle_seconds = 20;
  bool has_printer = true;
  // How often the printer is checked and reported (and the report repeated).
  int printer_report_seconds = 60;
};

class KioskModel : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString screen READ screen NOTIFY screenChanged)
  Q_PROPERTY(QString language READ language NOTIFY languageChanged)
  Q_PROPERTY(QVariantMap texts READ texts NOTIFY languageChanged)
  Q_PROPERTY(QVariantList priorities READ priorities NOTIFY languageChanged)
  Q_PROPERTY(QString branchName READ branchName NOTIFY branchChanged)
  Q_PROPERTY(bool branchOpen READ branchOpen NOTIFY branchChanged)
  // Whether the server sends SMS: the "SMS when my turn is near" button
  // shows only then.
  Q_PROPERTY(bool smsAvailable READ smsAvailable NOTIFY branchChanged)
  Q_PROPERTY(QString opensText READ opensText NOTIFY branchChanged)
  Q_PROPERTY(QVariantList services READ services NOTIFY branchChanged)
  Q_PROPERTY(int priority READ priority NOTIFY priorityChanged)
  Q_PROPERTY(QString priorityText READ priorityText NOTIFY priorityChanged)
  Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
  Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)
  Q_PROPERTY(QString code READ code NOTIFY codeChanged)
  Q_PROPERTY(QString number READ number NOTIFY resultChanged)
  Q_PROPERTY(QString serviceName READ serviceName NOTIFY resultChanged)
  Q_PROPERTY(int position READ position NOTIFY resultChanged)
  Q_PROPERTY(QString waitText READ waitText NOTIFY resultChanged)
  Q_PROPERTY(QString resultNote READ resultNote NOTIFY resultChanged)
  Q_PROPERTY(QString qrUrl READ qrUrl NOTIFY resultChanged)
  Q_PROPERTY(QString qrSource READ qrSource NOTIFY resultChanged)
  Q_PROPERTY(QString slipText READ slipText NOTIFY slipChanged)
  Q_PROPERTY(bool printerFailed READ printerFailed NOTIFY slipChanged)
  Q_PROPERTY(bool reachable READ reachable NOTIFY reachableChanged)
  Q_PROPERTY(int printerState READ printerState NOTIFY printerStateChanged)
  // The phone screen: the digits typed after "+7" (at most 10), formatted as
  // far as typed ("+7 912 3") and the rest of the pattern ("45-67-89" as
  // "__-__-__"); whether Save may be tapped; why not, in words.
  Q_PROPERTY(QString phoneText READ phoneText NOTIFY phoneChanged)
  Q_PROPERTY(QString phoneRest READ phoneRest NOTIFY phoneChanged)
  Q_PROPERTY(bool phoneValid READ phoneValid NOTIFY phoneChanged)
  Q_PROPERTY(QString phoneHint READ phoneHint NOTIFY phoneChanged)
  // A number is saved for the next ticket; the top bar's note and the phone
  // screen show it masked only (the screen opens empty: a passer-by who
  // taps the button never sees a saved number).
  Q_PROPERTY(bool phoneSaved READ phoneSaved NOTIFY phoneChanged)
  Q_PROPERTY(QString phoneNote READ phoneNote NOTIFY phoneChanged)
  Q_PROPERTY(QString phoneSavedText READ phoneSavedText NOTIFY phoneChanged)

 public:
  explicit KioskModel(ModelOptions options, QObject* parent = nullptr);

  QString screen() const { return screen_; }
  QString language() const;
  QVariantMap texts() const { return texts_; }
  QVariantList priorities() const;
  QString branchName() const;
  bool branchOpen() const { return branch_.open_now(); }
  bool smsAvailable() const { return branch_.turn_near_sms(); }
  QString opensText() const;
  QVariantList services() const;
  int priority() const { return priority_; }
  QString priorityText() const;
  bool busy() const { return busy_; }
  QString errorText() const { return error_text_; }
  QString code() const { return code_; }
  QString number() const;
  QString serviceName() const;
  int position() const { return issued_.ticket().position(); }
  QString waitText() const;
  QString resultNote() const { return result_note_; }
  QString qrUrl() const;
  QString qrSource() const;
  QString slipText() const;
  bool printerFailed() const;
  bool reachable() const { return reachable_; }
  int printerState() const { return printer_state_; }
  QString phoneText() const;
  QString phoneRest() const;
  bool phoneValid() const;
  QString phoneHint() const;
  bool phoneSaved() const { return !phone_.isEmpty(); }
  QString phoneNote() const;
  QString phoneSavedText() const;
  // The last ticket shown (tests).
  const v1::CreateTicketResponse& issued() const { return issued_; }

  // The screen words in another language ("ru", "en", "zh"), for screens
  // that speak all three (start, out of service).
  Q_INVOKABLE QVariantMap textsIn(const QString& language) const;

  // Taps.
  Q_INVOKABLE void chooseLanguage(const QString& code);
  Q_INVOKABLE void showPriority();
  Q_INVOKABLE void choosePriority(int priority_class);
  Q_INVOKABLE void takeTicket(const QString& prefix);
  Q_INVOKABLE void showCheckIn();
  Q_INVOKABLE void typeKey(const QString& key);
  Q_INVOKABLE void erase();
  Q_INVOKABLE void submitCode();
  // The phone screen: opened empty (a saved number shown masked, to replace
  // or remove); a digit "0".."9"; the last digit off; Save (only a valid
  // number; back to the services); Remove (the saved number forgotten).
  Q_INVOKABLE void showPhone();
  Q_INVOKABLE void typeDigit(const QString& digit);
  Q_INVOKABLE void erasePhoneDigit();
  Q_INVOKABLE void savePhone();
  Q_INVOKABLE void removePhone();
  Q_INVOKABLE void back();
  Q_INVOKABLE void home();
  // Any touch: restarts the idle timer.
  Q_INVOKABLE void touched();
  // For docs and tests: go to a screen directly.
  void showScreen(const QString& screen);
  // Starts the timers and asks for the branch and the printer state.
  void start();

 public Q_SLOTS:
  void onBranchLoaded(const shop::queue::v1::Branch& branch,
                      const QList<shop::queue::v1::Service>& services);
  void onBranchFailed(const QString& text);
  void onTicketIssued(int attempt, const shop::queue::v1::CreateTicketResponse& issued);
  void onCheckedIn(int attempt, const shop::queue::v1::CreateTicketResponse& issued, bool late,
                   const google::protobuf::Timestamp& slot_start);
  void onRequestFailed(int attempt, const QString& customer_text);
  // The server refused the SMS number (INVALID_ARGUMENT on notify_phone):
  // no ticket was issued.
  void onPhoneRefused(int attempt);
  void onPrinted(int attempt, int state, const QString& detail);
  void onPrinterChecked(int state, const QString& detail);
  void onReachable(bool up);
  void onPrinterReported(bool ok, const QString& code);

 Q_SIGNALS:
  void screenChanged();
  void languageChanged();
  void branchChanged();
  void priorityChanged();
  void busyChanged();
  void errorTextChanged();
  void codeChanged();
  void resultChanged();
  void slipChanged();
  void reachableChanged();
  void printerStateChanged();
  void phoneChanged();
  // To the workers. `notify_phone`: "+79XXXXXXXXX" or empty.
  void requestBranch();
  void requestTicket(int attempt, const QString& prefix, int language, int priority,
                     const QString& notify_phone);
  void requestCheckIn(int attempt, const QString& code, int language);
  void requestPrint(int attempt, const shop::queue::kiosk::SlipParts& parts, const QString& qr,
                    int width_dots);
  void requestPrinterCheck();
  void reportPrinter(int state, const QString& detail);
  // The server answered a printer report (`code`: its status code's name).
  void printerReported(bool ok, const QString& code);
  // A ticket (or check-in) reached the result screen.
  void ticketShown(const QString& number);

 private:
  void setScreen(const QString& screen);
  void setBusy(bool busy);
  void setError(const QString& text);
  void showResult(const v1::CreateTicketResponse& issued, const SlipParts& parts);
  // Shows a ticket that arrived, or holds it while out of service.
  void showOrHold(const v1::CreateTicketResponse& issued, const SlipParts& parts,
                  const QString& note);
  void setPrinter(int state, const QString& detail);
  // Forgets the saved number and the digits on the phone screen.
  void forgetPhone();

  ModelOptions options_;
  QString screen_ = "start";
  v1::Language language_ = v1::LANGUAGE_RU;
  QVariantMap texts_;
  v1::Branch branch_;
  QList<v1::Service> services_;
  int priority_ = 0;
  bool busy_ = false;
  int attempt_ = 0;  // the tap whose answer is awaited (or was last)
  QString error_text_;
  QString code_;
  QString phone_draft_;  // digits typed on the phone screen (national, no 7)
  QString phone_;        // the saved number's 10 digits; empty: no SMS
  QString sent_phone_;   // the digits the awaited ticket request carries
  v1::CreateTicketResponse issued_;
  QString result_note_;
  enum class Slip { kNone, kPrinting, kPrinted, kFailed } slip_ = Slip::kNone;
  bool reachable_ = true;
  // A ticket that arrived while out of service, shown once the server is back.
  struct Held {
    v1::CreateTicketResponse issued;
    SlipParts parts;
    QString note;
  };
  std::optional<Held> held_;
  int printer_state_ = 0;
  QString printer_detail_;
  QTimer idle_;
  QTimer printer_timer_;
  QTimer refresh_;  // fresh waits while the services screen shows
};

}  // namespace shop::queue::kiosk::gui
