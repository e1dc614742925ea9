// PickupDialog: the hand-over of a SIM card ordered online and sent to this
// shop, at a clerk's (or supervisor's) counter.
//
// The clerk types the customer's number (empty lists every card waiting at
// the counter app's branch) and presses Find; each card waiting shows its
// masked number, the card's last four digits, the document to be shown and
// when it expires, in the branch's zone. With one chosen the dialog shows
// the knowledge question to ask; the clerk enters the document presented,
// ticks that the face matches it, types the customer's answer and presses
// Hand over. The outcome is said in words: activated (the new card active,
// the old one blocked), failed with the attempts left, or the number locked.
// Refusals show the server's words (each bad field named). After a failed
// check the server picks another question: the list is read again and the
// new question shown.
//
// Every call goes through the Backend (off the UI thread); HandOver is sent
// exactly once per press.
//
// Thread-safety: UI thread only.
#pragma once

#include <cstdint>

#include <QDialog>

#include "counter/gui/backend.h"
#include "shop/queue/v1/remote_service.pb.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace shop::queue::counter::gui {

class PickupDialog : public QDialog {
  Q_OBJECT
 public:
  explicit PickupDialog(Backend* backend, QWidget* parent = nullptr);

  // Lists the cards waiting (for the typed number, if any).
  void find() { Read(/*keep_message=*/false); }
  // Whether a call is on its way.
  bool busy() const { return busy_; }
  // The cards as last listed.
  const v1::ListPickupsResponse& pickups() const { return pickups_; }

  // objectNames: "pickupPhone", "pickupFind", "pickupList", "pickupZone",
  // "pickupQuestion", "pickupDocumentType", "pickupDocumentNumber",
  // "pickupFace", "pickupAnswer", "pickupHandOver", "pickupMessage",
  // "pickupClose".

 private:
  // Lists the cards again; the card chosen stays chosen (its question may
  // be a new one: the server asks another after a failed check).
  void Read(bool keep_message);
  void ShowPickups();
  void Chosen();
  void HandOver();
  void UpdateButtons();
  void Say(const QString& text, bool error);

  Backend* backend_;
  bool busy_ = false;
  v1::ListPickupsResponse pickups_;
  int64_t chosen_id_ = 0;  // the card whose question is shown

  QLineEdit* phone_;
  QPushButton* find_;
  QListWidget* list_;
  QLabel* zone_;
  QLabel* question_;
  QComboBox* document_type_;
  QLineEdit* document_number_;
  QCheckBox* face_;
  QLineEdit* answer_;
  QPushButton* hand_over_;
  QLabel* message_;
};

}  // namespace shop::queue::counter::gui
