#include "counter/gui/review_widget.h"

#include <algorithm>
#include <utility>

#include <QComboBox>
#include <QFont>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QShowEvent>
#include <QSplitter>
#include <QVBoxLayout>

#include "common/client/errors.h"
#include "counter/case_format.h"
#include "counter/gui/activation_dialog.h"
#include "counter/gui/ticket_text.h"
#include "counter/review_format.h"

namespace shop::queue::counter::gui {
namespace {

constexpr const char* kErrorStyle = "color: #b00020;";
constexpr const char* kOkStyle = "color: #1b5e20;";

QString Q(const std::string& text) { return QString::fromStdString(text); }
QString Q(std::string_view text) { return QString::fromUtf8(text.data(), text.size()); }

QLabel* Label(const QString& name, QWidget* parent, int point_size = 0, bool bold = false) {
  auto* label = new QLabel(parent);
  label->setObjectName(name);
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  if (point_size > 0 || bold) {
    QFont f = label->font();
    if (point_size > 0) f.setPointSize(point_size);
    f.setBold(bold);
    label->setFont(f);
  }
  return label;
}

QLabel* Header(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  QFont f = label->font();
  f.setBold(true);
  label->setFont(f);
  return label;
}

QString Document(v1::DocumentType type, const std::string& last4) {
  QString text = Q(DocumentTypeName(type)).replace(QLatin1Char('_'), QLatin1Char(' '));
  if (!last4.empty()) text += QStringLiteral(" …%1").arg(Q(last4));
  return text.trimmed();
}

QString DeliveryText(const v1::Application& a) {
  switch (a.delivery()) {
    case v1::DELIVERY_POST: return QStringLiteral("by post to the address on record");
    case v1::DELIVERY_PICKUP:
      return QStringLiteral("pickup at shop %1").arg(Q(a.pickup_branch_id()));
    default: return QStringLiteral("delivery not chosen");
  }
}

// The risk in words, one factor a line.
QString RiskWords(int score, const google::protobuf::RepeatedPtrField<std::string>& factors) {
  if (score <= 0 && factors.empty())
    return QStringLiteral("No risk found: one reviewer's approval is enough.");
  QStringList lines;
  lines << (score > 0 ? QStringLiteral("Risk %1: two different reviewers must approve.").arg(score)
                      : QStringLiteral("Risk %1.").arg(score));
  for (const std::string& f : factors) lines << QStringLiteral("•  %1").arg(Q(RiskFactorWords(f)));
  return lines.join(QLatin1Char('\n'));
}

// What the reviewer does next, or how the application ended.
QString NextStep(const v1::Application& a) {
  switch (a.state()) {
    case v1::APPLICATION_STATE_AWAITING_REVIEW:
      return a.first_approver().empty()
                 ? QStringLiteral("Next: compare the photos with the register, then approve or "
                                  "reject.")
                 : QStringLiteral("Next: a reviewer other than %1 approves, or anyone rejects.")
                       .arg(Q(a.first_approver()));
    case v1::APPLICATION_STATE_AWAITING_DISPATCH:
      return a.delivery() == v1::DELIVERY_PICKUP
                 ? QStringLiteral("Next: send a blank card to shop %1 (its ICCID below).")
                       .arg(Q(a.pickup_branch_id()))
                 : QStringLiteral("Next: post a blank card (its ICCID and the tracking number "
                                  "below).");
    case v1::APPLICATION_STATE_AWAITING_ACTIVATION:
      return QStringLiteral("Posted: waits for the customer to activate the card.");
    case v1::APPLICATION_STATE_AWAITING_PICKUP:
      return QStringLiteral("At shop %1: waits for the customer to collect the card.")
          .arg(Q(a.pickup_branch_id()));
    case v1::APPLICATION_STATE_CLOSED:
      return QStringLiteral("Finished: the new card is active, the old one blocked.");
    case v1::APPLICATION_STATE_CANCELLED:
      return a.reject_reason().empty()
                 ? QStringLiteral("Finished: cancelled.")
                 : QStringLiteral("Finished: rejected (%1: %2).")
                       .arg(Q(a.reject_reason()), Q(RejectReasonWords(a.reject_reason())));
    default: return {};
  }
}

// The field a violation names, without a request's prefix.
std::string FieldName(const std::string& field) {
  const size_t dot = field.rfind('.');
  return dot == std::string::npos ? field : field.substr(dot + 1);
}

}  // namespace

ReviewWidget::ReviewWidget(Backend* backend, QWidget* parent)
    : QWidget(parent), backend_(backend) {
  auto* outer = new QVBoxLayout(this);
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->setObjectName(QStringLiteral("reviewSplit"));
  split->addWidget(BuildQueue());
  split->addWidget(BuildApplication());
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 5);
  split->setSizes({320, 940});
  outer->addWidget(split, 1);

