// CaseWidget: the SIM-replacement case as a guided form, one page per step
// (form, identity check, payment, card issue, block, close), the page shown
// following the case's state from the server. Every step is sent through
// the Backend (off the UI thread, exactly once); a refusal is shown where the
// clerk looks: each google.rpc.BadRequest violation next to its own field,
// other refusals in the page's message line; what was typed stays.
//
// Nothing of the register is shown before the identity check passed; after a
// failed check the attempts left and the new question; after the lock, who
// may unlock it (a supervisor, through SupervisorDialog). Fee waiver and the
// cancel of a paid case go through SupervisorDialog too.
//
// Thread-safety: UI thread only.
#pragma once

#include <cstdint>

#include <QString>
#include <QWidget>

#include "counter/gui/backend.h"
#include "shop/queue/v1/case_service.pb.h"

namespace shop::queue::counter::gui {

class CaseWidget : public QWidget {
  Q_OBJECT
 public:
  explicit CaseWidget(Backend* backend, QWidget* parent = nullptr);

  // Shows `sim_case` at the page of its state.
  void showCase(const v1::Case& sim_case);
  // Finds the case of `ticket_id` (GetCase by ticket) and shows it; emits
  // noCase() when the ticket has none.
  void loadForTicket(int64_t ticket_id);
  // Reads the shown case again (after a reconnect or a refused step).
  void reload();
  // Forgets the case (the ticket ended elsewhere).
  void clear();
  bool hasCase() const;
  const v1::Case& currentCase() const;

 Q_SIGNALS:
  // The case changed (any step, a reload).
  void caseChanged(const shop::queue::v1::Case& sim_case);
  // CloseCase succeeded: the server completed the ticket too.
  void caseClosed(const shop::queue::v1::Case& sim_case, const QString& summary);
  void caseCancelled(const shop::queue::v1::Case& sim_case);
  void noCase();
  // A line for the window's message area (also shown on the page).
  void message(const QString& text, bool error);
};

}  // namespace shop::queue::counter::gui
