#include "server/storage/sqlite/case_repo.h"

#include "server/storage/sqlite/codec.h"
#include "server/storage/sqlite/sqlite_db.h"

namespace shop::queue::sqlite {

namespace {

// The operator register.
// Columns 0..10 as GetSubscriber reads them.
constexpr const char* kGetSubscriber =
    "SELECT phone, operator_id, holder_name, document_type, document_hash, document_last4, "
    "no_sim_change, last_sim_change_us, contact, address, contact_changed_us "
    "FROM subscribers WHERE phone = ?1";

constexpr const char* kSubscriberTopups =
    "SELECT amount_roubles FROM subscriber_topups WHERE phone = ?1 ORDER BY seq";

constexpr const char* kSubscriberCalls =
    "SELECT number FROM subscriber_calls WHERE phone = ?1 ORDER BY seq";

constexpr const char* kActiveCard =
    "SELECT iccid FROM sim_cards WHERE phone = ?1 AND state = 'active'";

// ?1..?11 in the column order of kGetSubscriber (SaveSubscriber binds them).
constexpr const char* kSaveSubscriber =
    "INSERT INTO subscribers (phone, operator_id, holder_name, document_type, document_hash, "
    "document_last4, no_sim_change, last_sim_change_us, contact, address, contact_changed_us) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
    "ON CONFLICT (phone) DO UPDATE SET operator_id = ?2, holder_name = ?3, document_type = ?4, "
    "document_hash = ?5, document_last4 = ?6, no_sim_change = ?7, last_sim_change_us = ?8, "
    "contact = ?9, address = ?10, contact_changed_us = ?11";

constexpr const char* kDeleteTopups = "DELETE FROM subscriber_topups WHERE phone = ?1";

constexpr const char* kInsertTopup =
    "INSERT INTO subscriber_topups (phone, seq, amount_roubles) VALUES (?1, ?2, ?3)";

constexpr const char* kDeleteCalls = "DELETE FROM subscriber_calls WHERE phone = ?1";

constexpr const char* kInsertCall =
    "INSERT INTO subscriber_calls (phone, seq, number) VALUES (?1, ?2, ?3)";

constexpr const char* kGetCard = "SELECT phone, state FROM sim_cards WHERE iccid = ?1";

constexpr const char* kInsertActiveCard =
    "INSERT INTO sim_cards (iccid, phone, state, activated_us) VALUES (?1, ?2, 'active', ?3)";

constexpr const char* kBlockCard =
    "UPDATE sim_cards SET state = 'blocked', blocked_us = ?3 "
    "WHERE iccid = ?1 AND phone = ?2 AND state = 'active'";

constexpr const char* kSetLastSimChange =
    "UPDATE subscribers SET last_sim_change_us = ?2 WHERE phone = ?1";

// Blank cards.
constexpr const char* kGetStockCard =
    "SELECT iccid, branch_id, operator_id, state, case_id FROM sim_stock WHERE iccid = ?1";

constexpr const char* kInsertStockCard =
    "INSERT INTO sim_stock (iccid, branch_id, operator_id, state, case_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";

constexpr const char* kIssueStockCard =
    "UPDATE sim_stock SET state = 2, case_id = ?2 WHERE iccid = ?1 AND state = 1";

}  // namespace

Result<std::optional<Subscriber>> SqliteCaseRepo::GetSubscriber(const std::string& phone) {
  auto st = db_.Prepare(kGetSubscriber);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, phone);
  if (!s.Step()) {
    QUEUE_RETURN_IF_ERROR(s.status());
    return std::optional<Subscriber>();
  }
  Subscriber sub;
  sub.phone = s.Text(0);
  sub.operator_id = s.Text(1);
  sub.holder_name = s.Text(2);
  sub.document_type = static_cast<DocumentType>(s.Int(3));
  sub.document_hash = s.Text(4);
  sub.document_last4 = s.Text(5);
  sub.no_sim_change = s.Int(6) != 0;
  sub.last_sim_change = ColTime(s, 7);
  sub.contact = s.Text(8);
  sub.address = s.Text(9);
  sub.contact_changed = ColTime(s, 10);
  s.Reset();