  auto* bottom = new QHBoxLayout();
  counter_ = new QPushButton(QStringLiteral("Back to the counter"), this);
  counter_->setObjectName(QStringLiteral("reviewCounter"));
  counter_->hide();
  logout_ = new QPushButton(QStringLiteral("Log out"), this);
  logout_->setObjectName(QStringLiteral("reviewLogout"));
  bottom->addStretch(1);
  bottom->addWidget(counter_);
  bottom->addWidget(logout_);
  outer->addLayout(bottom);
  connect(counter_, &QPushButton::clicked, this, &ReviewWidget::counterRequested);
  connect(logout_, &QPushButton::clicked, this, &ReviewWidget::logoutRequested);

  poll_.setInterval(30000);
  connect(&poll_, &QTimer::timeout, this, [this] {
    if (reads_ == 0) refresh();
  });
  clear();
}

// --- building ---------------------------------------------------------------

QWidget* ReviewWidget::BuildQueue() {
  auto* box = new QGroupBox(QStringLiteral("Online applications, oldest first"), this);
  auto* layout = new QVBoxLayout(box);
  state_ = new QComboBox(box);
  state_->setObjectName(QStringLiteral("reviewQueueState"));
  state_->addItem(QStringLiteral("Waiting for review"),
                  static_cast<int>(v1::APPLICATION_STATE_AWAITING_REVIEW));
  state_->addItem(QStringLiteral("Approved, waiting for a card"),
                  static_cast<int>(v1::APPLICATION_STATE_AWAITING_DISPATCH));
  state_->addItem(QStringLiteral("Posted, waiting for activation"),
                  static_cast<int>(v1::APPLICATION_STATE_AWAITING_ACTIVATION));
  state_->addItem(QStringLiteral("At a shop, waiting for pickup"),
                  static_cast<int>(v1::APPLICATION_STATE_AWAITING_PICKUP));
  layout->addWidget(state_);
  queue_list_ = new QListWidget(box);
  queue_list_->setObjectName(QStringLiteral("reviewQueue"));
  queue_list_->setWordWrap(true);
  queue_list_->setSpacing(2);
  queue_list_->setAlternatingRowColors(true);
  layout->addWidget(queue_list_, 1);
  queue_zone_ = Label(QStringLiteral("reviewQueueZone"), box);
  queue_zone_->setStyleSheet(QStringLiteral("color: #555;"));
  layout->addWidget(queue_zone_);
  queue_message_ = Label(QStringLiteral("reviewQueueMessage"), box);
  layout->addWidget(queue_message_);
  auto* refresh_button = new QPushButton(QStringLiteral("Refresh"), box);
  refresh_button->setObjectName(QStringLiteral("reviewRefresh"));
  layout->addWidget(refresh_button);
  connect(refresh_button, &QPushButton::clicked, this, &ReviewWidget::refresh);
  connect(state_, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
  connect(queue_list_, &QListWidget::currentItemChanged, this,
          [this](QListWidgetItem* item, QListWidgetItem*) {
            if (!item) return;
            const int64_t id = item->data(Qt::UserRole).toLongLong();
            if (id != 0 && id != current_.application().case_id() && id != loading_id_) Load(id);
          });
  return box;
}

QWidget* ReviewWidget::BuildApplication() {
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  // Everything fits the width (labels wrap); only a short window scrolls.
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  auto* page = new QWidget(scroll);
  auto* layout = new QVBoxLayout(page);
  placeholder_ = Label(QStringLiteral("reviewPlaceholder"), page, 13);
  placeholder_->setAlignment(Qt::AlignCenter);
  layout->addWidget(placeholder_, 1);

  details_ = new QWidget(page);
  auto* d = new QVBoxLayout(details_);
  d->setContentsMargins(0, 0, 0, 0);
  title_ = Label(QStringLiteral("reviewTitle"), details_, 16, true);
  summary_ = Label(QStringLiteral("reviewSummary"), details_);
  risk_ = Label(QStringLiteral("reviewRisk"), details_, 0, true);
  d->addWidget(title_);
  d->addWidget(summary_);
  d->addWidget(risk_);

  // The photos side by side, the application beside the register.
  auto* row = new QHBoxLayout();
  auto photo_column = [&](const QString& caption, const QString& name) {
    auto* column = new QVBoxLayout();
    column->addWidget(Header(caption, details_));
    auto* view = new PhotoView(caption, details_);
    view->setObjectName(name);
    view->setMinimumSize(200, 280);
    column->addWidget(view, 1);
    row->addLayout(column, 2);
    return view;
  };
  document_ = photo_column(QStringLiteral("Document page"), QStringLiteral("reviewDocumentPhoto"));
  selfie_ = photo_column(QStringLiteral("Selfie with the document"),
                         QStringLiteral("reviewSelfiePhoto"));
  connect(document_, &PhotoView::clicked, this,
          [this] { OpenPhoto(document_, QStringLiteral("Document page")); });
  connect(selfie_, &PhotoView::clicked, this,
          [this] { OpenPhoto(selfie_, QStringLiteral("Selfie with the document")); });

  holder_box_ = new QGroupBox(QStringLiteral("The application beside the register"), details_);
  holder_box_->setObjectName(QStringLiteral("reviewHolder"));
  auto* grid = new QGridLayout(holder_box_);
  grid->addWidget(Header(QStringLiteral("As typed"), holder_box_), 0, 1);
  grid->addWidget(Header(QStringLiteral("Holder on record"), holder_box_), 0, 2);
  int r = 1;
  auto add_row = [&](const QString& label, QLabel* typed, QLabel* record) {
    grid->addWidget(new QLabel(label, holder_box_), r, 0, Qt::AlignTop);
    if (typed) grid->addWidget(typed, r, 1, Qt::AlignTop);
    grid->addWidget(record, r, 2, Qt::AlignTop);
    ++r;
  };
  application_name_ = Label(QStringLiteral("applicationName"), holder_box_);
  application_document_ = Label(QStringLiteral("applicationDocument"), holder_box_);
  holder_name_ = Label(QStringLiteral("holderName"), holder_box_);
  holder_document_ = Label(QStringLiteral("holderDocument"), holder_box_);
  holder_matches_ = Label(QStringLiteral("holderMatches"), holder_box_, 0, true);
  holder_address_ = Label(QStringLiteral("holderAddress"), holder_box_);
  holder_contact_ = Label(QStringLiteral("holderContact"), holder_box_);
  holder_sim_change_ = Label(QStringLiteral("holderSimChange"), holder_box_);
  // The two value columns share the width evenly, their words wrapping.
  for (QLabel* value : {application_name_, application_document_, holder_name_, holder_document_,
                        holder_matches_, holder_address_, holder_contact_, holder_sim_change_})
    value->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  add_row(QStringLiteral("Name"), application_name_, holder_name_);
  add_row(QStringLiteral("Document"), application_document_, holder_document_);
  add_row(QStringLiteral("Same document"), nullptr, holder_matches_);
  add_row(QStringLiteral("Address"), nullptr, holder_address_);
  add_row(QStringLiteral("Contact"), nullptr, holder_contact_);
  add_row(QStringLiteral("Last SIM change"), nullptr, holder_sim_change_);
  grid->setColumnStretch(1, 1);
  grid->setColumnStretch(2, 1);
  grid->setRowStretch(r, 1);
  row->addWidget(holder_box_, 4);
  d->addLayout(row, 1);

  d->addWidget(BuildDecisions());
  message_ = Label(QStringLiteral("reviewMessage"), details_, 11);
  message_->setMinimumHeight(32);
  d->addWidget(message_);
  records_ = Label(QStringLiteral("reviewRecords"), details_);
  records_->setStyleSheet(QStringLiteral("color: #555;"));
  d->addWidget(records_);
  layout->addWidget(details_, 1);
  scroll->setWidget(page);
  return scroll;
}

QWidget* ReviewWidget::BuildDecisions() {
  decisions_ = new QGroupBox(QStringLiteral("Decision"), details_);
  auto* grid = new QGridLayout(decisions_);
  approve_ = new QPushButton(QStringLiteral("Approve"), decisions_);
  approve_->setObjectName(QStringLiteral("reviewApprove"));
  approve_->setMinimumHeight(36);
  reason_ = new QComboBox(decisions_);
  reason_->setObjectName(QStringLiteral("reviewRejectReason"));
  // Sized by the field, not by its longest reason.
  reason_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  reason_->setMinimumContentsLength(24);
  reason_->addItem(QStringLiteral("Choose the reason to reject..."),
                   static_cast<int>(v1::REJECT_REASON_UNSPECIFIED));
  for (v1::RejectReason reason : RejectReasons()) {
    QString words = Q(RejectReasonWords(reason));
    if (!words.isEmpty()) words[0] = words[0].toUpper();
    reason_->addItem(words, static_cast<int>(reason));
  }
  reject_ = new QPushButton(QStringLiteral("Reject"), decisions_);
  reject_->setObjectName(QStringLiteral("reviewReject"));
  reject_->setMinimumHeight(36);
  grid->addWidget(approve_, 0, 0);
  grid->addWidget(reason_, 0, 1, 1, 3);
  grid->addWidget(reject_, 0, 4);

  iccid_ = new QLineEdit(decisions_);
  iccid_->setObjectName(QStringLiteral("reviewIccid"));
  iccid_->setPlaceholderText(QStringLiteral("ICCID of a blank card, 19-20 digits"));
  tracking_ = new QLineEdit(decisions_);
  tracking_->setObjectName(QStringLiteral("reviewTracking"));
  tracking_->setPlaceholderText(QStringLiteral("e.g. RA123456789RU"));
  dispatch_ = new QPushButton(QStringLiteral("Dispatch the card"), decisions_);
  dispatch_->setObjectName(QStringLiteral("reviewDispatch"));
  dispatch_->setMinimumHeight(36);
  iccid_error_ = Label(QStringLiteral("reviewIccidError"), decisions_);
  iccid_error_->setStyleSheet(kErrorStyle);
  tracking_error_ = Label(QStringLiteral("reviewTrackingError"), decisions_);
  tracking_error_->setStyleSheet(kErrorStyle);
  grid->addWidget(new QLabel(QStringLiteral("Card (ICCID)"), decisions_), 1, 0);
  grid->addWidget(iccid_, 1, 1);
  grid->addWidget(new QLabel(QStringLiteral("Tracking number"), decisions_), 1, 2);
  grid->addWidget(tracking_, 1, 3);
  grid->addWidget(dispatch_, 1, 4);
  grid->addWidget(iccid_error_, 2, 1);
  grid->addWidget(tracking_error_, 2, 3);
  cancel_reason_ = new QComboBox(decisions_);
  cancel_reason_->setObjectName(QStringLiteral("reviewCancelReason"));
  cancel_reason_->addItem(QStringLiteral("Choose the reason to cancel..."),
                          static_cast<int>(v1::CANCEL_REASON_UNSPECIFIED));
  for (const auto& [reason, words] :
       {std::pair{v1::CANCEL_REASON_ENVELOPE_LOST, "Envelope lost in the post"},
        std::pair{v1::CANCEL_REASON_SUSPECTED_FRAUD, "Suspected fraud"},
        std::pair{v1::CANCEL_REASON_CUSTOMER_REQUEST, "The customer asked to cancel"},
        std::pair{v1::CANCEL_REASON_CARD_FAULTY, "The card is faulty"}})
    cancel_reason_->addItem(QString::fromUtf8(words), static_cast<int>(reason));
  cancel_ = new QPushButton(QStringLiteral("Cancel application"), decisions_);
  cancel_->setObjectName(QStringLiteral("reviewCancel"));
  cancel_->setMinimumHeight(36);
  grid->addWidget(new QLabel(QStringLiteral("Cancel"), decisions_), 3, 0);
  grid->addWidget(cancel_reason_, 3, 1, 1, 3);
  grid->addWidget(cancel_, 3, 4);
  grid->setColumnStretch(1, 3);
  grid->setColumnStretch(3, 2);
  connect(cancel_, &QPushButton::clicked, this, &ReviewWidget::AskCancel);
  connect(cancel_reason_, &QComboBox::currentIndexChanged, this, &ReviewWidget::UpdateButtons);

  connect(approve_, &QPushButton::clicked, this, &ReviewWidget::Approve);
  connect(reject_, &QPushButton::clicked, this, &ReviewWidget::Reject);
  connect(dispatch_, &QPushButton::clicked, this, &ReviewWidget::Dispatch);
  connect(reason_, &QComboBox::currentIndexChanged, this, &ReviewWidget::UpdateButtons);
  connect(iccid_, &QLineEdit::returnPressed, this, [this] {
    if (dispatch_->isEnabled()) dispatch_->click();
  });
  return decisions_;
}

// --- showing ----------------------------------------------------------------

void ReviewWidget::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  poll_.start();
}

