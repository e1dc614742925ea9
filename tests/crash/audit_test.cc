// The audit log through the real binary: every ticket and counter change is
// recorded, `queue-server verify-audit` passes on an untouched file, the log
// refuses UPDATE and DELETE, and a row changed by SQL (after dropping the
// guards, as an attacker with the file would) is reported at exactly that row.
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>

#include <gtest/gtest.h>

#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/support/server_process.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;

testing::CommandOutcome RunVerify(const std::string& db) {
  return testing::RunCommand(std::string(QUEUE_SERVER_PATH) + " verify-audit --db '" + db +
                             "' 2>&1");
}

std::string Exec(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_open(db.c_str(), &h);
  char* err = nullptr;
  sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  std::string out = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  return out;
}

int64_t Count(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr);
  int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

TEST(Audit, ChainRecordsEveryChangeAndPinpointsTampering) {
  testing::TempDir dir;
  const std::string db = dir.File("queue.db");
  {
    testing::ServerProcess server(QUEUE_SERVER_PATH, db, dir.path().string());
    ASSERT_NE(server.port(), 0);
    auto kiosk = pb::KioskService::NewStub(server.NewChannel());
    auto desk = pb::CounterService::NewStub(server.NewChannel());
    for (int i = 0; i < 20; ++i) {
      grpc::ClientContext ctx;
      pb::CreateTicketRequest req;
      req.set_branch_id("demo");
      req.set_service_prefix("R");
      req.set_request_id("a" + std::to_string(i));
      pb::CreateTicketResponse resp;
      ASSERT_TRUE(kiosk->CreateTicket(&ctx, req, &resp).ok());
    }
    {
      grpc::ClientContext ctx;
      pb::OpenCounterRequest req;
      req.set_branch_id("demo");
      req.set_counter_id("1");
      pb::OpenCounterResponse resp;
      ASSERT_TRUE(desk->OpenCounter(&ctx, req, &resp).ok());
    }
    for (int i = 0; i < 5; ++i) {
      grpc::ClientContext ctx;
      pb::CallNextTicketRequest req;
      req.set_branch_id("demo");
      req.set_counter_id("1");
      req.set_request_id("n" + std::to_string(i));
      pb::CallNextTicketResponse resp;
      ASSERT_TRUE(desk->CallNextTicket(&ctx, req, &resp).ok());
      grpc::ClientContext ctx2;
      pb::MarkNoShowTicketRequest ns;
      ns.set_branch_id("demo");
      ns.set_counter_id("1");
      ns.set_ticket_id(resp.ticket().ticket_id());
      pb::MarkNoShowTicketResponse nsr;
      ASSERT_TRUE(desk->MarkNoShowTicket(&ctx2, ns, &nsr).ok());
    }
    kiosk.reset();
    desk.reset();
    server.Stop(SIGTERM);
  }
  // 20 creates + 1 open + 5 calls + 5 no-shows, after the tester's account
  // was added (1) and logged in (1).
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM audit_log"), 33);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'ticket.%' "
                      "OR action LIKE 'counter.%'"),
            31);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'ticket.no_show' "
                      "AND actor = 'supervisor:test-supervisor'"),
            5);

  auto ok = RunVerify(db);
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("33 records"), std::string::npos) << ok.output;

  // The guards: the log refuses changes made through SQL.
  EXPECT_NE(Exec(db, "UPDATE audit_log SET detail = 'x' WHERE seq = 7").find("append-only"),
            std::string::npos);
  EXPECT_NE(Exec(db, "DELETE FROM audit_log WHERE seq = 7").find("append-only"),
            std::string::npos);
  EXPECT_EQ(RunVerify(db).exit_code, 0);

  // An attacker who drops the guards and edits row 17 is caught at row 17.
  EXPECT_EQ(Exec(db,
                 "DROP TRIGGER audit_log_no_update; "
                 "UPDATE audit_log SET actor = 'counter:2' WHERE seq = 17"),
            "");
  auto broken = RunVerify(db);
  EXPECT_EQ(broken.exit_code, 1) << broken.output;
  EXPECT_NE(broken.output.find("BROKEN at record 17"), std::string::npos) << broken.output;
  EXPECT_NE(broken.output.find("16 records before it"), std::string::npos) << broken.output;
}

}  // namespace
}  // namespace shop::queue