  auto topups = db_.Prepare(kSubscriberTopups);
  if (!topups.ok()) return topups.status();
  (*topups)->Bind(1, phone);
  while ((*topups)->Step()) sub.recent_topups_roubles.push_back((*topups)->Int(0));
  QUEUE_RETURN_IF_ERROR((*topups)->status());
  (*topups)->Reset();

  auto calls = db_.Prepare(kSubscriberCalls);
  if (!calls.ok()) return calls.status();
  (*calls)->Bind(1, phone);
  while ((*calls)->Step()) sub.recent_calls.push_back((*calls)->Text(0));
  QUEUE_RETURN_IF_ERROR((*calls)->status());
  (*calls)->Reset();

  auto active = ActiveCard(phone);
  if (!active.ok()) return active.status();
  sub.active_iccid = *active;
  return std::optional<Subscriber>(std::move(sub));
}

Status SqliteCaseRepo::SaveSubscriber(const Subscriber& sub) {
  auto st = db_.Prepare(kSaveSubscriber);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, sub.phone).Bind(2, sub.operator_id).Bind(3, sub.holder_name);
  s.Bind(4, int64_t(sub.document_type)).Bind(5, sub.document_hash).Bind(6, sub.document_last4);
  s.Bind(7, int64_t{sub.no_sim_change ? 1 : 0});
  BindOpt(s, 8, sub.last_sim_change);
  s.Bind(9, sub.contact).Bind(10, sub.address);
  BindOpt(s, 11, sub.contact_changed);
  QUEUE_RETURN_IF_ERROR(s.Run());

  for (const char* del : {kDeleteTopups, kDeleteCalls}) {
    auto d = db_.Prepare(del);
    if (!d.ok()) return d.status();
    (*d)->Bind(1, sub.phone);
    QUEUE_RETURN_IF_ERROR((*d)->Run());
  }
  for (size_t i = 0; i < sub.recent_topups_roubles.size(); ++i) {
    auto ins = db_.Prepare(kInsertTopup);
    if (!ins.ok()) return ins.status();
    (*ins)->Bind(1, sub.phone).Bind(2, int64_t(i + 1)).Bind(3, sub.recent_topups_roubles[i]);
    QUEUE_RETURN_IF_ERROR((*ins)->Run());
  }
  for (size_t i = 0; i < sub.recent_calls.size(); ++i) {
    auto ins = db_.Prepare(kInsertCall);
    if (!ins.ok()) return ins.status();
    (*ins)->Bind(1, sub.phone).Bind(2, int64_t(i + 1)).Bind(3, sub.recent_calls[i]);
    QUEUE_RETURN_IF_ERROR((*ins)->Run());
  }
  if (sub.active_iccid.empty()) return Status::Ok();

  // The active card: a card keeps its number for life, and a blocked card
  // is never active again; changing a number's card is SwapActiveCard's.
  auto card = GetCard(sub.active_iccid);
  if (!card.ok()) return card.status();
  if (*card) {
    const auto& [owner, state] = **card;
    if (owner == sub.phone && state == "active") return Status::Ok();
    return Status::FailedPrecondition("card " + sub.active_iccid + " is " + state +
                                      (owner == sub.phone ? "" : " on another number"));
  }
  auto current = ActiveCard(sub.phone);
  if (!current.ok()) return current.status();
  if (!current->empty())
    return Status::FailedPrecondition("the number " + MaskPhone(sub.phone) +
                                      " already has another active card");
  auto ins = db_.Prepare(kInsertActiveCard);
  if (!ins.ok()) return ins.status();
  (*ins)->Bind(1, sub.active_iccid).Bind(2, sub.phone);
  BindOpt(**ins, 3, sub.last_sim_change);
  return (*ins)->Run();
}