void ReviewWidget::hideEvent(QHideEvent* event) {
  QWidget::hideEvent(event);
  poll_.stop();
}

void ReviewWidget::setCounterReachable(bool reachable) { counter_->setVisible(reachable); }

void ReviewWidget::clear() {
  // After a logout the answers of calls still on their way are dropped
  // (Backend::logout): nothing is in flight for this screen any more.
  reads_ = 0;
  acting_ = false;
  queue_.clear();
  current_.Clear();
  loading_id_ = 0;
  queue_list_->clear();
  queue_zone_->clear();
  queue_message_->clear();
  iccid_->clear();
  tracking_->clear();
  reason_->setCurrentIndex(0);
  cancel_reason_->setCurrentIndex(0);
  if (cancel_confirm_) cancel_confirm_->close();
  ClearFieldErrors();
  message_->clear();
  ShowApplication();
}

void ReviewWidget::Say(const QString& text, bool error) {
  message_->setText(text);
  message_->setStyleSheet(error ? QStringLiteral("color: #b00020; font-weight: bold;")
                                : QStringLiteral("color: #1b5e20; font-weight: bold;"));
}

void ReviewWidget::ClearFieldErrors() {
  iccid_error_->clear();
  tracking_error_->clear();
}

void ReviewWidget::refresh() {
  const auto state = static_cast<v1::ApplicationState>(state_->currentData().toInt());
  struct QueueRead {
    std::vector<v1::ApplicationSummary> applications;
    std::map<std::string, std::string> zones;  // found now
  };
  ++reads_;
  UpdateButtons();
  const std::map<std::string, std::string> known = zones_;
  backend_->run<QueueRead>(
      this,
      [state, known](const Clients& c, QueueRead* out) {
        grpc::Status status = c.remote->List(state, 0, &out->applications);
        if (!status.ok()) return status;
        // The lines name no zone: the branch's from the public branch list
        // (an application, once opened, names it too).
        for (const v1::ApplicationSummary& a : out->applications) {
          if (known.count(a.branch_id()) || out->zones.count(a.branch_id())) continue;
          out->zones[a.branch_id()] = LookUpBranchZone(c.channel, c.options, a.branch_id());
        }
        return status;
      },
      [this, state](const grpc::Status& status, const QueueRead& read) {
        reads_ = std::max(0, reads_ - 1);
        UpdateButtons();
        if (static_cast<int>(state) != state_->currentData().toInt()) return;  // switched
        if (!status.ok()) {
          queue_message_->setText(RefusalText(status));
          queue_message_->setStyleSheet(kErrorStyle);
          return;
        }
        for (const auto& [branch, zone] : read.zones)
          if (!zone.empty()) zones_[branch] = zone;
        queue_message_->clear();
        ShowQueue(read.applications);
      });
}

