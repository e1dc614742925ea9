// Hall devices and what the kiosk and board see of the branch, through a real
// server on loopback with a manual clock: kiosks report their printers,
// staff list them (faults first), refusals by role, branch and bad input
// store nothing, a fault survives a restart, and the board stream carries
// faults, due appointments, the call's language and service, the zone and
// the branch's name. Also the branch's next opening and a service's
// estimated wait.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>

#include "shop/queue/v1/board_service.grpc.pb.h"
#include "shop/queue/v1/booking_service.grpc.pb.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/service/test_server.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;
using testing::At;
using testing::TestServer;

constexpr const char* kZone = "Europe/Moscow";

absl::Time Local(int d, int h, int m) { return At(kZone, 2026, 3, d, h, m); }  // March 2026
absl::Time FromTs(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}
absl::Duration FromPb(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

using testing::OpenCounter;

// Calls the next ticket to counter `id`: its printed number, or "" if refused.
std::string CallNext(pb::CounterService::Stub& counter, const std::string& id,
                     const std::string& request_id) {
  pb::Ticket called;
  auto st = testing::CallNext(counter, id, request_id, &called);
  EXPECT_TRUE(st.ok()) << st.error_message();
  return st.ok() ? called.display_number() : "";
}

// The test branch (open 09:00-21:00 Monday to Saturday) plus a second branch
// "other"; R opens a case.
ServerConfig TwoBranches() {
  ServerConfig c = testing::TwoBranchConfig(kZone);
  c.branches[0].services[0].opens_case = true;
  return c;
}

class DevicesTest : public ::testing::Test {
 protected:
  DevicesTest()
      : clock_(std::make_shared<ManualClock>(Local(10, 10, 0))),  // a Tuesday
        server_(TwoBranches(), clock_) {}

  std::string DeviceToken(const std::string& name, Role role = Role::kKiosk,
                          const std::string& branch = "test") {
    auto token = server_.server().auth().IssueDevice(name, role, branch, "test");
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    return token.ok() ? *token : "";
  }

  grpc::Status Report(const std::string& token, pb::PrinterState state,
                      const std::string& detail = "", pb::Device* out = nullptr,
                      const std::string& branch = "test") {
    auto stub = pb::KioskService::NewStub(server_.ChannelWith(token));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    pb::ReportDeviceStatusRequest req;
    req.set_branch_id(branch);
    req.set_printer_state(state);
    req.set_detail(detail);
    pb::ReportDeviceStatusResponse resp;
    auto st = stub->ReportDeviceStatus(&ctx, req, &resp);
    if (out) *out = resp.device();
    return st;
  }

  grpc::Status List(const std::string& token, std::vector<pb::Device>* out,
                    const std::string& branch = "test") {
    auto stub = pb::CounterService::NewStub(server_.ChannelWith(token));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    pb::ListDevicesRequest req;
    req.set_branch_id(branch);
    pb::ListDevicesResponse resp;
    auto st = stub->ListDevices(&ctx, req, &resp);
    if (out) out->assign(resp.devices().begin(), resp.devices().end());
    return st;
  }

  // The devices of branch "test" as a supervisor lists them.
  std::vector<pb::Device> Devices() {
    std::vector<pb::Device> out;
    EXPECT_TRUE(List(server_.StaffToken(Role::kSupervisor, "sup-" + std::to_string(++seq_)), &out)
                    .ok());
    return out;
  }

  std::shared_ptr<ManualClock> clock_;
  TestServer server_;
  int seq_ = 0;
};

TEST_F(DevicesTest, KioskReportsItsOwnPrinterAndStaffListFaultsFirst) {
  const std::string hall1 = DeviceToken("hall-1");
  const std::string hall2 = DeviceToken("hall-2");
  const std::string hall3 = DeviceToken("hall-3");
  pb::Device d;
  ASSERT_TRUE(Report(hall2, pb::PRINTER_STATE_OK, "", &d).ok());
  ASSERT_TRUE(Report(hall3, pb::PRINTER_STATE_NONE).ok());
  const absl::Time t0 = clock_->Now();
  ASSERT_TRUE(Report(hall1, pb::PRINTER_STATE_OUT_OF_PAPER, "paper end sensor", &d).ok());
  EXPECT_EQ(d.device_id(), "hall-1");  // from the token, not the request
  EXPECT_EQ(d.branch_id(), "test");
  EXPECT_EQ(d.printer_state(), pb::PRINTER_STATE_OUT_OF_PAPER);
  EXPECT_EQ(d.detail(), "paper end sensor");
  EXPECT_EQ(FromTs(d.report_time()), t0);
  EXPECT_EQ(FromTs(d.change_time()), t0);

  // The same state a minute later: the report time moves, the change time not.
  clock_->Advance(absl::Minutes(1));
  ASSERT_TRUE(Report(hall1, pb::PRINTER_STATE_OUT_OF_PAPER, "still no paper", &d).ok());
  EXPECT_EQ(FromTs(d.report_time()), t0 + absl::Minutes(1));
  EXPECT_EQ(FromTs(d.change_time()), t0);

  auto clerk = server_.Token(Role::kClerk);
  std::vector<pb::Device> list;
  ASSERT_TRUE(List(clerk, &list).ok());
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].device_id(), "hall-1");  // the fault first
  EXPECT_EQ(list[0].detail(), "still no paper");
  EXPECT_EQ(FromTs(list[0].change_time()), t0);
  EXPECT_EQ(list[1].device_id(), "hall-2");  // then by id
  EXPECT_EQ(list[2].device_id(), "hall-3");
  EXPECT_EQ(list[2].printer_state(), pb::PRINTER_STATE_NONE);

  // Fixed: the change time moves, and it sorts by id again.
  clock_->Advance(absl::Minutes(5));
  ASSERT_TRUE(Report(hall1, pb::PRINTER_STATE_OK, "", &d).ok());
  EXPECT_EQ(FromTs(d.change_time()), t0 + absl::Minutes(6));
  ASSERT_TRUE(Report(hall3, pb::PRINTER_STATE_OFFLINE, "no such device").ok());
  list = Devices();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].device_id(), "hall-3");
  EXPECT_EQ(list[1].device_id(), "hall-1");
  EXPECT_EQ(list[2].device_id(), "hall-2");
}

