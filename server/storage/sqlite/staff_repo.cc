#include "server/storage/sqlite/staff_repo.h"

#include "server/storage/sqlite/codec.h"
#include "server/storage/sqlite/sqlite_db.h"

namespace shop::queue::sqlite {

namespace {

// Hall devices' status: the column list, its reader (ReadDeviceStatus) and
// its writer (SaveDeviceStatus) go together.
#define SHOP_QUEUE_DEVICE_STATUS_COLUMNS \
  "branch_id, device_id, printer_state, detail, report_us, change_us"

constexpr const char* kGetDeviceStatus =
    "SELECT " SHOP_QUEUE_DEVICE_STATUS_COLUMNS " FROM device_status "
    "WHERE branch_id = ?1 AND device_id = ?2";

constexpr const char* kListDeviceStatus =
    "SELECT " SHOP_QUEUE_DEVICE_STATUS_COLUMNS " FROM device_status WHERE branch_id = ?1";

constexpr const char* kSaveDeviceStatus =
    "INSERT INTO device_status (" SHOP_QUEUE_DEVICE_STATUS_COLUMNS ") "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (branch_id, device_id) DO UPDATE SET "
    "printer_state = ?3, detail = ?4, report_us = ?5, change_us = ?6";

constexpr const char* kGetStaff =
    "SELECT login, display_name, role, password_hash, failures, locked_until_us FROM staff "
    "WHERE login = ?1";

constexpr const char* kSaveStaff =
    "INSERT INTO staff (login, display_name, role, password_hash, failures, locked_until_us) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (login) DO UPDATE SET display_name = ?2, "
    "role = ?3, password_hash = ?4, failures = ?5, locked_until_us = ?6";

constexpr const char* kInsertSession =
    "INSERT INTO sessions (token_hash, login, role, issued_us, expires_us) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";

constexpr const char* kGetSession =
    "SELECT login, role, issued_us, expires_us, logged_out FROM sessions WHERE token_hash = ?1";

constexpr const char* kEndSession =
    "UPDATE sessions SET logged_out = 1 WHERE token_hash = ?1";

constexpr const char* kFindDeviceByName = "SELECT 1 FROM devices WHERE name = ?1";

constexpr const char* kInsertDevice =
    "INSERT INTO devices (token_hash, name, role, branch_id, issued_us) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";

constexpr const char* kGetDevice =
    "SELECT name, role, branch_id, issued_us, revoked FROM devices WHERE token_hash = ?1";

constexpr const char* kRevokeDevice = "UPDATE devices SET revoked = 1 WHERE name = ?1";

// A row of SHOP_QUEUE_DEVICE_STATUS_COLUMNS.
DeviceStatus ReadDeviceStatus(const Stmt& s) {
  DeviceStatus d;
  d.branch_id = s.Text(0);
  d.device_id = s.Text(1);
  d.printer_state = static_cast<PrinterState>(s.Int(2));
  d.detail = s.Text(3);
  d.report_time = absl::FromUnixMicros(s.Int(4));
  d.change_time = absl::FromUnixMicros(s.Int(5));
  return d;
}

}  // namespace

Result<std::optional<StaffAccount>> SqliteStaffRepo::GetStaff(const std::string& login) {
  auto st = db_.Prepare(kGetStaff);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, login);
  std::optional<StaffAccount> out;
  if (s.Step()) {
    StaffAccount a;
    a.login = s.Text(0);
    a.display_name = s.Text(1);
    a.role = static_cast<Role>(s.Int(2));
    a.password_hash = s.Text(3);
    a.attempts.failures = static_cast<int>(s.Int(4));
    a.attempts.locked_until = ColTime(s, 5);
    out = a;
  }
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

Status SqliteStaffRepo::SaveStaff(const StaffAccount& a) {
  auto st = db_.Prepare(kSaveStaff);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, a.login).Bind(2, a.display_name).Bind(3, int64_t(a.role)).Bind(4, a.password_hash);
  s.Bind(5, int64_t{a.attempts.failures});
  BindOpt(s, 6, a.attempts.locked_until);
  return s.Run();
}