Status SqliteCaseRepo::SwapActiveCard(const std::string& phone, const std::string& old_iccid,
                      const std::string& new_iccid, absl::Time now) {
  if (new_iccid.empty() || new_iccid == old_iccid)
    return Status::InvalidArgument("new_iccid", "the new card must differ from the old one");
  auto current = ActiveCard(phone);
  if (!current.ok()) return current.status();
  if (*current != old_iccid)
    return Status::Aborted("the active card of " + MaskPhone(phone) +
                           " changed meanwhile; try again");
  auto card = GetCard(new_iccid);
  if (!card.ok()) return card.status();
  if (*card)
    return Status::FailedPrecondition("card " + new_iccid + " is already " + (*card)->second +
                                      " in the register");
  const int64_t now_us = absl::ToUnixMicros(now);
  auto touch = db_.Prepare(kSetLastSimChange);
  if (!touch.ok()) return touch.status();
  (*touch)->Bind(1, phone).Bind(2, now_us);
  QUEUE_RETURN_IF_ERROR((*touch)->Run());
  if (db_.Changes() != 1)
    return Status::NotFound("the number " + MaskPhone(phone) + " is not in the register");
  // Block before activating: the unique index allows one active card.
  if (!old_iccid.empty()) {
    auto block = db_.Prepare(kBlockCard);
    if (!block.ok()) return block.status();
    (*block)->Bind(1, old_iccid).Bind(2, phone).Bind(3, now_us);
    QUEUE_RETURN_IF_ERROR((*block)->Run());
    if (db_.Changes() != 1) return Status::Internal("the active card could not be blocked");
  }
  auto ins = db_.Prepare(kInsertActiveCard);
  if (!ins.ok()) return ins.status();
  (*ins)->Bind(1, new_iccid).Bind(2, phone).Bind(3, now_us);
  return (*ins)->Run();
}

Result<std::string> SqliteCaseRepo::CardState(const std::string& iccid) {
  auto card = GetCard(iccid);
  if (!card.ok()) return card.status();
  return *card ? (*card)->second : std::string();
}

Result<std::optional<StockCard>> SqliteCaseRepo::GetStockCard(const std::string& iccid) {
  auto st = db_.Prepare(kGetStockCard);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, iccid);
  std::optional<StockCard> out;
  if (s.Step())
    out = StockCard{s.Text(0), s.Text(1), s.Text(2), static_cast<StockState>(s.Int(3)),
                    s.IsNull(4) ? 0 : s.Int(4)};
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

Status SqliteCaseRepo::AddStockCard(const StockCard& card) {
  auto stocked = GetStockCard(card.iccid);
  if (!stocked.ok()) return stocked.status();
  if (*stocked) return Status::AlreadyExists("card " + card.iccid + " is already in stock records");
  auto registered = GetCard(card.iccid);
  if (!registered.ok()) return registered.status();
  if (*registered)
    return Status::AlreadyExists("card " + card.iccid + " is already in the register");
  auto st = db_.Prepare(kInsertStockCard);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, card.iccid).Bind(2, card.branch_id).Bind(3, card.operator_id);
  s.Bind(4, int64_t(card.state));
  if (card.case_id != 0) s.Bind(5, card.case_id);
  else s.BindNull(5);
  return s.Run();
}

Status SqliteCaseRepo::IssueStockCard(const std::string& iccid, int64_t case_id) {
  auto st = db_.Prepare(kIssueStockCard);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, iccid).Bind(2, case_id);
  QUEUE_RETURN_IF_ERROR((*st)->Run());
  if (db_.Changes() != 1)
    return Status::Aborted("card " + iccid + " is no longer in stock");
  return Status::Ok();
}

// The number's active card, "" if none.
Result<std::string> SqliteCaseRepo::ActiveCard(const std::string& phone) {
  auto st = db_.Prepare(kActiveCard);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, phone);
  std::string out = s.Step() ? s.Text(0) : std::string();
  QUEUE_RETURN_IF_ERROR(s.status());
  s.Reset();
  return out;
}

// A card of the register: its number and state.
Result<std::optional<std::pair<std::string, std::string>>> SqliteCaseRepo::GetCard(const std::string& iccid) {
  auto st = db_.Prepare(kGetCard);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, iccid);
  std::optional<std::pair<std::string, std::string>> out;
  if (s.Step()) out.emplace(s.Text(0), s.Text(1));
  QUEUE_RETURN_IF_ERROR(s.status());
  s.Reset();
  return out;
}

}  // namespace shop::queue::sqlite