TEST_F(DevicesTest, RolesAndBranchesAreChecked) {
  const std::string kiosk = DeviceToken("hall-1");
  const std::string board = DeviceToken("screen-1", Role::kBoard);
  const std::string other_kiosk = DeviceToken("far-1", Role::kKiosk, "other");
  const std::string clerk = server_.Token(Role::kClerk);

  EXPECT_EQ(Report(clerk, pb::PRINTER_STATE_OUT_OF_PAPER).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Report(board, pb::PRINTER_STATE_OUT_OF_PAPER).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Report(server_.Token(Role::kSupervisor), pb::PRINTER_STATE_ERROR).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Another branch's kiosk cannot report here.
  EXPECT_EQ(Report(other_kiosk, pb::PRINTER_STATE_ERROR).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A kiosk, a board and an admin cannot list.
  EXPECT_EQ(List(kiosk, nullptr).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(List(board, nullptr).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(List(server_.Token(Role::kAdmin), nullptr).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Devices().empty());

  // Its own branch is fine, and shows only there.
  ASSERT_TRUE(Report(other_kiosk, pb::PRINTER_STATE_ERROR, "", nullptr, "other").ok());
  EXPECT_TRUE(Devices().empty());
  std::vector<pb::Device> other;
  ASSERT_TRUE(List(clerk, &other, "other").ok());
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].device_id(), "far-1");
  EXPECT_EQ(List(clerk, nullptr, "nowhere").error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(DevicesTest, BadReportsAreRefusedNamingTheFieldAndStoreNothing) {
  const std::string kiosk = DeviceToken("hall-1");
  auto st = Report(kiosk, pb::PRINTER_STATE_UNSPECIFIED);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("printer_state"), std::string::npos) << st.error_message();
  st = Report(kiosk, static_cast<pb::PrinterState>(42));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("printer_state"), std::string::npos) << st.error_message();
  // (Malformed UTF-8 cannot be sent in a proto3 string at all: the client's
  // library refuses to serialize it; the domain test covers it.)
  for (const std::string& detail :
       {std::string(201, 'x'), std::string("two\nlines"), std::string("bell\x07"),
        std::string("c1 \xc2\x9b control")}) {
    st = Report(kiosk, pb::PRINTER_STATE_ERROR, detail);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(st.error_message().find("detail"), std::string::npos) << st.error_message();
    EXPECT_LT(st.error_message().size(), 200u);  // the bad text is not echoed
  }
  EXPECT_TRUE(Devices().empty());
  // 200 characters is the limit, not 200 bytes.
  std::string cyrillic;
  for (int i = 0; i < 200; ++i) cyrillic += "ж";
  EXPECT_TRUE(Report(kiosk, pb::PRINTER_STATE_ERROR, cyrillic).ok());
  ASSERT_EQ(Devices().size(), 1u);
}

TEST_F(DevicesTest, AFaultSurvivesARestart) {
  const std::string kiosk = DeviceToken("hall-1");
  const absl::Time t0 = clock_->Now();
  ASSERT_TRUE(Report(kiosk, pb::PRINTER_STATE_OFFLINE, "unplugged").ok());
  server_.Restart();
  auto list = Devices();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].device_id(), "hall-1");
  EXPECT_EQ(list[0].printer_state(), pb::PRINTER_STATE_OFFLINE);
  EXPECT_EQ(list[0].detail(), "unplugged");
  EXPECT_EQ(FromTs(list[0].change_time()), t0);
  // The change time still counts from before the restart.
  clock_->Advance(absl::Minutes(2));
  pb::Device d;
  ASSERT_TRUE(Report(kiosk, pb::PRINTER_STATE_OFFLINE, "unplugged", &d).ok());
  EXPECT_EQ(FromTs(d.change_time()), t0);
  EXPECT_EQ(FromTs(d.report_time()), t0 + absl::Minutes(2));
}

