// The PostgreSQL repositories of staff and devices, the audit chain and the
// outbox through PgStore's transactions, against a throwaway cluster: every
// method, read back field by field, with the SQLite repositories' orderings
// and Status codes; the audit chain verified by PgStore::VerifyAudit().
#include "server/crypto/sha256.h"
#include "tests/storage_pg/pg_tickets_fixture.h"

namespace shop::queue::pgtest {
namespace {

// The same fresh store, under its own name.
class PgStaffAuditRepoTest : public PgTicketsRepoTest {};

TEST_F(PgStaffAuditRepoTest, StaffAndSessions) {
  auto get = [&](const std::string& login) {
    return ReadOk([&](ReadTx& tx) { return tx.staff().GetStaff(login); });
  };
  EXPECT_FALSE(get("anna").has_value());
  StaffAccount anna{"anna", "Anna K.", Role::kSupervisor, "$argon2id$x", {}};
  ASSERT_OK(store_->Write([&](WriteTx& tx) { return tx.staff().SaveStaff(anna); }));
  auto back = get("anna");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->login, "anna");
  EXPECT_EQ(back->display_name, "Anna K.");
  EXPECT_EQ(int(back->role), int(Role::kSupervisor));
  EXPECT_EQ(back->password_hash, "$argon2id$x");
  EXPECT_EQ(back->attempts.failures, 0);
  EXPECT_EQ(back->attempts.locked_until, absl::InfinitePast());
  anna.display_name = "Anna Karenina";
  anna.role = Role::kAdmin;
  anna.attempts.failures = 5;
  anna.attempts.locked_until = kT0 + absl::Minutes(15);
  ASSERT_OK(store_->Write([&](WriteTx& tx) { return tx.staff().SaveStaff(anna); }));  // replaces
  back = get("anna");
  EXPECT_EQ(back->display_name, "Anna Karenina");
  EXPECT_EQ(int(back->role), int(Role::kAdmin));
  EXPECT_EQ(back->attempts.failures, 5);
  EXPECT_EQ(back->attempts.locked_until, kT0 + absl::Minutes(15));
  Session s{"anna", Role::kAdmin, kT0, kT0 + Session::kLifetime, false};
  ASSERT_OK(store_->Write([&](WriteTx& tx) { return tx.staff().InsertSession("h1", s); }));
  auto session = [&](const std::string& h) {
    return ReadOk([&](ReadTx& tx) { return tx.staff().GetSession(h); });
  };
  auto got = session("h1");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->login, "anna");
  EXPECT_EQ(int(got->role), int(Role::kAdmin));
  EXPECT_EQ(got->issued, kT0);
  EXPECT_EQ(got->expires, kT0 + Session::kLifetime);
  EXPECT_FALSE(got->logged_out);
  EXPECT_FALSE(session("h2").has_value());
  ASSERT_OK(store_->Write([&](WriteTx& tx) { return tx.staff().EndSession("h1"); }));
  EXPECT_TRUE(session("h1")->logged_out);
  ASSERT_OK(store_->Write([&](WriteTx& tx) { return tx.staff().EndSession("h2"); }));  // no-op
}