void ReviewWidget::ShowQueue(const std::vector<v1::ApplicationSummary>& queue) {
  queue_ = queue;
  // Past the review (dispatch, posted, at a shop): no second look awaited.
  const bool dispatch =
      state_->currentData().toInt() != static_cast<int>(v1::APPLICATION_STATE_AWAITING_REVIEW);
  const int64_t chosen = current_.application().case_id() != 0 ? current_.application().case_id()
                                                               : loading_id_;
  const QSignalBlocker quiet(queue_list_);
  queue_list_->clear();
  // The lines' zone, when they share one that is known (else each time
  // names this computer's zone).
  QString zone_note;
  for (const v1::ApplicationSummary& a : queue_) {
    const auto zone = zones_.find(a.branch_id());
    const QString name = zone == zones_.end() ? QString() : Q(zone->second);
    if (name.isEmpty() || (!zone_note.isEmpty() && zone_note != name)) {
      zone_note.clear();
      break;
    }
    zone_note = name;
  }
  queue_zone_->setText(zone_note.isEmpty()
                           ? QString()
                           : QStringLiteral("Times in %1, the branch's zone.").arg(zone_note));
  for (const v1::ApplicationSummary& a : queue_) {
    const auto zone = zones_.find(a.branch_id());
    QStringList lines;
    lines << QStringLiteral("Case %1   %2")
                 .arg(a.case_id())
                 .arg(Q(FormatDateTime(a.apply_time(),
                                       zone == zones_.end() ? std::string() : zone->second)));
    lines << QStringLiteral("%1   %2   %3")
                 .arg(Q(a.phone_masked()), Q(a.operator_id()), Q(ReasonName(a.reason())));
    if (a.risk_score() > 0 || a.risk_factors_size() > 0) {
      QStringList words;
      for (const std::string& f : a.risk_factors()) words << Q(RiskFactorWords(f));
      lines << QStringLiteral("Risk %1: %2").arg(a.risk_score()).arg(words.join(QStringLiteral("; ")));
    } else {
      lines << QStringLiteral("No risk found");
    }
    if (!dispatch && !a.first_approver().empty())
      lines << QStringLiteral("Waits for a second reviewer (first: %1)").arg(Q(a.first_approver()));
    auto* item = new QListWidgetItem(lines.join(QLatin1Char('\n')), queue_list_);
    item->setData(Qt::UserRole, QVariant::fromValue<qlonglong>(a.case_id()));
    if (a.risk_score() > 0) item->setForeground(QColor(0x8a, 0x1c, 0x00));
    if (a.case_id() == chosen) queue_list_->setCurrentItem(item);
  }
  if (queue_.empty()) {
    QString empty = QStringLiteral("No application waits for review.");
    switch (state_->currentData().toInt()) {
      case v1::APPLICATION_STATE_AWAITING_DISPATCH:
        empty = QStringLiteral("No application waits for a card.");
        break;
      case v1::APPLICATION_STATE_AWAITING_ACTIVATION:
        empty = QStringLiteral("No posted card waits for activation.");
        break;
      case v1::APPLICATION_STATE_AWAITING_PICKUP:
        empty = QStringLiteral("No card waits at a shop.");
        break;
      default: break;
    }
    auto* item = new QListWidgetItem(empty, queue_list_);
    item->setFlags(Qt::NoItemFlags);
  }
}

