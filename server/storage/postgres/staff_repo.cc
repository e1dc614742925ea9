#include "server/storage/postgres/staff_repo.h"

#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::pg {

Result<std::optional<StaffAccount>> PgStaffRepo::GetStaff(const std::string& login) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgStaffRepo::SaveStaff(const StaffAccount& a) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgStaffRepo::InsertSession(const std::string& token_hash, const Session& v) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::optional<Session>> PgStaffRepo::GetSession(const std::string& token_hash) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgStaffRepo::EndSession(const std::string& token_hash) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgStaffRepo::InsertDevice(const std::string& token_hash, const DeviceRecord& d) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::optional<DeviceRecord>> PgStaffRepo::GetDevice(const std::string& token_hash) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgStaffRepo::RevokeDevice(const std::string& name) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::optional<DeviceStatus>> PgStaffRepo::GetDeviceStatus(const std::string& branch_id, const std::string& device_id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Status PgStaffRepo::SaveDeviceStatus(const DeviceStatus& d) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

Result<std::vector<DeviceStatus>> PgStaffRepo::ListDeviceStatus(const std::string& branch_id) {
  return Status::Internal("not implemented on PostgreSQL yet");
}

}  // namespace shop::queue::pg
