// CaseRepo on SQLite: SIM-replacement cases of both routes (a remote case's
// details and photos with them), the register and card stock. One object per
// transaction, over the connection that runs it (the writer's, or a
// read-only reader's handed out as the reading half only). Not thread-safe: a
// transaction's thread.
#pragma once

#include "server/domain/cases/case_repo.h"

namespace shop::queue::sqlite {

class Db;

class SqliteCaseRepo final : public CaseRepo {
 public:
  explicit SqliteCaseRepo(Db& db) : db_(db) {}

  Status InsertCase(SimCase& c) override;
  Status UpdateCase(const SimCase& c, CaseState expected) override;
  Result<std::optional<SimCase>> GetCase(const std::string& branch_id,
                                         int64_t case_id) override;
  Result<std::optional<SimCase>> CaseOfTicket(const std::string& branch_id,
                                              int64_t ticket_id) override;
  Result<std::optional<SimCase>> OpenCaseOfPhone(const std::string& phone,
                                                 int64_t except_case_id) override;
  Status AppendCaseRecord(CaseRecord& r) override;
  Result<std::vector<CaseRecord>> CaseRecords(int64_t case_id) override;
  Result<int64_t> NextReceiptNumber(const std::string& branch_id, int year) override;
  Result<int> EraseFinishedCases(absl::Time cutoff, int limit) override;
  Result<IdentityAttempts> GetIdentityAttempts(const std::string& phone) override;
  Status SaveIdentityAttempts(const std::string& phone, const IdentityAttempts& a) override;
  Result<std::vector<std::pair<std::string, IdentityAttempts>>> ListIdentityAttempts() override;
  Result<std::optional<Subscriber>> GetSubscriber(const std::string& phone) override;
  Status SaveSubscriber(const Subscriber& sub) override;
  Status SwapActiveCard(const std::string& phone, const std::string& old_iccid,
                        const std::string& new_iccid, absl::Time now) override;
  Result<std::string> CardState(const std::string& iccid) override;
  Result<std::optional<StockCard>> GetStockCard(const std::string& iccid) override;
  Status AddStockCard(const StockCard& card) override;
  Status IssueStockCard(const std::string& iccid, int64_t case_id) override;
  Result<std::optional<SimCase>> GetRemoteCase(int64_t case_id) override;
  Result<std::optional<SimCase>> RemoteCaseByReference(const std::string& reference_hash) override;
  Result<std::vector<SimCase>> RemoteCasesInState(CaseState state, const std::string& branch_id,
                                                  int limit) override;
  Result<std::vector<SimCase>> ExpiredRemoteCases(absl::Time now, int limit) override;
  Result<std::vector<StoredPhoto>> CasePhotos(int64_t case_id) override;
  Status SavePhoto(const StoredPhoto& photo) override;

 private:
  // The one case `sql` selects with ?1 = `key` (a branch or a phone), ?2 = `id`.
  Result<std::optional<SimCase>> OneCase(const char* sql, const std::string& key, int64_t id);
  // The number's active card, "" if none.
  Result<std::string> ActiveCard(const std::string& phone);
  // A card of the register: its number and state.
  Result<std::optional<std::pair<std::string, std::string>>> GetCard(const std::string& iccid);
  Db& db_;
};

}  // namespace shop::queue::sqlite