TEST_F(PgStaffAuditRepoTest, DevicesAreEnrolledByUniqueNameAndRevoked) {
  DeviceRecord kiosk{"hall-1", Role::kKiosk, "test", kT0, false};
  ASSERT_OK(store_->Write([&](WriteTx& tx) { return tx.staff().InsertDevice("k1", kiosk); }));
  auto device = [&](const std::string& h) {
    return ReadOk([&](ReadTx& tx) { return tx.staff().GetDevice(h); });
  };
  auto back = device("k1");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->name, "hall-1");
  EXPECT_EQ(int(back->role), int(Role::kKiosk));
  EXPECT_EQ(back->branch_id, "test");
  EXPECT_EQ(back->issued, kT0);
  EXPECT_FALSE(back->revoked);
  EXPECT_FALSE(device("k2").has_value());
  // A taken name is refused, and the transaction goes on.
  DeviceRecord board{"hall-1", Role::kBoard, "other", kT0, false};
  Status taken;
  ASSERT_OK(store_->Write([&](WriteTx& tx) -> Status {
    taken = tx.staff().InsertDevice("k2", board);
    board.name = "board-1";
    return tx.staff().InsertDevice("k2", board);
  }));
  EXPECT_EQ(taken.code(), Code::kAlreadyExists);
  EXPECT_EQ(taken.message(), "a device named hall-1 exists");
  EXPECT_EQ(device("k2")->name, "board-1");
  ASSERT_OK(store_->Write([&](WriteTx& tx) { return tx.staff().RevokeDevice("hall-1"); }));
  EXPECT_TRUE(device("k1")->revoked);
  EXPECT_FALSE(device("k2")->revoked);
  Status st = store_->Write([&](WriteTx& tx) { return tx.staff().RevokeDevice("hall-9"); });
  EXPECT_EQ(st.code(), Code::kNotFound);
  EXPECT_EQ(st.message(), "no device named hall-9");
}

TEST_F(PgStaffAuditRepoTest, DeviceStatusIsUpsertedAndListedPerBranch) {
  DeviceStatus a{"test", "hall-2", PrinterState::kOutOfPaper, "no paper", kT0, kT0};
  DeviceStatus b{"test", "hall-1", PrinterState::kOk, "", kT0, kT0 - absl::Hours(1)};
  DeviceStatus c{"other", "hall-1", PrinterState::kNone, "", kT0, kT0};
  ASSERT_OK(store_->Write([&](WriteTx& tx) -> Status {
    for (const auto& d : {a, b, c}) QUEUE_RETURN_IF_ERROR(tx.staff().SaveDeviceStatus(d));
    return Status::Ok();
  }));
  auto get = [&](const std::string& branch, const std::string& id) {
    return ReadOk([&](ReadTx& tx) { return tx.staff().GetDeviceStatus(branch, id); });
  };
  auto got = get("test", "hall-2");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->branch_id, "test");
  EXPECT_EQ(got->device_id, "hall-2");
  EXPECT_EQ(int(got->printer_state), int(PrinterState::kOutOfPaper));
  EXPECT_EQ(got->detail, "no paper");
  EXPECT_EQ(got->report_time, kT0);
  EXPECT_EQ(got->change_time, kT0);
  EXPECT_FALSE(get("test", "hall-3").has_value());
  a.printer_state = PrinterState::kOk;
  a.detail = "";
  a.report_time = a.change_time = kT0 + absl::Minutes(1);
  ASSERT_OK(store_->Write([&](WriteTx& tx) { return tx.staff().SaveDeviceStatus(a); }));
  got = get("test", "hall-2");
  EXPECT_EQ(int(got->printer_state), int(PrinterState::kOk));
  EXPECT_EQ(got->detail, "");
  EXPECT_EQ(got->report_time, kT0 + absl::Minutes(1));
  auto list = ReadOk([&](ReadTx& tx) { return tx.staff().ListDeviceStatus("test"); });
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].device_id, "hall-1");
  EXPECT_EQ(list[0].change_time, kT0 - absl::Hours(1));
  EXPECT_EQ(list[1].device_id, "hall-2");
  EXPECT_EQ(ReadOk([&](ReadTx& tx) { return tx.staff().ListDeviceStatus("other"); }).size(), 1u);
}