void ReviewWidget::Load(int64_t case_id) {
  struct Loaded {
    v1::GetApplicationResponse response;
    DecodedPhoto document;
    DecodedPhoto selfie;
  };
  loading_id_ = case_id;
  ++reads_;
  UpdateButtons();
  if (current_.application().case_id() != case_id) {
    current_.Clear();
    ShowApplication();
    placeholder_->setText(QStringLiteral("Loading application %1...").arg(case_id));
  }
  backend_->run<Loaded>(
      this,
      [case_id](const Clients& c, Loaded* out) {
        grpc::Status status = c.remote->Get(case_id, &out->response);
        if (!status.ok()) return status;
        // Decoded here, off the UI thread, and bounded in size.
        for (const v1::ApplicationPhoto& p : out->response.photos()) {
          if (p.kind() == v1::PHOTO_KIND_DOCUMENT) out->document = DecodePhoto(p.content());
          if (p.kind() == v1::PHOTO_KIND_SELFIE) out->selfie = DecodePhoto(p.content());
        }
        return status;
      },
      [this, case_id](const grpc::Status& status, const Loaded& loaded) {
        reads_ = std::max(0, reads_ - 1);
        if (loading_id_ != case_id) {  // another one was chosen meanwhile
          UpdateButtons();
          return;
        }
        loading_id_ = 0;
        if (!status.ok()) {
          placeholder_->setText(QStringLiteral("Application %1 cannot be shown: %2")
                                    .arg(case_id)
                                    .arg(RefusalText(status)));
          UpdateButtons();
          return;
        }
        const bool other = current_.application().case_id() != case_id;
        current_ = loaded.response;
        const v1::Application& a = current_.application();
        if (!a.time_zone().empty() && zones_[a.branch_id()] != a.time_zone()) {
          zones_[a.branch_id()] = a.time_zone();
          ShowQueue(queue_);  // its times in the zone now known
        }
        if (other) {
          iccid_->clear();
          tracking_->clear();
          reason_->setCurrentIndex(0);
          cancel_reason_->setCurrentIndex(0);
          ClearFieldErrors();
          message_->clear();
        }
        ShowApplication();
        auto show_photo = [&](PhotoView* view, const DecodedPhoto& photo, v1::PhotoKind kind) {
          const bool present = std::any_of(current_.photos().begin(), current_.photos().end(),
                                           [kind](const auto& p) { return p.kind() == kind; });
          if (present)
            view->setPhoto(photo);
          else
            view->setMessage(a.erased() ? QStringLiteral("Erased with the personal data")
                                        : QStringLiteral("No photo"));
        };
        show_photo(document_, loaded.document, v1::PHOTO_KIND_DOCUMENT);
        show_photo(selfie_, loaded.selfie, v1::PHOTO_KIND_SELFIE);
      });
}