// A board stream on branch "test".
class Board {
 public:
  Board(TestServer& server, const std::string& token)
      : stub_(pb::BoardService::NewStub(server.ChannelWith(token))) {
    ctx_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    pb::WatchBoardRequest req;
    req.set_branch_id("test");
    reader_ = stub_->WatchBoard(&ctx_, req);
  }
  ~Board() {
    ctx_.TryCancel();
    pb::WatchBoardResponse m;
    while (reader_->Read(&m)) {
    }
    (void)reader_->Finish();
  }
  pb::WatchBoardResponse Next() {
    pb::WatchBoardResponse m;
    EXPECT_TRUE(reader_->Read(&m)) << "the stream ended";
    return m;
  }
  // The next update for which wanted(update) holds. On a database several
  // servers share, the change feed may first bring a state-only update for a
  // change made before this board's snapshot: a repeat of the state, which is
  // skipped here, but never a call.
  template <typename Pred>
  pb::WatchBoardResponse NextWhere(Pred wanted) {
    pb::WatchBoardResponse m;
    while (reader_->Read(&m)) {
      if (wanted(m)) return m;
      EXPECT_EQ(m.calls_size(), 0) << "a call the test did not expect";
    }
    ADD_FAILURE() << "the stream ended";
    return m;
  }

 private:
  std::unique_ptr<pb::BoardService::Stub> stub_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<pb::WatchBoardResponse>> reader_;
};

