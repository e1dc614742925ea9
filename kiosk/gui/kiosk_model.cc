#include "kiosk/gui/kiosk_model.h"

#include <string_view>

#include "absl/time/time.h"
#include "common/client/text.h"
#include "kiosk/gui/gui_text.h"
#include "kiosk/printer/qr_code.h"

namespace shop::queue::kiosk::gui {
namespace {

QString Q(std::string_view s) {
  return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

// The choices of the priority screen; the last one takes a choice back.
constexpr v1::PriorityClass kPriorities[] = {
    v1::PRIORITY_CLASS_ELDERLY, v1::PRIORITY_CLASS_DISABLED, v1::PRIORITY_CLASS_PREGNANT,
    v1::PRIORITY_CLASS_WITH_CHILDREN, v1::PRIORITY_CLASS_UNSPECIFIED};

// How often the services screen asks for fresh waiting counts and waits.
constexpr int kRefreshMs = 10000;

// "02.12 09:00" in the branch's zone (UTC if it cannot be loaded).
// The day and time as a reader of `language` writes them: "11.03 09:00",
// "11 Mar 09:00", "3月11日 09:00" (a bare "11.03" reads as November 3 in
// English).
QString LocalDayAndTime(const google::protobuf::Timestamp& t, const std::string& zone,
                        v1::Language language) {
  absl::TimeZone tz = absl::UTCTimeZone();
  if (!zone.empty()) absl::LoadTimeZone(zone, &tz);
  const absl::Time at = absl::FromUnixSeconds(t.seconds());
  if (language == v1::LANGUAGE_EN) return Q(absl::FormatTime("%d %b %H:%M", at, tz));
  if (language == v1::LANGUAGE_ZH) {
    const absl::CivilMinute m = absl::ToCivilMinute(at, tz);
    return QString("%1月%2日 %3").arg(m.month()).arg(m.day()).arg(Q(absl::FormatTime("%H:%M", at, tz)));
  }
  return Q(absl::FormatTime("%d.%m %H:%M", at, tz));
}

// The national mobile number after "+7": ten digits, the first a 9.
constexpr int kPhoneDigits = 10;
// How it is written after "+7 ": each X a digit.
constexpr std::string_view kPhonePattern = "XXX XXX-XX-XX";

bool IsMobile(const QString& digits) {
  return digits.size() == kPhoneDigits && digits.front() == '9';
}

// "+7 *** ***-67-89": enough to recognise one's own number, no more.
QString MaskedPhone(const QString& digits) {
  if (digits.size() != kPhoneDigits) return {};
  return "+7 *** ***-" + digits.mid(6, 2) + '-' + digits.mid(8, 2);
}

}  // namespace

KioskModel::KioskModel(ModelOptions options, QObject* parent)
    : QObject(parent), options_(std::move(options)), texts_(ScreenTexts(language_)) {
  idle_.setSingleShot(true);
  idle_.setInterval(options_.idle_seconds * 1000);
  connect(&idle_, &QTimer::timeout, this, [this] {
    if (screen_ != "start" && screen_ != "out-of-service" && !busy_) home();
  });
  printer_timer_.setInterval(options_.printer_report_seconds * 1000);
  connect(&printer_timer_, &QTimer::timeout, this, &KioskModel::requestPrinterCheck);
  refresh_.setInterval(kRefreshMs);
  connect(&refresh_, &QTimer::timeout, this, [this] {
    if (screen_ == "services" && !busy_) Q_EMIT requestBranch();
  });
}

void KioskModel::start() {
  printer_timer_.start();
  refresh_.start();
  Q_EMIT requestBranch();
  Q_EMIT requestPrinterCheck();
}

QString KioskModel::language() const { return Q(client::LanguageCode(language_)); }

QVariantList KioskModel::priorities() const {
  QVariantList list;
  for (v1::PriorityClass p : kPriorities) {
    list.append(QVariantMap{{"value", static_cast<int>(p)},
                            {"text", Q(client::PriorityText(p, language_))}});
  }
  return list;
}

QString KioskModel::branchName() const {
  return branch_.display_name().empty() ? options_.branch_id : Q(branch_.display_name());
}

QString KioskModel::opensText() const {
  if (branch_.open_now() || !branch_.has_next_open_time()) return {};
  return texts_.value("opensAt").toString() + ' ' +
         LocalDayAndTime(branch_.next_open_time(), branch_.time_zone(), language_);
}

QVariantList KioskModel::services() const {
  QVariantList list;
  for (const v1::Service& s : services_) {
    list.append(QVariantMap{
        {"prefix", Q(s.prefix())},
        {"name", Q(client::ServiceName(s, language_))},
        {"waiting", s.waiting_count()},
        {"waitText", Q(client::FormatWait(s.estimated_wait(), language_))},
        {"counterOpen", s.open_counter_count() > 0},
    });
  }
  return list;
}

QString KioskModel::priorityText() const {
  if (priority_ == 0) return {};
  return Q(client::PriorityText(static_cast<v1::PriorityClass>(priority_), language_));
}

QString KioskModel::number() const { return Q(issued_.ticket().display_number()); }

QString KioskModel::serviceName() const {
  return Q(client::ServiceName(issued_.service(), language_));
}

QString KioskModel::waitText() const {
  return Q(client::FormatWait(issued_.ticket().estimated_wait(), language_));
}

QString KioskModel::qrUrl() const {
  if (issued_.ticket().ticket_id() == 0) return {};
  return printer::TicketStatusUrl(options_.status_url, Q(issued_.status_url()),
                                  Q(issued_.ticket().status_token()));
}

QString KioskModel::qrSource() const {
  const QString url = qrUrl();
  if (url.isEmpty()) return {};
  return "image://qr/" + QString::fromLatin1(url.toUtf8().toHex());
}

QString KioskModel::slipText() const {
  switch (slip_) {
    case Slip::kPrinting: return texts_.value("pleaseWait").toString();
    case Slip::kPrinted: return texts_.value("takeSlip").toString();
    case Slip::kFailed: return texts_.value("printerOut").toString();
    case Slip::kNone: break;
  }
  return {};
}

bool KioskModel::printerFailed() const { return slip_ == Slip::kFailed; }

QString KioskModel::phoneText() const {
  QString text = "+7 ";
  int typed = 0;
  for (char c : kPhonePattern) {
    if (typed == phone_draft_.size()) break;
    text += c == 'X' ? phone_draft_.at(typed++) : QChar(c);
  }
  return text;
}

QString KioskModel::phoneRest() const {
  QString rest;
  int typed = 0;
  for (char c : kPhonePattern) {
    if (typed < phone_draft_.size()) {
      if (c == 'X') ++typed;
      continue;
    }
    rest += c == 'X' ? QChar('_') : QChar(c);
  }
  return rest;
}

bool KioskModel::phoneValid() const { return IsMobile(phone_draft_); }

QString KioskModel::phoneHint() const {
  if (!phone_draft_.isEmpty() && phone_draft_.front() != '9')
    return texts_.value("phoneNotMobile").toString();
  return {};
}

QString KioskModel::phoneSavedText() const {
  if (phone_.isEmpty()) return {};
  return texts_.value("phoneSavedNow").toString().arg(MaskedPhone(phone_));
}

QString KioskModel::phoneNote() const {
  if (phone_.isEmpty()) return {};
  return texts_.value("smsNote").toString() + texts_.value("separator").toString() +
         MaskedPhone(phone_);
}

QVariantMap KioskModel::textsIn(const QString& language) const {
  return ScreenTexts(client::ParseLanguage(language.toStdString()).value_or(v1::LANGUAGE_RU));
}

// --- taps -------------------------------------------------------------------

void KioskModel::chooseLanguage(const QString& code) {
  language_ = client::ParseLanguage(code.toStdString()).value_or(v1::LANGUAGE_RU);
  texts_ = ScreenTexts(language_);
  Q_EMIT languageChanged();
  Q_EMIT branchChanged();  // service names and waits are in the language
  Q_EMIT priorityChanged();
  Q_EMIT resultChanged();
  Q_EMIT slipChanged();
  Q_EMIT phoneChanged();
  if (screen_ == "start") {
    priority_ = 0;
    Q_EMIT priorityChanged();
    forgetPhone();  // a new customer
    setScreen("services");
    Q_EMIT requestBranch();  // fresh waits
  }
}

void KioskModel::showPriority() { setScreen("priority"); }

void KioskModel::choosePriority(int priority_class) {
  priority_ = priority_class;
  Q_EMIT priorityChanged();
  setScreen("services");
}

void KioskModel::takeTicket(const QString& prefix) {
  if (busy_ || screen_ != "services") return;  // a second tap of the same touch
  setError({});
  setBusy(true);
  ++attempt_;
  sent_phone_ = phone_;
  Q_EMIT requestTicket(attempt_, prefix, language_, priority_,
                       phone_.isEmpty() ? QString() : "+7" + phone_);
}

void KioskModel::showCheckIn() {
  code_.clear();
  Q_EMIT codeChanged();
  setError({});
  setScreen("checkin");
}

void KioskModel::typeKey(const QString& key) {
  if (code_.size() >= 16) return;
  for (QChar c : key.toUpper()) {
    if (c.isLetterOrNumber() && c.unicode() < 128) code_ += c;  // dashes and spaces ignored
  }
  Q_EMIT codeChanged();
}

void KioskModel::erase() {
  if (code_.isEmpty()) return;
  code_.chop(1);
  Q_EMIT codeChanged();
}

void KioskModel::submitCode() {
  if (busy_ || screen_ != "checkin" || code_.isEmpty()) return;
  setError({});
  setBusy(true);
  ++attempt_;
  Q_EMIT requestCheckIn(attempt_, code_, language_);
}

void KioskModel::showPhone() {
  if (busy_) return;
  phone_draft_.clear();  // a saved number shows masked only (phoneSavedText)
  Q_EMIT phoneChanged();
  setError({});
  setScreen("phone");
}

void KioskModel::typeDigit(const QString& digit) {
  if (screen_ != "phone") return;
  for (QChar c : digit) {
    if (phone_draft_.size() >= kPhoneDigits) break;
    if (c >= '0' && c <= '9') phone_draft_ += c;
  }
  Q_EMIT phoneChanged();
}

void KioskModel::erasePhoneDigit() {
  if (phone_draft_.isEmpty()) return;
  phone_draft_.chop(1);
  Q_EMIT phoneChanged();
}

void KioskModel::savePhone() {
  if (screen_ != "phone" || !phoneValid()) return;
  phone_ = phone_draft_;
  phone_draft_.clear();
  Q_EMIT phoneChanged();
  setScreen("services");
}

void KioskModel::removePhone() {
  forgetPhone();
  if (screen_ == "phone") setScreen("services");
}

void KioskModel::forgetPhone() {
  const bool had = !phone_.isEmpty() || !phone_draft_.isEmpty();
  phone_.clear();
  phone_draft_.clear();
  sent_phone_.clear();
  if (had) Q_EMIT phoneChanged();
}

void KioskModel::back() {
  setError({});
  if (!reachable_) return home();
  if (screen_ == "services") forgetPhone();  // back to the start: the next customer's
  setScreen(screen_ == "services" ? "start" : "services");
}

void KioskModel::home() {
  priority_ = 0;
  Q_EMIT priorityChanged();
  forgetPhone();
  code_.clear();
  Q_EMIT codeChanged();
  setError({});
  setScreen(reachable_ ? "start" : "out-of-service");
}

void KioskModel::touched() {
  if (idle_.interval() > 0) idle_.start();
}

void KioskModel::showScreen(const QString& screen) { setScreen(screen); }

// --- answers ----------------------------------------------------------------

void KioskModel::onBranchLoaded(const v1::Branch& branch, const QList<v1::Service>& services) {
  branch_ = branch;
  services_ = services;
  Q_EMIT branchChanged();
}

void KioskModel::onBranchFailed(const QString&) {
  // The probe decides about "out of service"; the last known services stay.
}

void KioskModel::onTicketIssued(int attempt, const v1::CreateTicketResponse& issued) {
  if (attempt != attempt_) return;
  setBusy(false);
  QString note;
  if (!sent_phone_.isEmpty()) {
    // A ticket near already at issue: the server keeps no number, no SMS
    // will come.
    note = issued.turn_near_sms()
               ? texts_.value("smsWillCome").toString().arg(MaskedPhone(sent_phone_))
               : texts_.value("smsNotNeeded").toString();
  }
  forgetPhone();  // it went with this ticket; the next customer starts without
  showOrHold(issued, MakeSlipParts(issued, language_), note);
}

void KioskModel::onCheckedIn(int attempt, const v1::CreateTicketResponse& issued, bool late,
                             const google::protobuf::Timestamp& slot_start) {
  if (attempt != attempt_) return;
  setBusy(false);
  forgetPhone();  // a booking's ticket: the booking's own phone gets the SMS
  const std::string zone = issued.branch().time_zone();
  const QString note =
      late ? texts_.value("lateNote").toString()
           : texts_.value("appointmentAt").toString() + texts_.value("separator").toString() +
                 Q(client::FormatLocalTime(slot_start, zone));
  showOrHold(issued, MakeSlipParts(issued, language_, &slot_start, late), note);
}

void KioskModel::showOrHold(const v1::CreateTicketResponse& issued, const SlipParts& parts,
                            const QString& note) {
  // The ticket exists on the server: it is never dropped. Out of service,
  // it waits for the server to come back and is shown then.
  if (!reachable_) {
    held_ = Held{issued, parts, note};
    return;
  }
  result_note_ = note;
  showResult(issued, parts);
}

void KioskModel::onRequestFailed(int attempt, const QString& customer_text) {
  if (attempt != attempt_) return;
  setBusy(false);
  setError(customer_text);
}

void KioskModel::onPhoneRefused(int attempt) {
  if (attempt != attempt_) return;
  setBusy(false);
  // No ticket: the number is dropped (the customer may type another one or
  // take the ticket without SMS), and the refusal is said in words.
  forgetPhone();
  setError(texts_.value("phoneRefused").toString());
}

void KioskModel::showResult(const v1::CreateTicketResponse& issued, const SlipParts& parts) {
  issued_ = issued;
  Q_EMIT resultChanged();
  slip_ = options_.has_printer ? Slip::kPrinting : Slip::kNone;
  Q_EMIT slipChanged();
  setScreen("result");
  Q_EMIT ticketShown(number());
  if (options_.has_printer) Q_EMIT requestPrint(attempt_, parts, qrUrl(), options_.paper_dots);
}

void KioskModel::onPrinted(int attempt, int state, const QString& detail) {
  if (attempt == attempt_) {
    slip_ = state == v1::PRINTER_STATE_OK ? Slip::kPrinted : Slip::kFailed;
    Q_EMIT slipChanged();
  }
  setPrinter(state, detail);
}

void KioskModel::onPrinterChecked(int state, const QString& detail) {
  // Every check is reported (at start and every minute), changes at once.
  const bool changed = state != printer_state_;
  setPrinter(state, detail);
  if (!changed) Q_EMIT reportPrinter(printer_state_, printer_detail_);
}

void KioskModel::setPrinter(int state, const QString& detail) {
  const bool changed = state != printer_state_;
  printer_state_ = state;
  printer_detail_ = detail.left(200);
  if (changed) {
    Q_EMIT printerStateChanged();
    Q_EMIT reportPrinter(printer_state_, printer_detail_);
  }
}

void KioskModel::onReachable(bool up) {
  if (up == reachable_) return;
  reachable_ = up;
  Q_EMIT reachableChanged();
  if (!up) {
    // A request still on its way stays awaited (busy: no second ticket from
    // a new tap); its answer is shown once the server is back. A number on
    // the result screen stays until the customer or the idle timer leaves.
    if (screen_ != "result") setScreen("out-of-service");
  } else {
    if (held_) {
      const Held held = std::move(*held_);
      held_.reset();
      result_note_ = held.note;
      showResult(held.issued, held.parts);
    } else if (screen_ != "result") {
      home();
    }
    Q_EMIT requestBranch();
    Q_EMIT reportPrinter(printer_state_, printer_detail_);  // the server may have missed it
  }
}

void KioskModel::onPrinterReported(bool ok, const QString& code) {
  Q_EMIT printerReported(ok, code);
}

// --- state --------------------------------------------------------------------

void KioskModel::setScreen(const QString& screen) {
  if (screen != screen_) {
    screen_ = screen;
    Q_EMIT screenChanged();
  }
  touched();
}

void KioskModel::setBusy(bool busy) {
  if (busy != busy_) {
    busy_ = busy;
    Q_EMIT busyChanged();
  }
}

void KioskModel::setError(const QString& text) {
  if (text != error_text_) {
    error_text_ = text;
    Q_EMIT errorTextChanged();
  }
}

}  // namespace shop::queue::kiosk::gui