void ReviewWidget::ShowApplication() {
  const v1::Application& a = current_.application();
  const bool has = a.case_id() != 0;
  details_->setVisible(has);
  placeholder_->setVisible(!has);
  if (!has) {
    placeholder_->setText(QStringLiteral("Choose an application on the left to review it."));
    document_->setMessage(QStringLiteral("No photo"));
    selfie_->setMessage(QStringLiteral("No photo"));
    UpdateButtons();
    return;
  }
  const std::string& zone = a.time_zone();
  title_->setText(QStringLiteral("Application %1 — %2")
                      .arg(a.case_id())
                      .arg(Q(ApplicationStateName(a.state()))));
  QStringList summary;
  QString times = QStringLiteral("Applied %1").arg(Q(FormatDateTime(a.apply_time(), zone)));
  if (a.has_finish_time())
    times += QStringLiteral(", finished %1").arg(Q(FormatDateTime(a.finish_time(), zone)));
  else if (a.has_expire_time())
    times += QStringLiteral(", expires %1").arg(Q(FormatDateTime(a.expire_time(), zone)));
  if (!zone.empty()) times += QStringLiteral(" (%1)").arg(Q(zone));
  summary << times;
  summary << QStringLiteral("Phone %1 · %2 · reason: %3 · %4")
                 .arg(Q(a.phone_masked()), Q(a.operator_id()), Q(ReasonName(a.reason())),
                      DeliveryText(a));
  if (!a.tracking_number().empty() || !a.new_iccid_last4().empty()) {
    QStringList card;
    if (!a.new_iccid_last4().empty()) card << QStringLiteral("card …%1").arg(Q(a.new_iccid_last4()));
    if (!a.tracking_number().empty())
      card << QStringLiteral("tracking %1").arg(Q(a.tracking_number()));
    summary << card.join(QStringLiteral(" · "));
  }
  if (!a.reviewer().empty()) summary << QStringLiteral("Decided by %1").arg(Q(a.reviewer()));
  summary << NextStep(a);
  summary_->setText(summary.join(QLatin1Char('\n')));

  QString risk = RiskWords(a.risk_score(), a.risk_factors());
  if (a.state() == v1::APPLICATION_STATE_AWAITING_REVIEW && !a.first_approver().empty())
    risk += QStringLiteral("\nFirst approval by %1: waits for a second, different reviewer.")
                .arg(Q(a.first_approver()));
  risk_->setText(risk);
  risk_->setStyleSheet(a.risk_score() > 0 ? QStringLiteral("color: #8a1c00;")
                                          : QStringLiteral("color: #1b5e20;"));

  application_name_->setText(Q(a.full_name()));
  application_document_->setText(Document(a.document_type(), a.document_last4()));
  if (current_.has_holder()) {
    const v1::RegisterHolder& h = current_.holder();
    holder_name_->setText(Q(h.full_name()));
    holder_document_->setText(Document(h.document_type(), h.document_last4()));
    holder_matches_->setText(h.document_matches()
                                 ? QStringLiteral("yes")
                                 : QStringLiteral("NO — not the holder's document"));
    holder_matches_->setStyleSheet(h.document_matches() ? QString(kOkStyle)
                                                        : QString(kErrorStyle));
    holder_address_->setText(h.address().empty()
                                 ? QStringLiteral("none on record (pickup only)")
                                 : Q(h.address()));
    // An e-mail may wrap after its '@' (a zero-width space) in a narrow column.
    QString contact = h.contact_masked().empty()
                          ? QStringLiteral("none on record")
                          : Q(h.contact_masked()).replace(QLatin1Char('@'), QStringLiteral("@\u200B"));
    if (h.has_contact_change_time())
      contact += QStringLiteral("\nchanged %1").arg(LocalDateTime(h.contact_change_time(), zone));
    holder_contact_->setText(contact);
    holder_sim_change_->setText(h.has_last_sim_change_time()
                                    ? LocalDateTime(h.last_sim_change_time(), zone)
                                    : QStringLiteral("never"));
  } else {
    holder_name_->setText(QStringLiteral("The register does not know this number."));
    holder_matches_->setStyleSheet(kErrorStyle);
    for (QLabel* l : {holder_document_, holder_matches_, holder_address_, holder_contact_,
                      holder_sim_change_})
      l->setText(QStringLiteral("—"));
  }

  QStringList records;
  for (const v1::CaseRecord& r : a.records()) {
    records << QStringLiteral("%1  %2 %3 — %4")
                   .arg(LocalDateTime(r.time(), zone), Q(r.step()), Q(r.outcome()), Q(r.actor()));
  }
  records_->setText(records.isEmpty() ? QString()
                                      : QStringLiteral("History:\n") + records.join('\n'));
  tracking_->setEnabled(a.delivery() == v1::DELIVERY_POST);
  if (a.delivery() != v1::DELIVERY_POST) tracking_->clear();
  UpdateButtons();
}

