#include "server/storage/postgres/staff_repo.h"

#include "server/storage/postgres/pg_codec.h"
#include "server/storage/postgres/pg_conn.h"

namespace shop::queue::pg {

namespace {

using codec::ColFlag;
using codec::ColOptTime;
using codec::ColTime;
using codec::Micros;
using codec::OptMicros;

// Hall devices' status: the column list, its reader (ReadDeviceStatus) and
// its writer (SaveDeviceStatus) go together.
#define SHOP_QUEUE_DEVICE_STATUS_COLUMNS \
  "branch_id, device_id, printer_state, detail, report_us, change_us"

constexpr Statement kGetDeviceStatus{
    "staff_get_device_status",
    "SELECT " SHOP_QUEUE_DEVICE_STATUS_COLUMNS " FROM device_status "
    "WHERE branch_id = $1 AND device_id = $2"};

// In no particular order by contract; by name (bytes, as SQLite's key) for
// repeatable answers.
constexpr Statement kListDeviceStatus{
    "staff_list_device_status",
    "SELECT " SHOP_QUEUE_DEVICE_STATUS_COLUMNS " FROM device_status WHERE branch_id = $1 "
    "ORDER BY device_id COLLATE \"C\""};

constexpr Statement kSaveDeviceStatus{
    "staff_save_device_status",
    "INSERT INTO device_status (" SHOP_QUEUE_DEVICE_STATUS_COLUMNS ") "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (branch_id, device_id) DO UPDATE SET "
    "printer_state = $3, detail = $4, report_us = $5, change_us = $6"};

constexpr Statement kGetStaff{
    "staff_get",
    "SELECT login, display_name, role, password_hash, failures, locked_until_us FROM staff "
    "WHERE login = $1"};

constexpr Statement kSaveStaff{
    "staff_save",
    "INSERT INTO staff (login, display_name, role, password_hash, failures, locked_until_us) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (login) DO UPDATE SET display_name = $2, "
    "role = $3, password_hash = $4, failures = $5, locked_until_us = $6"};

constexpr Statement kInsertSession{
    "staff_insert_session",
    "INSERT INTO sessions (token_hash, login, role, issued_us, expires_us) "
    "VALUES ($1, $2, $3, $4, $5)"};

constexpr Statement kGetSession{
    "staff_get_session",
    "SELECT login, role, issued_us, expires_us, logged_out FROM sessions WHERE token_hash = $1"};

constexpr Statement kEndSession{"staff_end_session",
                                "UPDATE sessions SET logged_out = 1 WHERE token_hash = $1"};

constexpr Statement kFindDeviceByName{"staff_find_device_by_name",
                                      "SELECT 1 AS found FROM devices WHERE name = $1"};

constexpr Statement kInsertDevice{
    "staff_insert_device",
    "INSERT INTO devices (token_hash, name, role, branch_id, issued_us) "
    "VALUES ($1, $2, $3, $4, $5)"};

// The unique constraint on devices.name (migrations.cc).
constexpr const char* kDeviceNameConstraint = "devices_name_key";

constexpr Statement kGetDevice{
    "staff_get_device",
    "SELECT name, role, branch_id, issued_us, revoked FROM devices WHERE token_hash = $1"};

constexpr Statement kRevokeDevice{"staff_revoke_device",
                                  "UPDATE devices SET revoked = 1 WHERE name = $1"};

// Row `i` of SHOP_QUEUE_DEVICE_STATUS_COLUMNS.
DeviceStatus ReadDeviceStatus(const Rows& r, int i) {
  DeviceStatus d;
  d.branch_id = r.Text(i, "branch_id");
  d.device_id = r.Text(i, "device_id");
  d.printer_state = static_cast<PrinterState>(r.Int(i, "printer_state"));
  d.detail = r.Text(i, "detail");
  d.report_time = ColTime(r, i, "report_us");
  d.change_time = ColTime(r, i, "change_us");
  return d;
}

// A role as its stored integer.
int64_t Num(Role role) { return static_cast<int64_t>(role); }

Status DeviceNameTaken(const std::string& name) {
  return Status::AlreadyExists("a device named " + name + " exists");
}

}  // namespace

Result<std::optional<StaffAccount>> PgStaffRepo::GetStaff(const std::string& login) {
  auto rows = conn_.Query(kGetStaff, {login});
  if (!rows.ok()) return rows.status();
  std::optional<StaffAccount> out;
  if (rows->size() > 0) {
    const Rows& r = *rows;
    StaffAccount a;
    a.login = r.Text(0, "login");
    a.display_name = r.Text(0, "display_name");
    a.role = static_cast<Role>(r.Int(0, "role"));
    a.password_hash = r.Text(0, "password_hash");
    a.attempts.failures = static_cast<int>(r.Int(0, "failures"));
    a.attempts.locked_until = ColOptTime(r, 0, "locked_until_us");
    out = a;
  }
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

Status PgStaffRepo::SaveStaff(const StaffAccount& a) {
  return conn_
      .Query(kSaveStaff, {a.login, a.display_name, Num(a.role), a.password_hash,
                          a.attempts.failures, OptMicros(a.attempts.locked_until)})
      .status();
}

Status PgStaffRepo::InsertSession(const std::string& token_hash, const Session& v) {
  return conn_
      .Query(kInsertSession,
             {token_hash, v.login, Num(v.role), Micros(v.issued), Micros(v.expires)})
      .status();
}

Result<std::optional<Session>> PgStaffRepo::GetSession(const std::string& token_hash) {
  auto rows = conn_.Query(kGetSession, {token_hash});
  if (!rows.ok()) return rows.status();
  std::optional<Session> out;
  if (rows->size() > 0) {
    const Rows& r = *rows;
    out = Session{r.Text(0, "login"), static_cast<Role>(r.Int(0, "role")),
                  ColTime(r, 0, "issued_us"), ColTime(r, 0, "expires_us"),
                  ColFlag(r, 0, "logged_out")};
  }
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

Status PgStaffRepo::EndSession(const std::string& token_hash) {
  return conn_.Query(kEndSession, {token_hash}).status();
}

Status PgStaffRepo::InsertDevice(const std::string& token_hash, const DeviceRecord& d) {
  // Looked up first, so a taken name leaves the transaction usable.
  auto found = conn_.Query(kFindDeviceByName, {d.name});
  if (!found.ok()) return found.status();
  if (found->size() > 0) return DeviceNameTaken(d.name);
  auto rows = conn_.Query(kInsertDevice, {token_hash, d.name, Num(d.role), d.branch_id,
                                          Micros(d.issued)});
  if (!rows.ok() && rows.status().code() == Status::Code::kAlreadyExists &&
      conn_.last_error().constraint == kDeviceNameConstraint)
    return DeviceNameTaken(d.name);
  return rows.status();
}

Result<std::optional<DeviceRecord>> PgStaffRepo::GetDevice(const std::string& token_hash) {
  auto rows = conn_.Query(kGetDevice, {token_hash});
  if (!rows.ok()) return rows.status();
  std::optional<DeviceRecord> out;
  if (rows->size() > 0) {
    const Rows& r = *rows;
    out = DeviceRecord{r.Text(0, "name"), static_cast<Role>(r.Int(0, "role")),
                       r.Text(0, "branch_id"), ColTime(r, 0, "issued_us"),
                       ColFlag(r, 0, "revoked")};
  }
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

Status PgStaffRepo::RevokeDevice(const std::string& name) {
  auto rows = conn_.Query(kRevokeDevice, {name});
  if (!rows.ok()) return rows.status();
  if (rows->affected() != 1) return Status::NotFound("no device named " + name);
  return Status::Ok();
}

Result<std::optional<DeviceStatus>> PgStaffRepo::GetDeviceStatus(const std::string& branch_id,
                                                                 const std::string& device_id) {
  auto rows = conn_.Query(kGetDeviceStatus, {branch_id, device_id});
  if (!rows.ok()) return rows.status();
  std::optional<DeviceStatus> out;
  if (rows->size() > 0) out = ReadDeviceStatus(*rows, 0);
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

Status PgStaffRepo::SaveDeviceStatus(const DeviceStatus& d) {
  // In SHOP_QUEUE_DEVICE_STATUS_COLUMNS order.
  return conn_
      .Query(kSaveDeviceStatus,
             {d.branch_id, d.device_id, static_cast<int64_t>(d.printer_state), d.detail,
              Micros(d.report_time), Micros(d.change_time)})
      .status();
}

Result<std::vector<DeviceStatus>> PgStaffRepo::ListDeviceStatus(const std::string& branch_id) {
  auto rows = conn_.Query(kListDeviceStatus, {branch_id});
  if (!rows.ok()) return rows.status();
  std::vector<DeviceStatus> out;
  for (int i = 0; i < rows->size(); ++i) out.push_back(ReadDeviceStatus(*rows, i));
  QUEUE_RETURN_IF_ERROR(rows->status());
  return out;
}

}  // namespace shop::queue::pg
