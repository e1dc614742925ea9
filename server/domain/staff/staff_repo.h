// The staff-and-devices area of the store: staff accounts and sessions,
// enrolled hall devices (kiosks, boards) and their last reported status (see
// server/domain/store.h for transactions). Tokens are looked up by their
// hash. StaffReader is what a read transaction offers; StaffRepo adds the
// writes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/common/status.h"
#include "server/domain/staff/auth.h"
#include "server/domain/staff/device.h"

namespace shop::queue {

struct StaffAccount {
  std::string login;
  std::string display_name;
  Role role = Role::kClerk;
  std::string password_hash;
  LoginAttempts attempts;
};

struct DeviceRecord {
  std::string name;
  Role role = Role::kKiosk;  // kKiosk or kBoard
  std::string branch_id;
  absl::Time issued;
  bool revoked = false;
};

class StaffReader {
 public:
  virtual ~StaffReader() = default;
  virtual Result<std::optional<StaffAccount>> GetStaff(const std::string& login) = 0;
  virtual Result<std::optional<Session>> GetSession(const std::string& token_hash) = 0;
  virtual Result<std::optional<DeviceRecord>> GetDevice(const std::string& token_hash) = 0;
  // Hall devices' last reported status (device.h).
  virtual Result<std::optional<DeviceStatus>> GetDeviceStatus(const std::string& branch_id,
                                                              const std::string& device_id) = 0;
  // Every device of the branch that has reported, in no particular order.
  virtual Result<std::vector<DeviceStatus>> ListDeviceStatus(const std::string& branch_id) = 0;
};

class StaffRepo : public StaffReader {
 public:
  // Inserts or replaces the account.
  virtual Status SaveStaff(const StaffAccount& a) = 0;
  virtual Status InsertSession(const std::string& token_hash, const Session& s) = 0;
  virtual Status EndSession(const std::string& token_hash) = 0;
  // ALREADY_EXISTS if the name is taken.
  virtual Status InsertDevice(const std::string& token_hash, const DeviceRecord& d) = 0;
  // NOT_FOUND if no device has that name.
  virtual Status RevokeDevice(const std::string& name) = 0;
  // Inserts or replaces the device's status.
  virtual Status SaveDeviceStatus(const DeviceStatus& d) = 0;
};

}  // namespace shop::queue