TEST_F(PgStaffAuditRepoTest, AuditRecordsFormAVerifiableChain) {
  auto record = [](int i) {
    return AuditRecord{0,
                       kT0 + absl::Seconds(i),
                       "counter:1",
                       "ticket.call",
                       "ticket:" + std::to_string(i),
                       "detail " + std::to_string(i),
                       "",
                       ""};
  };
  ASSERT_OK(store_->Write([&](WriteTx& tx) { return tx.audit().AppendAudit(record(1)); }));
  ASSERT_OK(store_->Write([&](WriteTx& tx) -> Status {  // several in one request
    for (int i = 2; i <= 4; ++i) QUEUE_RETURN_IF_ERROR(tx.audit().AppendAudit(record(i)));
    return Status::Ok();
  }));
  Status failed = store_->Write([&](WriteTx& tx) -> Status {  // rolled back: leaves no gap
    QUEUE_RETURN_IF_ERROR(tx.audit().AppendAudit(record(99)));
    return Status::FailedPrecondition("no");
  });
  EXPECT_EQ(failed.code(), Code::kFailedPrecondition);
  ASSERT_OK(store_->Write([&](WriteTx& tx) { return tx.audit().AppendAudit(record(5)); }));
  auto verdict = store_->VerifyAudit();
  ASSERT_TRUE(verdict.ok()) << verdict.status().ToString();
  EXPECT_EQ(verdict->checked, 5);
  EXPECT_FALSE(verdict->first_broken.has_value()) << verdict->why;
  // The stored fields, by hand.
  auto conn = pg::Conn::Open(uri_);
  ASSERT_TRUE(conn.ok());
  auto rows = (*conn)->Query(
      "SELECT seq, at_us, actor, action, subject, detail, prev_hash, hash "
      "FROM audit_log ORDER BY seq");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 5);
  std::string prev;
  for (int i = 0; i < 5; ++i) {
    AuditRecord r{rows->Int(i, "seq"),        absl::FromUnixMicros(rows->Int(i, "at_us")),
                  rows->Text(i, "actor"),     rows->Text(i, "action"),
                  rows->Text(i, "subject"),   rows->Text(i, "detail"),
                  rows->Text(i, "prev_hash"), rows->Text(i, "hash")};
    AuditRecord want = record(i + 1);
    EXPECT_EQ(r.seq, i + 1);
    EXPECT_EQ(r.time, want.time);
    EXPECT_EQ(r.subject, want.subject);
    EXPECT_EQ(r.detail, want.detail);
    EXPECT_EQ(r.prev_hash, prev);
    EXPECT_EQ(r.hash, crypto::Sha256Hex(AuditCanonical(r)));
    prev = r.hash;
  }
}

TEST_F(PgStaffAuditRepoTest, OutboxMessagesAreQueuedAndListedBySubject) {
  OutboxMessage m1{0, kT0, "sms", "+79990000001", "Your ticket R001", "case:1"};
  OutboxMessage m2{0, kT0 + absl::Seconds(1), "email", "a@example.com", "Booked", "booking:7"};
  OutboxMessage m3{0, kT0 + absl::Seconds(2), "sms", "+79990000001", "Ready", "case:1"};
  ASSERT_OK(store_->Write([&](WriteTx& tx) -> Status {
    for (auto* m : {&m1, &m2, &m3}) QUEUE_RETURN_IF_ERROR(tx.outbox().EnqueueMessage(*m));
    return Status::Ok();
  }));
  EXPECT_GT(m1.id, 0);
  EXPECT_GT(m2.id, m1.id);
  EXPECT_GT(m3.id, m2.id);
  auto list = ReadOk([&](ReadTx& tx) { return tx.outbox().OutboxFor("case:1"); });
  ASSERT_EQ(list.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const OutboxMessage& want = i == 0 ? m1 : m3;
    EXPECT_EQ(list[i].id, want.id);
    EXPECT_EQ(list[i].created, want.created);
    EXPECT_EQ(list[i].channel, want.channel);
    EXPECT_EQ(list[i].recipient, want.recipient);
    EXPECT_EQ(list[i].text, want.text);
    EXPECT_EQ(list[i].subject, want.subject);
  }
  EXPECT_EQ(ReadOk([&](ReadTx& tx) { return tx.outbox().OutboxFor("booking:7"); }).size(), 1u);
  EXPECT_TRUE(ReadOk([&](ReadTx& tx) { return tx.outbox().OutboxFor("case:2"); }).empty());
}

}  // namespace
}  // namespace shop::queue::pgtest