TEST_F(DevicesTest, BoardGetsAMessageWhenAPrinterFailsAndWhenItIsFixed) {
  const std::string kiosk = DeviceToken("hall-1");
  ASSERT_TRUE(Report(kiosk, pb::PRINTER_STATE_OK).ok());
  Board board(server_, DeviceToken("screen-1", Role::kBoard));
  auto snapshot = board.Next();
  EXPECT_TRUE(snapshot.snapshot());
  EXPECT_EQ(snapshot.device_faults_size(), 0);
  EXPECT_EQ(snapshot.time_zone(), kZone);
  EXPECT_EQ(snapshot.branch_display_name(), TwoBranches().branches[0].display_name);
  EXPECT_FALSE(snapshot.branch_display_name().empty());

  ASSERT_TRUE(Report(kiosk, pb::PRINTER_STATE_OUT_OF_PAPER, "no paper").ok());
  auto fault = board.NextWhere([](const auto& m) { return m.device_faults_size() > 0; });
  EXPECT_FALSE(fault.snapshot());
  ASSERT_EQ(fault.device_faults_size(), 1);
  EXPECT_EQ(fault.device_faults(0).device_id(), "hall-1");
  EXPECT_EQ(fault.device_faults(0).printer_state(), pb::PRINTER_STATE_OUT_OF_PAPER);
  EXPECT_EQ(fault.time_zone(), kZone);  // in every message
  EXPECT_EQ(fault.branch_display_name(), snapshot.branch_display_name());
  EXPECT_EQ(fault.waiting_counts_size(), 3);

  // A board that starts now sees the fault in its snapshot.
  {
    Board late(server_, DeviceToken("screen-2", Role::kBoard));
    auto first = late.Next();
    EXPECT_TRUE(first.snapshot());
    ASSERT_EQ(first.device_faults_size(), 1);
    EXPECT_EQ(first.device_faults(0).device_id(), "hall-1");
  }

  ASSERT_TRUE(Report(kiosk, pb::PRINTER_STATE_OK).ok());
  auto fixed = board.NextWhere([](const auto& m) { return m.device_faults_size() == 0; });
  EXPECT_EQ(fixed.device_faults_size(), 0);

  // Other updates carry the faults too: a ticket taken while a printer is out.
  ASSERT_TRUE(Report(kiosk, pb::PRINTER_STATE_ERROR, "cover open").ok());
  board.NextWhere([](const auto& m) { return m.device_faults_size() == 1; });
  auto ks = pb::KioskService::NewStub(server_.ChannelWith(kiosk));
  ASSERT_TRUE(testing::TakeTicket(*ks, "N", "walk-1").ok());
  auto after = board.Next();
  ASSERT_EQ(after.device_faults_size(), 1);
  EXPECT_EQ(after.device_faults(0).detail(), "cover open");
}

TEST_F(DevicesTest, BoardCallsCarryLanguageAndService) {
  auto kiosk = pb::KioskService::NewStub(server_.ChannelWith(DeviceToken("hall-1")));
  auto counter = pb::CounterService::NewStub(server_.Channel());
  ASSERT_TRUE(testing::TakeTicket(*kiosk, "N", "zh-1", nullptr, pb::LANGUAGE_ZH).ok());
  ASSERT_TRUE(OpenCounter(*counter, "2").ok());
  Board board(server_, DeviceToken("screen-1", Role::kBoard));
  EXPECT_EQ(board.Next().calls_size(), 0);
  EXPECT_EQ(CallNext(*counter, "2", "next-1"), "N001");
  auto call = board.NextWhere([](const auto& m) { return m.calls_size() > 0; });
  ASSERT_EQ(call.calls_size(), 1);
  EXPECT_EQ(call.calls(0).display_number(), "N001");
  EXPECT_EQ(call.calls(0).service_prefix(), "N");
  EXPECT_EQ(call.calls(0).language(), pb::LANGUAGE_ZH);
  // The snapshot's recent calls (read back from the database) say the same.
  Board late(server_, DeviceToken("screen-2", Role::kBoard));
  auto snap = late.Next();
  ASSERT_EQ(snap.calls_size(), 1);
  EXPECT_EQ(snap.calls(0).service_prefix(), "N");
  EXPECT_EQ(snap.calls(0).language(), pb::LANGUAGE_ZH);
}

// Appointments: R slots of 30 min, check-in from 60 min before the slot.
ServerConfig AppointmentConfig() {
  ServerConfig c = TwoBranches();
  BranchConfig& b = c.branches[0];
  b.services[0].slot_length = absl::Minutes(30);
  b.booking.seats_per_slot = 20;
  b.booking.min_lead = absl::Minutes(30);
  b.booking.checkin_early = absl::Minutes(60);
  b.booking.checkin_late = absl::Minutes(15);
  return c;
}

