// The register and stock half of PgCaseRepo (case_repo.h): the embedded
// operator register (subscribers, their activity, their cards) and the blank
// cards of each branch.
#include "server/storage/postgres/case_repo.h"

#include "server/domain/common/personal_data.h"
#include "server/storage/postgres/pg_conn.h"
#include "server/storage/postgres/pg_erase.h"

namespace shop::queue::pg {

namespace {

// The operator register.
constexpr Statement kGetSubscriber{
    "register_get_subscriber",
    "SELECT phone, operator_id, holder_name, document_type, document_hash, document_last4, "
    "no_sim_change, last_sim_change_us, contact, address, contact_changed_us "
    "FROM subscribers WHERE phone = $1"};

constexpr Statement kSubscriberTopups{
    "register_subscriber_topups",
    "SELECT amount_roubles FROM subscriber_topups WHERE phone = $1 ORDER BY seq"};

constexpr Statement kSubscriberCalls{
    "register_subscriber_calls",
    "SELECT number FROM subscriber_calls WHERE phone = $1 ORDER BY seq"};

constexpr Statement kActiveCard{
    "register_active_card",
    "SELECT iccid FROM sim_cards WHERE phone = $1 AND state = 'active'"};

// $1..$11 in the column order of the INSERT (SaveSubscriber passes them).
constexpr Statement kSaveSubscriber{
    "register_save_subscriber",
    "INSERT INTO subscribers (phone, operator_id, holder_name, document_type, document_hash, "
    "document_last4, no_sim_change, last_sim_change_us, contact, address, contact_changed_us) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
    "ON CONFLICT (phone) DO UPDATE SET operator_id = EXCLUDED.operator_id, "
    "holder_name = EXCLUDED.holder_name, document_type = EXCLUDED.document_type, "
    "document_hash = EXCLUDED.document_hash, document_last4 = EXCLUDED.document_last4, "
    "no_sim_change = EXCLUDED.no_sim_change, last_sim_change_us = EXCLUDED.last_sim_change_us, "
    "contact = EXCLUDED.contact, address = EXCLUDED.address, "
    "contact_changed_us = EXCLUDED.contact_changed_us"};

constexpr Statement kDeleteTopups{"register_delete_topups",
                                  "DELETE FROM subscriber_topups WHERE phone = $1"};

constexpr Statement kInsertTopup{
    "register_insert_topup",
    "INSERT INTO subscriber_topups (phone, seq, amount_roubles) VALUES ($1, $2, $3)"};

constexpr Statement kDeleteCalls{"register_delete_calls",
                                 "DELETE FROM subscriber_calls WHERE phone = $1"};

constexpr Statement kInsertCall{
    "register_insert_call",
    "INSERT INTO subscriber_calls (phone, seq, number) VALUES ($1, $2, $3)"};

constexpr Statement kGetCard{"register_get_card",
                             "SELECT phone, state FROM sim_cards WHERE iccid = $1"};

// $1 iccid, $2 phone, $3 activated (us, may be NULL).
constexpr Statement kInsertActiveCard{
    "register_insert_active_card",
    "INSERT INTO sim_cards (iccid, phone, state, activated_us) VALUES ($1, $2, 'active', $3)"};

// $1 iccid, $2 phone, $3 blocked (us).
constexpr Statement kBlockCard{
    "register_block_card",
    "UPDATE sim_cards SET state = 'blocked', blocked_us = $3 "
    "WHERE iccid = $1 AND phone = $2 AND state = 'active'"};

constexpr Statement kSetLastSimChange{
    "register_set_last_sim_change",
    "UPDATE subscribers SET last_sim_change_us = $2 WHERE phone = $1"};

// Blank cards: state 1 in stock, 2 issued (StockState).
constexpr Statement kGetStockCard{
    "stock_get_card",
    "SELECT iccid, branch_id, operator_id, state, case_id FROM sim_stock WHERE iccid = $1"};

constexpr Statement kInsertStockCard{
    "stock_insert_card",
    "INSERT INTO sim_stock (iccid, branch_id, operator_id, state, case_id) "
    "VALUES ($1, $2, $3, $4, $5)"};

constexpr Statement kIssueStockCard{
    "stock_issue_card",
    "UPDATE sim_stock SET state = 2, case_id = $2 WHERE iccid = $1 AND state = 1"};

}  // namespace

Result<std::optional<Subscriber>> PgCaseRepo::GetSubscriber(const std::string& phone) {
  auto rows = conn_.Query(kGetSubscriber, {phone});
  if (!rows.ok()) return rows.status();
  const Rows& r = *rows;
  if (r.size() == 0) return std::optional<Subscriber>();
  Subscriber sub;
  sub.phone = r.Text(0, "phone");
  sub.operator_id = r.Text(0, "operator_id");
  sub.holder_name = r.Text(0, "holder_name");
  sub.document_type = static_cast<DocumentType>(r.Int(0, "document_type"));
  sub.document_hash = r.Text(0, "document_hash");
  sub.document_last4 = r.Text(0, "document_last4");
  sub.no_sim_change = r.Int(0, "no_sim_change") != 0;
  sub.last_sim_change = OptTimeColumn(r, 0, "last_sim_change_us");
  sub.contact = r.Text(0, "contact");
  sub.address = r.Text(0, "address");
  sub.contact_changed = OptTimeColumn(r, 0, "contact_changed_us");
  QUEUE_RETURN_IF_ERROR(r.status());

  auto topups = conn_.Query(kSubscriberTopups, {phone});
  if (!topups.ok()) return topups.status();
  for (int i = 0; i < topups->size(); ++i)
    sub.recent_topups_roubles.push_back(topups->Int(i, "amount_roubles"));
  QUEUE_RETURN_IF_ERROR(topups->status());

  auto calls = conn_.Query(kSubscriberCalls, {phone});
  if (!calls.ok()) return calls.status();
  for (int i = 0; i < calls->size(); ++i) sub.recent_calls.push_back(calls->Text(i, "number"));
  QUEUE_RETURN_IF_ERROR(calls->status());

  auto active = ActiveCard(phone);
  if (!active.ok()) return active.status();
  sub.active_iccid = *active;
  return std::optional<Subscriber>(std::move(sub));
}

Status PgCaseRepo::SaveSubscriber(const Subscriber& sub) {
  QUEUE_RETURN_IF_ERROR(conn_.Query(kSaveSubscriber, {sub.phone, sub.operator_id,
                                                      sub.holder_name,
                                                      int64_t(sub.document_type),
                                                      sub.document_hash, sub.document_last4,
                                                      FlagParam(sub.no_sim_change),
                                                      OptTimeParam(sub.last_sim_change),
                                                      sub.contact, sub.address,
                                                      OptTimeParam(sub.contact_changed)})
                            .status());
  QUEUE_RETURN_IF_ERROR(SaveActivity(sub));
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
  return conn_
      .Query(kInsertActiveCard, {sub.active_iccid, sub.phone, OptTimeParam(sub.last_sim_change)})
      .status();
}

// Replaces the number's top-ups and calls with `sub`'s (numbered 1, 2, ...
// newest first).
Status PgCaseRepo::SaveActivity(const Subscriber& sub) {
  QUEUE_RETURN_IF_ERROR(conn_.Query(kDeleteTopups, {sub.phone}).status());
  QUEUE_RETURN_IF_ERROR(conn_.Query(kDeleteCalls, {sub.phone}).status());
  for (size_t i = 0; i < sub.recent_topups_roubles.size(); ++i)
    QUEUE_RETURN_IF_ERROR(
        conn_.Query(kInsertTopup, {sub.phone, int64_t(i + 1), sub.recent_topups_roubles[i]})
            .status());
  for (size_t i = 0; i < sub.recent_calls.size(); ++i)
    QUEUE_RETURN_IF_ERROR(
        conn_.Query(kInsertCall, {sub.phone, int64_t(i + 1), sub.recent_calls[i]}).status());
  return Status::Ok();
}

Status PgCaseRepo::SwapActiveCard(const std::string& phone, const std::string& old_iccid,
                                  const std::string& new_iccid, absl::Time now) {
  if (new_iccid.empty() || new_iccid == old_iccid)
    return Status::InvalidArgument("new_iccid", "the new card must differ from the old one");
  const Status lost = Status::Aborted("the active card of " + MaskPhone(phone) +
                                      " changed meanwhile; try again");
  auto current = ActiveCard(phone);
  if (!current.ok()) return current.status();
  if (*current != old_iccid) return lost;
  auto card = GetCard(new_iccid);
  if (!card.ok()) return card.status();
  if (*card)
    return Status::FailedPrecondition("card " + new_iccid + " is already " + (*card)->second +
                                      " in the register");
  const int64_t now_us = absl::ToUnixMicros(now);
  auto touch = conn_.Query(kSetLastSimChange, {phone, now_us});
  if (!touch.ok()) return touch.status();
  if (touch->affected() != 1)
    return Status::NotFound("the number " + MaskPhone(phone) + " is not in the register");
  // Block before activating: the unique index allows one active card.
  if (!old_iccid.empty()) {
    auto block = conn_.Query(kBlockCard, {old_iccid, phone, now_us});
    if (!block.ok()) return block.status();
    if (block->affected() != 1) return Status::Internal("the active card could not be blocked");
  }
  auto ins = conn_.Query(kInsertActiveCard, {new_iccid, phone, now_us});
  // A unique index refused (one active card per number, or the card known):
  // the register changed meanwhile, a lost race as on SQLite.
  if (!ins.ok() && ins.status().code() == Status::Code::kAlreadyExists) return lost;
  return ins.status();
}

Result<std::string> PgCaseRepo::CardState(const std::string& iccid) {
  auto card = GetCard(iccid);
  if (!card.ok()) return card.status();
  return *card ? (*card)->second : std::string();
}

Result<std::optional<StockCard>> PgCaseRepo::GetStockCard(const std::string& iccid) {
  auto rows = conn_.Query(kGetStockCard, {iccid});
  if (!rows.ok()) return rows.status();
  const Rows& r = *rows;
  std::optional<StockCard> out;
  if (r.size() > 0)
    out = StockCard{r.Text(0, "iccid"), r.Text(0, "branch_id"), r.Text(0, "operator_id"),
                    static_cast<StockState>(r.Int(0, "state")),
                    r.IsNull(0, "case_id") ? 0 : r.Int(0, "case_id")};
  QUEUE_RETURN_IF_ERROR(r.status());
  return out;
}

Status PgCaseRepo::AddStockCard(const StockCard& card) {
  auto stocked = GetStockCard(card.iccid);
  if (!stocked.ok()) return stocked.status();
  if (*stocked) return Status::AlreadyExists("card " + card.iccid + " is already in stock records");
  auto registered = GetCard(card.iccid);
  if (!registered.ok()) return registered.status();
  if (*registered)
    return Status::AlreadyExists("card " + card.iccid + " is already in the register");
  return conn_
      .Query(kInsertStockCard, {card.iccid, card.branch_id, card.operator_id,
                                int64_t(card.state),
                                card.case_id != 0 ? Param(card.case_id) : Param()})
      .status();
}

Status PgCaseRepo::IssueStockCard(const std::string& iccid, int64_t case_id) {
  auto rows = conn_.Query(kIssueStockCard, {iccid, case_id});
  if (!rows.ok()) return rows.status();
  if (rows->affected() != 1) return Status::Aborted("card " + iccid + " is no longer in stock");
  return Status::Ok();
}

// The number's active card, "" if none.
Result<std::string> PgCaseRepo::ActiveCard(const std::string& phone) {
  auto rows = conn_.Query(kActiveCard, {phone});
  if (!rows.ok()) return rows.status();
  std::string out = rows->size() > 0 ? rows->Text(0, "iccid") : std::string();
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

// A card of the register: its number and state.
Result<std::optional<std::pair<std::string, std::string>>> PgCaseRepo::GetCard(
    const std::string& iccid) {
  auto rows = conn_.Query(kGetCard, {iccid});
  if (!rows.ok()) return rows.status();
  std::optional<std::pair<std::string, std::string>> out;
  if (rows->size() > 0) out.emplace(rows->Text(0, "phone"), rows->Text(0, "state"));
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

}  // namespace shop::queue::pg