void ReviewWidget::UpdateButtons() {
  const v1::Application& a = current_.application();
  const bool free = !acting_ && loading_id_ == 0 && a.case_id() != 0;
  const bool review = a.state() == v1::APPLICATION_STATE_AWAITING_REVIEW;
  const bool dispatch = a.state() == v1::APPLICATION_STATE_AWAITING_DISPATCH;
  approve_->setEnabled(free && review);
  reason_->setEnabled(free && review);
  reject_->setEnabled(free && review && reason_->currentData().toInt() != 0);
  iccid_->setEnabled(free && dispatch);
  tracking_->setEnabled(free && dispatch && a.delivery() == v1::DELIVERY_POST);
  dispatch_->setEnabled(free && dispatch);
  const bool unfinished = a.state() != v1::APPLICATION_STATE_UNSPECIFIED &&
                          a.state() != v1::APPLICATION_STATE_CLOSED &&
                          a.state() != v1::APPLICATION_STATE_CANCELLED;
  cancel_reason_->setEnabled(free && unfinished);
  cancel_->setEnabled(free && unfinished && cancel_reason_->currentData().toInt() != 0);
  logout_->setEnabled(!acting_);
}

// --- steps ------------------------------------------------------------------

void ReviewWidget::ShowRefusal(const QString& what, const grpc::Status& status) {
  const v1::Application& a = current_.application();
  if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED && !a.first_approver().empty() &&
      Q(a.first_approver()) == backend_->login()) {
    Say(QStringLiteral("%1: you gave this application's first approval. Four eyes: another "
                       "reviewer must give the second. (%2)")
            .arg(what, Q(status.error_message())),
        true);
    return;
  }
  QStringList other;
  for (const auto& [field, description] : client::FieldViolations(status)) {
    const std::string name = FieldName(field);
    if (name == "iccid")
      iccid_error_->setText(Q(description));
    else if (name == "tracking_number")
      tracking_error_->setText(Q(description));
    else
      other << Q(description);
  }
  if (client::FieldViolations(status).empty()) other << RefusalText(status);
  if (other.isEmpty())
    Say(QStringLiteral("%1: correct the fields marked in red.").arg(what), true);
  else
    Say(QStringLiteral("%1: %2").arg(what, other.join(QStringLiteral("; "))), true);
}

void ReviewWidget::AfterStep(const v1::Application& application) {
  // The step's answer names the application as it is now; the photos and
  // the holder stay as read.
  *current_.mutable_application() = application;
  const v1::Application& a = current_.application();
  if (!a.time_zone().empty()) zones_[a.branch_id()] = a.time_zone();
  ShowApplication();
  refresh();
}

void ReviewWidget::Decide(
    int64_t id, const QString& doing, const QString& refused,
    std::function<grpc::Status(const Clients&, v1::Application*)> call,
    std::function<QString(const v1::Application&)> done) {
  acting_ = true;
  ClearFieldErrors();
  Say(doing, false);
  UpdateButtons();
  backend_->run<v1::Application>(
      this, std::move(call),
      [this, id, refused, done = std::move(done)](const grpc::Status& status,
                                                  const v1::Application& a) {
        acting_ = false;
        if (current_.application().case_id() != id) return UpdateButtons();
        if (!status.ok()) {
          ShowRefusal(refused, status);
          UpdateButtons();
          if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) Load(id);
          return;
        }
        Say(done(a), false);
        AfterStep(a);
      });
}

void ReviewWidget::Approve() {
  const int64_t id = current_.application().case_id();
  Decide(
      id, QStringLiteral("Approving..."), QStringLiteral("Not approved"),
      [id](const Clients& c, v1::Application* out) { return c.remote->Approve(id, out); },
      [](const v1::Application& a) {
        return a.state() == v1::APPLICATION_STATE_AWAITING_REVIEW
                   ? QStringLiteral("First approval recorded. A second, different reviewer must "
                                    "approve it too.")
                   : QStringLiteral("Approved. Dispatch a card now, or later from \"Approved, "
                                    "waiting for a card\".");
      });
}

