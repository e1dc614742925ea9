// StaffRepo on PostgreSQL: staff, sessions and hall devices. One object per
// transaction, over the connection that runs it (the writer's, or a reader's
// handed out as the reading half only). Not thread-safe: a transaction's
// thread.
#pragma once

#include "server/domain/staff/staff_repo.h"

namespace shop::queue::pg {

class Conn;

class PgStaffRepo final : public StaffRepo {
 public:
  PgStaffRepo(Conn& conn, bool writing) : conn_(conn), writing_(writing) {}

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
  Conn& conn_;
  const bool writing_;  // inside a write transaction (rows read may be locked)
};

}  // namespace shop::queue::pg