class DueAppointmentsTest : public ::testing::Test {
 protected:
  DueAppointmentsTest()
      : clock_(std::make_shared<ManualClock>(Local(10, 10, 0))),
        server_(AppointmentConfig(), clock_),
        booking_(pb::BookingService::NewStub(server_.AnonymousChannel())),
        kiosk_(pb::KioskService::NewStub(server_.ChannelWith(server_.Token(Role::kKiosk)))) {}

  // Books the R slot at `h:m` for phone number `n`; its code.
  std::string Book(int h, int m, int n) {
    grpc::ClientContext ctx;
    pb::CreateBookingRequest req;
    req.set_branch_id("test");
    req.set_service_prefix("R");
    req.mutable_start_time()->set_seconds(absl::ToUnixSeconds(Local(10, h, m)));
    req.set_name("Anna Petrova");
    req.set_phone("+7916000000" + std::to_string(n));
    req.set_request_id("book-" + std::to_string(n));
    pb::CreateBookingResponse resp;
    auto st = booking_->CreateBooking(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.booking().code();
  }

  std::string CheckIn(const std::string& code) {
    grpc::ClientContext ctx;
    pb::CheckInBookingRequest req;
    req.set_branch_id("test");
    req.set_code(code);
    pb::CheckInBookingResponse resp;
    auto st = kiosk_->CheckInBooking(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.ticket().display_number();
  }

  std::shared_ptr<ManualClock> clock_;
  TestServer server_;
  std::unique_ptr<pb::BookingService::Stub> booking_;
  std::unique_ptr<pb::KioskService::Stub> kiosk_;
};

TEST_F(DueAppointmentsTest, DueSoonOrOverdueEarliestFirst) {
  const std::string a = Book(12, 0, 1);
  const std::string b = Book(12, 30, 2);
  const std::string c = Book(13, 0, 3);
  clock_->Set(Local(10, 12, 5));
  // Checked in latest-due first: the board still orders by due time.
  const std::string nc = CheckIn(c);
  const std::string nb = CheckIn(b);
  const std::string na = CheckIn(a);
  clock_->Set(Local(10, 12, 10));  // a is 10 min overdue, b due in 20, c in 50
  {
    Board board(server_, server_.Token(Role::kBoard));
    auto snap = board.Next();
    ASSERT_EQ(snap.due_appointments_size(), 2);
    EXPECT_EQ(snap.due_appointments(0).display_number(), na);
    EXPECT_EQ(snap.due_appointments(0).service_prefix(), "R");
    EXPECT_EQ(FromTs(snap.due_appointments(0).due_time()), Local(10, 12, 0));
    EXPECT_EQ(snap.due_appointments(1).display_number(), nb);
    EXPECT_EQ(FromTs(snap.due_appointments(1).due_time()), Local(10, 12, 30));
  }
  clock_->Set(Local(10, 12, 31));  // c is due within 30 min now
  Board board(server_, server_.Token(Role::kBoard));
  auto snap = board.Next();
  ASSERT_EQ(snap.due_appointments_size(), 3);
  EXPECT_EQ(snap.due_appointments(2).display_number(), nc);
  // Once called, an appointment is no longer "due" on the board.
  auto counter = pb::CounterService::NewStub(server_.Channel());
  ASSERT_TRUE(OpenCounter(*counter, "1").ok());
  EXPECT_EQ(board.Next().due_appointments_size(), 3);  // the counter opened
  EXPECT_EQ(CallNext(*counter, "1", "next-1"), na);
  auto called = board.Next();
  ASSERT_EQ(called.due_appointments_size(), 2);
  EXPECT_EQ(called.due_appointments(0).display_number(), nb);
}

TEST_F(DevicesTest, BranchSaysWhenItOpensNextOnlyWhileClosed) {
  auto kiosk = pb::KioskService::NewStub(server_.ChannelWith(DeviceToken("hall-1")));
  auto get = [&] {
    grpc::ClientContext ctx;
    pb::GetBranchRequest req;
    req.set_branch_id("test");
    pb::GetBranchResponse resp;
    EXPECT_TRUE(kiosk->GetBranch(&ctx, req, &resp).ok());
    return resp.branch();
  };
  auto open = get();  // Tuesday 10:00
  EXPECT_TRUE(open.open_now());
  EXPECT_FALSE(open.has_next_open_time());
  clock_->Set(Local(14, 21, 30));  // Saturday after closing; Sunday closed
  auto closed = get();
  EXPECT_FALSE(closed.open_now());
  ASSERT_TRUE(closed.has_next_open_time());
  EXPECT_EQ(FromTs(closed.next_open_time()), Local(16, 9, 0));
  clock_->Set(Local(16, 8, 0));  // Monday morning
  EXPECT_EQ(FromTs(get().next_open_time()), Local(16, 9, 0));
}

TEST_F(DevicesTest, ServicesSayTheirEstimatedWaitAndWhetherTheyOpenACase) {
  auto kiosk = pb::KioskService::NewStub(server_.ChannelWith(DeviceToken("hall-1")));
  auto take = [&](const std::string& service, pb::PriorityClass priority,
                  pb::CreateTicketResponse* out) {
    ASSERT_TRUE(testing::TakeTicket(*kiosk, service, "t-" + std::to_string(++seq_), out,
                                    pb::LANGUAGE_UNSPECIFIED, priority)
                    .ok());
  };
  auto services = [&] {
    grpc::ClientContext ctx;
    pb::ListServicesRequest req;
    req.set_branch_id("test");
    pb::ListServicesResponse resp;
    EXPECT_TRUE(kiosk->ListServices(&ctx, req, &resp).ok());
    std::map<std::string, pb::Service> out;
    for (const auto& s : resp.services()) out[s.prefix()] = s;
    return out;
  };
  auto empty = services();
  EXPECT_EQ(FromPb(empty["R"].estimated_wait()), absl::ZeroDuration());
  EXPECT_TRUE(empty["R"].opens_case());
  EXPECT_FALSE(empty["N"].opens_case());

  // R: 10 min each by default. Two walk-ins and a priority ticket ahead, no
  // counter open: as if one were.
  take("R", pb::PRIORITY_CLASS_UNSPECIFIED, nullptr);
  take("R", pb::PRIORITY_CLASS_ELDERLY, nullptr);
  take("R", pb::PRIORITY_CLASS_UNSPECIFIED, nullptr);
  take("N", pb::PRIORITY_CLASS_UNSPECIFIED, nullptr);  // N: 20 min
  auto three = services();
  EXPECT_EQ(three["R"].waiting_count(), 3);
  EXPECT_EQ(three["R"].open_counter_count(), 0);
  EXPECT_EQ(FromPb(three["R"].estimated_wait()), absl::Minutes(30));
  EXPECT_EQ(FromPb(three["N"].estimated_wait()), absl::Minutes(20));
  EXPECT_EQ(FromPb(three["P"].estimated_wait()), absl::ZeroDuration());

  // Counters 1 (R, N, P) and 2 (R, N) open: two serve R.
  auto counter = pb::CounterService::NewStub(server_.Channel());
  for (const char* id : {"1", "2"}) ASSERT_TRUE(OpenCounter(*counter, id).ok());
  auto two = services();
  EXPECT_EQ(two["R"].open_counter_count(), 2);
  EXPECT_EQ(FromPb(two["R"].estimated_wait()), absl::Minutes(15));

  // CreateTicket's service carries the names for the slip (no counts: the
  // ticket has its own wait); the next customer's wait is in ListServices.
  // Its branch is open (no next opening).
  pb::CreateTicketResponse created;
  take("R", pb::PRIORITY_CLASS_UNSPECIFIED, &created);
  EXPECT_EQ(created.service().prefix(), "R");
  EXPECT_FALSE(created.service().name_en().empty());
  EXPECT_TRUE(created.service().opens_case());
  EXPECT_EQ(FromPb(created.ticket().estimated_wait()), absl::Minutes(15));
  auto after = services();
  EXPECT_EQ(after["R"].waiting_count(), 4);
  EXPECT_EQ(FromPb(after["R"].estimated_wait()), absl::Minutes(20));
  EXPECT_TRUE(created.branch().open_now());
  EXPECT_FALSE(created.branch().has_next_open_time());
}

}  // namespace
}  // namespace shop::queue
