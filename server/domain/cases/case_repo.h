// The cases-and-register area of the store: SIM-replacement cases and their
// records, receipt numbers, failed identity checks, the embedded operator
// register and the blank cards in stock (see server/domain/store.h for
// transactions). CaseReader is what a read transaction offers; CaseRepo
// adds the writes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/cases/sim_case.h"
#include "server/domain/common/status.h"
#include "server/domain/remote/photo.h"

namespace shop::queue {

// A photo of a remote application, sealed with the personal-data key
// (PhotoSealer; the associated data binds it to its case and kind).
struct StoredPhoto {
  int64_t case_id = 0;
  std::string kind;  // "document", "selfie"
  ImageType type = ImageType::kJpeg;
  std::string sealed;
};

class CaseReader {
 public:
  virtual ~CaseReader() = default;

  virtual Result<std::optional<SimCase>> GetCase(const std::string& branch_id,
                                                 int64_t case_id) = 0;
  // The ticket's case that is not cancelled, if any.
  virtual Result<std::optional<SimCase>> CaseOfTicket(const std::string& branch_id,
                                                      int64_t ticket_id) = 0;
  // An open case (form accepted, not closed or cancelled) on `phone` in any
  // branch other than `except_case_id`, if any.
  virtual Result<std::optional<SimCase>> OpenCaseOfPhone(const std::string& phone,
                                                         int64_t except_case_id) = 0;
  virtual Result<std::vector<CaseRecord>> CaseRecords(int64_t case_id) = 0;

  // Failed identity checks per phone number.
  virtual Result<IdentityAttempts> GetIdentityAttempts(const std::string& phone) = 0;

  // The operator register, embedded default (a real operator's system would
  // be reached through its own adapter).
  virtual Result<std::optional<Subscriber>> GetSubscriber(const std::string& phone) = 0;
  // The card's state in the register, "" if unknown: "active" or "blocked".
  virtual Result<std::string> CardState(const std::string& iccid) = 0;

  // Blank cards.
  virtual Result<std::optional<StockCard>> GetStockCard(const std::string& iccid) = 0;

  // The remote route (cases with route kRemote; InsertCase and UpdateCase
  // store their RemoteDetails with them).
  // A remote case by id, in any branch; nullopt for an unknown id or a
  // counter case.
  virtual Result<std::optional<SimCase>> GetRemoteCase(int64_t case_id) = 0;
  // The remote case whose RemoteDetails::reference_hash is `reference_hash`.
  virtual Result<std::optional<SimCase>> RemoteCaseByReference(
      const std::string& reference_hash) = 0;
  // Remote cases in `state` of branch `branch_id` ("": of every branch),
  // oldest first (by case id), at most `limit`.
  virtual Result<std::vector<SimCase>> RemoteCasesInState(CaseState state,
                                                          const std::string& branch_id,
                                                          int limit) = 0;
  // Unfinished remote cases whose expiry is at or before `now`, at most
  // `limit`.
  virtual Result<std::vector<SimCase>> ExpiredRemoteCases(absl::Time now, int limit) = 0;
  // A case's sealed photos (none once erased).
  virtual Result<std::vector<StoredPhoto>> CasePhotos(int64_t case_id) = 0;
};

class CaseRepo : public CaseReader {
 public:
  // Inserts `c` and sets c.case_id. ALREADY_EXISTS if the ticket already has
  // a case that is not cancelled.
  virtual Status InsertCase(SimCase& c) = 0;
  // Writes `c` if its stored state is still `expected`; kAborted otherwise.
  virtual Status UpdateCase(const SimCase& c, CaseState expected) = 0;
  // Appends `r` to its case's records: the store sets r.seq.
  virtual Status AppendCaseRecord(CaseRecord& r) = 0;
  // The next receipt number of a branch in a year (1 for the first).
  virtual Result<int64_t> NextReceiptNumber(const std::string& branch_id, int year) = 0;
  // Removes the personal fields (form, recipients of its messages) of cases
  // finished before `cutoff`, keeping counts, times and amounts. Returns how
  // many cases it erased (at most `limit`).
  virtual Result<int> EraseFinishedCases(absl::Time cutoff, int limit) = 0;

  virtual Status SaveIdentityAttempts(const std::string& phone, const IdentityAttempts& a) = 0;
  // Every phone number with failed identity checks or a lock on record.
  virtual Result<std::vector<std::pair<std::string, IdentityAttempts>>>
  ListIdentityAttempts() = 0;

  // Inserts or replaces a subscriber with their top-ups and calls; the
  // active card too (which must not be active on another number).
  virtual Status SaveSubscriber(const Subscriber& s) = 0;
  // Blocks the number's active card `old_iccid` ("" if none) and activates
  // `new_iccid` in its place, setting the time of the last SIM change. A
  // number never has two active cards (a unique index says so); kAborted if
  // `old_iccid` is no longer the active card.
  virtual Status SwapActiveCard(const std::string& phone, const std::string& old_iccid,
                                const std::string& new_iccid, absl::Time now) = 0;

  // Inserts a card (ALREADY_EXISTS if the ICCID is known, in stock or not).
  virtual Status AddStockCard(const StockCard& card) = 0;
  // Marks a card in stock as issued to a case; kAborted if it is not in stock.
  virtual Status IssueStockCard(const std::string& iccid, int64_t case_id) = 0;

  // Stores a photo of a case (ALREADY_EXISTS for a kind it has).
  // EraseFinishedCases deletes the photos of the cases it erases.
  virtual Status SavePhoto(const StoredPhoto& photo) = 0;
};

}  // namespace shop::queue
