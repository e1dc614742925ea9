// StaffRepo on SQLite: staff, sessions and hall devices. One object per
// transaction, over the connection that runs it (the writer's, or a read-only
// reader's handed out as the reading half only). Not thread-safe: a
// transaction's thread.
#pragma once

#include "server/domain/staff/staff_repo.h"

namespace shop::queue::sqlite {

class Db;

class SqliteStaffRepo final : public StaffRepo {
 public:
  explicit SqliteStaffRepo(Db& db) : db_(db) {}

  Result<std::optional<StaffAccount>> GetStaff(const std::string& login) override;
  Status SaveStaff(const StaffAccount& a) override;
  Status InsertSession(const std::string& token_hash, const Session& v) override;
  Result<std::optional<Session>> GetSession(const std::string& token_hash) override;
  Status EndSession(const std::string& token_hash) override;
  Status InsertDevice(const std::string& token_hash, const DeviceRecord& d) override;
  Result<std::optional<DeviceRecord>> GetDevice(const std::string& token_hash) override;
  Status RevokeDevice(const std::string& name) override;
  Result<std::optional<DeviceStatus>> GetDeviceStatus(const std::string& branch_id,
                                                      const std::string& device_id) override;
  Status SaveDeviceStatus(const DeviceStatus& d) override;
  Result<std::vector<DeviceStatus>> ListDeviceStatus(const std::string& branch_id) override;

 private:
  Db& db_;
};

}  // namespace shop::queue::sqlite