void ReviewWidget::Reject() {
  const int64_t id = current_.application().case_id();
  const auto reason = static_cast<v1::RejectReason>(reason_->currentData().toInt());
  Decide(
      id, QStringLiteral("Rejecting..."), QStringLiteral("Not rejected"),
      [id, reason](const Clients& c, v1::Application* out) {
        return c.remote->Reject(id, reason, out);
      },
      [](const v1::Application& a) {
        return QStringLiteral("Rejected: %1. The applicant's status page shows it.")
            .arg(Q(RejectReasonWords(a.reject_reason())));
      });
}

void ReviewWidget::Dispatch() {
  const int64_t id = current_.application().case_id();
  const std::string iccid = iccid_->text().trimmed().toStdString();
  const std::string tracking = tracking_->text().trimmed().toStdString();
  acting_ = true;
  ClearFieldErrors();
  Say(QStringLiteral("Dispatching..."), false);
  UpdateButtons();
  backend_->run<v1::DispatchCardResponse>(
      this,
      [id, iccid, tracking](const Clients& c, v1::DispatchCardResponse* out) {
        return c.remote->Dispatch(id, iccid, tracking, out);
      },
      [this, id](const grpc::Status& status, const v1::DispatchCardResponse& sent) {
        acting_ = false;
        if (!status.ok()) {
          if (current_.application().case_id() == id) ShowRefusal(QStringLiteral("Not dispatched"), status);
          UpdateButtons();
          // A lost answer may hide a dispatch that happened: read again.
          if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
              status.error_code() == grpc::StatusCode::UNAVAILABLE ||
              status.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
            Load(id);
          return;
        }
        iccid_->clear();
        tracking_->clear();
        if (!sent.activation_code().empty()) {
          Say(QStringLiteral("Card posted (tracking %1). The activation code is shown once, in "
                             "its window.")
                  .arg(Q(sent.tracking_number())),
              false);
          auto* dialog = new ActivationCodeDialog(id, Q(sent.activation_code()),
                                                  Q(sent.tracking_number()), Q(sent.question()),
                                                  this);
          dialog->setAttribute(Qt::WA_DeleteOnClose);
          code_dialog_ = dialog;
          dialog->show();
        } else {
          Say(QStringLiteral("Card sent to the pickup shop. The counter there asks: %1")
                  .arg(Q(sent.question())),
              false);
        }
        Load(id);
        refresh();
      });
}

void ReviewWidget::AskCancel() {
  const int64_t id = current_.application().case_id();
  const auto reason = static_cast<v1::CancelReason>(cancel_reason_->currentData().toInt());
  if (id == 0 || reason == v1::CANCEL_REASON_UNSPECIFIED || cancel_confirm_) return;
  auto* box = new QMessageBox(
      QMessageBox::Warning, QStringLiteral("Cancel application %1").arg(id),
      QStringLiteral("Cancel application %1 (phone %2)?\nReason: %3.\nIt cannot be undone; a "
                     "card bound to it is not to be used.")
          .arg(id)
          .arg(Q(current_.application().phone_masked()), cancel_reason_->currentText()),
      QMessageBox::Yes | QMessageBox::No, this);
  box->setObjectName(QStringLiteral("reviewCancelConfirm"));
  box->button(QMessageBox::Yes)->setText(QStringLiteral("Cancel the application"));
  box->button(QMessageBox::Yes)->setObjectName(QStringLiteral("reviewCancelYes"));
  box->button(QMessageBox::No)->setText(QStringLiteral("Keep it"));
  box->button(QMessageBox::No)->setObjectName(QStringLiteral("reviewCancelNo"));
  box->setDefaultButton(QMessageBox::No);
  box->setAttribute(Qt::WA_DeleteOnClose);
  connect(box, &QMessageBox::finished, this, [this, id, reason](int result) {
    if (result == QMessageBox::Yes && current_.application().case_id() == id) Cancel(id, reason);
  });
  cancel_confirm_ = box;
  box->open();
}

void ReviewWidget::Cancel(int64_t id, v1::CancelReason reason) {
  Decide(
      id, QStringLiteral("Cancelling..."), QStringLiteral("Not cancelled"),
      [id, reason](const Clients& c, v1::Application* out) {
        return c.remote->Cancel(id, reason, out);
      },
      [this](const v1::Application&) {
        cancel_reason_->setCurrentIndex(0);
        return QStringLiteral("Cancelled. The applicant's status page shows it.");
      });
}

void ReviewWidget::OpenPhoto(PhotoView* view, const QString& title) {
  if (!view->hasImage()) return;
  auto* dialog = new PhotoDialog(
      view->image(),
      QStringLiteral("%1 — application %2").arg(title).arg(current_.application().case_id()),
      this);
  dialog->setObjectName(QStringLiteral("photoDialog"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
}

}  // namespace shop::queue::counter::gui