Status SqliteStaffRepo::InsertSession(const std::string& token_hash, const Session& v) {
  auto st = db_.Prepare(kInsertSession);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, token_hash).Bind(2, v.login).Bind(3, int64_t(v.role));
  s.Bind(4, absl::ToUnixMicros(v.issued)).Bind(5, absl::ToUnixMicros(v.expires));
  return s.Run();
}

Result<std::optional<Session>> SqliteStaffRepo::GetSession(const std::string& token_hash) {
  auto st = db_.Prepare(kGetSession);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, token_hash);
  std::optional<Session> out;
  if (s.Step())
    out = Session{s.Text(0), static_cast<Role>(s.Int(1)), absl::FromUnixMicros(s.Int(2)),
                  absl::FromUnixMicros(s.Int(3)), s.Int(4) != 0};
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

Status SqliteStaffRepo::EndSession(const std::string& token_hash) {
  auto st = db_.Prepare(kEndSession);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, token_hash);
  return (*st)->Run();
}

Status SqliteStaffRepo::InsertDevice(const std::string& token_hash, const DeviceRecord& d) {
  auto find = db_.Prepare(kFindDeviceByName);
  if (!find.ok()) return find.status();
  (*find)->Bind(1, d.name);
  bool taken = (*find)->Step();
  QUEUE_RETURN_IF_ERROR((*find)->status());
  (*find)->Reset();
  if (taken) return Status::AlreadyExists("a device named " + d.name + " exists");
  auto st = db_.Prepare(kInsertDevice);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, token_hash).Bind(2, d.name).Bind(3, int64_t(d.role)).Bind(4, d.branch_id);
  s.Bind(5, absl::ToUnixMicros(d.issued));
  return s.Run();
}

Result<std::optional<DeviceRecord>> SqliteStaffRepo::GetDevice(const std::string& token_hash) {
  auto st = db_.Prepare(kGetDevice);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, token_hash);
  std::optional<DeviceRecord> out;
  if (s.Step())
    out = DeviceRecord{s.Text(0), static_cast<Role>(s.Int(1)), s.Text(2),
                       absl::FromUnixMicros(s.Int(3)), s.Int(4) != 0};
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

Status SqliteStaffRepo::RevokeDevice(const std::string& name) {
  auto st = db_.Prepare(kRevokeDevice);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, name);
  QUEUE_RETURN_IF_ERROR((*st)->Run());
  if (db_.Changes() != 1) return Status::NotFound("no device named " + name);
  return Status::Ok();
}

Result<std::optional<DeviceStatus>> SqliteStaffRepo::GetDeviceStatus(const std::string& branch_id,
                                                    const std::string& device_id) {
  auto st = db_.Prepare(kGetDeviceStatus);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, branch_id).Bind(2, device_id);
  std::optional<DeviceStatus> out;
  if (s.Step()) out = ReadDeviceStatus(s);
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

Status SqliteStaffRepo::SaveDeviceStatus(const DeviceStatus& d) {
  auto st = db_.Prepare(kSaveDeviceStatus);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  // In SHOP_QUEUE_DEVICE_STATUS_COLUMNS order.
  s.Bind(1, d.branch_id).Bind(2, d.device_id).Bind(3, int64_t(d.printer_state));
  s.Bind(4, d.detail).Bind(5, absl::ToUnixMicros(d.report_time));
  s.Bind(6, absl::ToUnixMicros(d.change_time));
  return s.Run();
}

Result<std::vector<DeviceStatus>> SqliteStaffRepo::ListDeviceStatus(const std::string& branch_id) {
  auto st = db_.Prepare(kListDeviceStatus);
  if (!st.ok()) return st.status();
  Stmt& s = **st;
  s.Bind(1, branch_id);
  std::vector<DeviceStatus> out;
  while (s.Step()) out.push_back(ReadDeviceStatus(s));
  QUEUE_RETURN_IF_ERROR(s.status());
  return out;
}

}  // namespace shop::queue::sqlite
