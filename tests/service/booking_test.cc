// Appointments through a real server on loopback with a manual clock: 200
// clients racing for one 10-seat slot, check-in inside / before / after the
// window, no-shows and reminders from the sweeper, the call order with due
// appointments, priority tickets and walk-ins mixed, and the per-address
// limit of the public API.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "shop/queue/v1/booking_service.grpc.pb.h"
#include "shop/queue/v1/counter_service.grpc.pb.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "server/domain/common/personal_data.h"
#include "tests/service/test_server.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;
using testing::At;

constexpr const char* kZone = "Europe/Moscow";

ServerConfig BookingConfig(int per_minute = 100000, int burst = 100000) {
  ServerConfig c = testing::TestConfig(kZone);  // 09:00-21:00 Mon-Sat
  BranchConfig& b = c.branches[0];
  b.services[0].slot_length = absl::Minutes(30);  // R
  b.booking.seats_per_slot = 10;
  b.booking.min_lead = absl::Hours(1);
  b.booking.horizon_days = 14;
  b.booking.checkin_early = absl::Minutes(30);
  b.booking.checkin_late = absl::Minutes(15);
  b.booking.reminder_before = absl::Hours(2);
  c.booking_api.per_address_per_minute = per_minute;
  c.booking_api.burst = burst;
  return c;
}

google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

absl::Time Local(int h, int m) { return At(kZone, 2026, 3, 10, h, m); }  // a Tuesday

class BookingTest : public ::testing::Test {
 protected:
  explicit BookingTest(ServerConfig config = BookingConfig())
      : clock_(std::make_shared<ManualClock>(Local(10, 0))),
        server_(std::move(config), clock_),
        booking_(pb::BookingService::NewStub(server_.AnonymousChannel())),
        kiosk_(pb::KioskService::NewStub(server_.ChannelWith(server_.Token(Role::kKiosk)))),
        counter_(pb::CounterService::NewStub(server_.Channel())) {}

  grpc::Status Book(absl::Time slot, const std::string& phone, pb::Booking* out = nullptr,
                    pb::BookingService::Stub* stub = nullptr,
                    pb::Language language = pb::LANGUAGE_UNSPECIFIED) {
    grpc::ClientContext ctx;
    // A fresh connection among 20 opened at once may still be connecting.
    ctx.set_wait_for_ready(true);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    pb::CreateBookingRequest req;
    req.set_branch_id("test");
    req.set_service_prefix("R");
    *req.mutable_start_time() = Ts(slot);
    req.set_name("Anna Petrova");
    req.set_phone(phone);
    req.set_request_id("book-" + phone + "-" + std::to_string(absl::ToUnixSeconds(slot)));
    req.set_language(language);
    pb::CreateBookingResponse resp;
    auto st = (stub ? stub : booking_.get())->CreateBooking(&ctx, req, &resp);
    if (out) *out = resp.booking();
    return st;
  }

  grpc::Status CheckIn(const std::string& code, pb::CheckInBookingResponse* out) {
    grpc::ClientContext ctx;
    pb::CheckInBookingRequest req;
    req.set_branch_id("test");
    req.set_code(code);
    return kiosk_->CheckInBooking(&ctx, req, out);
  }

  pb::Ticket WalkIn(pb::PriorityClass priority = pb::PRIORITY_CLASS_UNSPECIFIED) {
    grpc::ClientContext ctx;
    pb::CreateTicketRequest req;
    req.set_branch_id("test");
    req.set_service_prefix("R");
    req.set_priority_class(priority);
    req.set_request_id("walk-" + std::to_string(++seq_));
    pb::CreateTicketResponse resp;
    EXPECT_TRUE(kiosk_->CreateTicket(&ctx, req, &resp).ok());
    return resp.ticket();
  }

  // Calls the next ticket to counter 1 and leaves it called: its id, or -1.
  int64_t CallOnly() {
    grpc::ClientContext ctx;
    pb::CallNextTicketRequest req;
    req.set_branch_id("test");
    req.set_counter_id("1");
    req.set_request_id("next-" + std::to_string(++seq_));
    pb::CallNextTicketResponse resp;
    auto st = counter_->CallNextTicket(&ctx, req, &resp);
    return st.ok() ? resp.ticket().ticket_id() : -1;
  }

  int64_t CallNext() {
    grpc::ClientContext ctx;
    pb::CallNextTicketRequest req;
    req.set_branch_id("test");
    req.set_counter_id("1");
    req.set_request_id("next-" + std::to_string(++seq_));
    pb::CallNextTicketResponse resp;
    auto st = counter_->CallNextTicket(&ctx, req, &resp);
    if (!st.ok()) return -1;
    // Finish it at once so the counter is free for the next call.
    for (auto* step : {"start", "done"}) {
      grpc::ClientContext c2;
      if (std::string(step) == "start") {
        pb::StartTicketRequest r;
        r.set_branch_id("test");
        r.set_counter_id("1");
        r.set_ticket_id(resp.ticket().ticket_id());
        pb::StartTicketResponse out;
        EXPECT_TRUE(counter_->StartTicket(&c2, r, &out).ok());
      } else {
        pb::CompleteTicketRequest r;
        r.set_branch_id("test");
        r.set_counter_id("1");
        r.set_ticket_id(resp.ticket().ticket_id());
        pb::CompleteTicketResponse out;
        EXPECT_TRUE(counter_->CompleteTicket(&c2, r, &out).ok());
      }
    }
    return resp.ticket().ticket_id();
  }

  void OpenCounter() {
    grpc::ClientContext ctx;
    pb::OpenCounterRequest req;
    req.set_branch_id("test");
    req.set_counter_id("1");
    req.add_service_prefixes("R");
    pb::OpenCounterResponse resp;
    ASSERT_TRUE(counter_->OpenCounter(&ctx, req, &resp).ok());
  }

  std::shared_ptr<ManualClock> clock_;
  testing::TestServer server_;
  std::unique_ptr<pb::BookingService::Stub> booking_;
  std::unique_ptr<pb::KioskService::Stub> kiosk_;
  std::unique_ptr<pb::CounterService::Stub> counter_;
  int seq_ = 0;
};

TEST_F(BookingTest, TwoHundredClientsRacingForATenSeatSlotGetExactlyTenSeats) {
  constexpr int kClients = 200;
  std::vector<std::unique_ptr<pb::BookingService::Stub>> stubs;
  for (int i = 0; i < 20; ++i)  // 20 connections, 10 clients on each
  {
    grpc::ChannelArguments a;
    a.SetInt("shop.test.channel", i);  // distinct arguments: separate connections
    stubs.push_back(pb::BookingService::NewStub(
        grpc::CreateCustomChannel(server_.address(), grpc::InsecureChannelCredentials(), a)));
  }
  std::atomic<int> ok{0}, full{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i)
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      char phone[16];
      std::snprintf(phone, sizeof phone, "+7916%07d", i);
      auto st = Book(Local(14, 0), phone, nullptr, stubs[i % stubs.size()].get());
      if (st.ok()) ++ok;
      else if (st.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
               st.error_message().find("full") != std::string::npos)
        ++full;
      else {
        ++other;
        ADD_FAILURE() << "unexpected answer: " << st.error_code() << " " << st.error_message();
      }
    });
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 10);
  EXPECT_EQ(full.load(), 190);
  EXPECT_EQ(other.load(), 0);

  grpc::ClientContext ctx;
  pb::ListSlotsRequest req;
  req.set_branch_id("test");
  req.set_service_prefix("R");
  req.set_from_date("2026-03-10");
  req.set_to_date("2026-03-10");
  pb::ListSlotsResponse resp;
  ASSERT_TRUE(booking_->ListSlots(&ctx, req, &resp).ok());
  bool seen = false;
  for (const auto& s : resp.slots())
    if (s.start_time().seconds() == absl::ToUnixSeconds(Local(14, 0))) {
      EXPECT_EQ(s.seats_left(), 0);
      seen = true;
    }
  EXPECT_TRUE(seen);
  EXPECT_EQ(resp.time_zone(), kZone);
}

TEST_F(BookingTest, BookingRulesAnswerClearly) {
  pb::Booking b;
  ASSERT_TRUE(Book(Local(14, 0), "+79161234567", &b).ok());
  EXPECT_EQ(b.code().size(), 9u);  // XXXX-XXXX
  EXPECT_EQ(b.phone_masked(), "+7******4567");
  // A retry with the same request id: the same booking.
  pb::Booking again;
  ASSERT_TRUE(Book(Local(14, 0), "+79161234567", &again).ok());
  EXPECT_EQ(again.code(), b.code());
  // One active booking per phone per service per day.
  auto st = Book(Local(15, 0), "+79161234567");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  // Too soon (lead time 1 h), not a slot, outside hours, too far ahead.
  EXPECT_EQ(Book(Local(10, 30), "+79160000001").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Book(Local(14, 10), "+79160000002").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Book(Local(22, 0), "+79160000003").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Book(At(kZone, 2026, 4, 20, 10, 0), "+79160000004").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // Bad contact fields, all at once.
  {
    grpc::ClientContext ctx;
    pb::CreateBookingRequest req;
    req.set_branch_id("test");
    req.set_service_prefix("R");
    *req.mutable_start_time() = Ts(Local(16, 0));
    req.set_phone("12");
    req.set_email("not an email");
    pb::CreateBookingResponse resp;
    auto bad = booking_->CreateBooking(&ctx, req, &resp);
    EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    for (const char* f : {"name", "phone", "email", "request_id"})
      EXPECT_NE(bad.error_message().find(f), std::string::npos) << f << ": " << bad.error_message();
  }
  // Show, move, cancel need the code and the phone it was made with.
  {
    grpc::ClientContext ctx;
    pb::GetBookingRequest req;
    req.set_code(b.code());
    req.set_phone("+79990000000");
    pb::GetBookingResponse resp;
    EXPECT_EQ(booking_->GetBooking(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    pb::RescheduleBookingRequest req;
    req.set_code(b.code());
    req.set_phone("8 916 123-45-67");
    *req.mutable_start_time() = Ts(Local(16, 30));
    pb::RescheduleBookingResponse resp;
    auto moved = booking_->RescheduleBooking(&ctx, req, &resp);
    ASSERT_TRUE(moved.ok()) << moved.error_message();
    EXPECT_EQ(resp.booking().start_time().seconds(), absl::ToUnixSeconds(Local(16, 30)));
  }
  {
    grpc::ClientContext ctx;
    pb::CancelBookingRequest req;
    req.set_code(b.code());
    req.set_phone("+79161234567");
    pb::CancelBookingResponse resp;
    ASSERT_TRUE(booking_->CancelBooking(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.booking().state(), pb::BOOKING_STATE_CANCELLED);
  }
  pb::CheckInBookingResponse in;
  EXPECT_EQ(CheckIn(b.code(), &in).error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << "a cancelled code";
  EXPECT_EQ(CheckIn("ZZZZ-ZZZZ", &in).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CheckIn("?", &in).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// A request id is the phone's own: another customer who sends it (by chance
// or on purpose) books for himself and never sees the first booking, and the
// same id with other details is refused.
TEST_F(BookingTest, ARequestIdIsThePhonesOwnAndNeverAnswersWithAnotherBooking) {
  auto create = [&](const std::string& phone, absl::Time slot, const std::string& request_id,
                    pb::Booking* out) {
    grpc::ClientContext ctx;
    pb::CreateBookingRequest req;
    req.set_branch_id("test");
    req.set_service_prefix("R");
    *req.mutable_start_time() = Ts(slot);
    req.set_name(phone == "+79161234567" ? "Anna Petrova" : "Oleg Sidorov");
    req.set_phone(phone);
    req.set_request_id(request_id);
    pb::CreateBookingResponse resp;
    auto st = booking_->CreateBooking(&ctx, req, &resp);
    *out = resp.booking();
    return st;
  };
  pb::Booking anna, oleg, retry;
  ASSERT_TRUE(create("+79161234567", Local(14, 0), "shared-id", &anna).ok());
  // Another customer with the same id, another phone and slot: his own booking.
  grpc::Status st = create("+79035550000", Local(16, 0), "shared-id", &oleg);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_NE(oleg.code(), anna.code());
  EXPECT_EQ(oleg.phone_masked(), "+7******0000");
  // Anna's own retry: her booking, once.
  ASSERT_TRUE(create("+79161234567", Local(14, 0), "shared-id", &retry).ok());
  EXPECT_EQ(retry.code(), anna.code());
  // Anna's id again with another slot: refused, nothing of the first shown.
  st = create("+79161234567", Local(15, 0), "shared-id", &retry);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  EXPECT_NE(st.error_message().find("request_id reused with other parameters"),
            std::string::npos)
      << st.error_message();
  EXPECT_EQ(st.error_message().find(anna.code()), std::string::npos);
  EXPECT_TRUE(retry.code().empty());
}

TEST_F(BookingTest, CheckInInsideTheWindowTooEarlyAndTooLate) {
  pb::Booking on_time, late;
  ASSERT_TRUE(Book(Local(14, 0), "+79161111111", &on_time).ok());
  ASSERT_TRUE(Book(Local(15, 0), "+79162222222", &late).ok());

  pb::CheckInBookingResponse r;
  clock_->Set(Local(13, 0));
  auto st = CheckIn(on_time.code(), &r);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(st.error_message().find("13:30"), std::string::npos) << st.error_message();

  clock_->Set(Local(13, 40));
  ASSERT_TRUE(CheckIn(on_time.code(), &r).ok());
  EXPECT_FALSE(r.late());
  EXPECT_EQ(r.ticket().origin(), pb::TICKET_ORIGIN_APPOINTMENT);
  EXPECT_EQ(r.ticket().due_time().seconds(), absl::ToUnixSeconds(Local(14, 0)));
  const int64_t ticket = r.ticket().ticket_id();
  ASSERT_TRUE(CheckIn(on_time.code(), &r).ok()) << "pressing twice";
  EXPECT_EQ(r.ticket().ticket_id(), ticket);

  clock_->Set(Local(15, 20));  // grace ended 15:15
  ASSERT_TRUE(CheckIn(late.code(), &r).ok());
  EXPECT_TRUE(r.late());
  EXPECT_EQ(r.ticket().origin(), pb::TICKET_ORIGIN_WALK_IN);
}

TEST_F(BookingTest, NobodyCameBecomesANoShowAndRemindersGoToTheOutbox) {
  pb::Booking b;
  ASSERT_TRUE(Book(Local(16, 0), "+79163333333", &b).ok());
  clock_->Set(Local(13, 0));
  EXPECT_EQ(*server_.server().bookings().QueueReminders(), 0) << "more than 2 h before";
  clock_->Set(Local(14, 1));
  EXPECT_EQ(*server_.server().bookings().QueueReminders(), 1);
  EXPECT_EQ(*server_.server().bookings().QueueReminders(), 0) << "once";
  Status st = server_.store().Read([&](ReadTx& tx) -> Status {
    auto out = tx.outbox().OutboxFor("booking:1");
    EXPECT_EQ(out->size(), 1u);
    if (!out->empty()) {
      EXPECT_EQ(out->front().recipient, "+79163333333");
      EXPECT_NE(out->front().text.find(b.code()), std::string::npos) << out->front().text;
    }
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok());
  clock_->Set(Local(16, 10));
  EXPECT_EQ(*server_.server().bookings().MarkNoShows(), 0) << "still inside the grace";
  clock_->Set(Local(16, 16));
  EXPECT_EQ(*server_.server().bookings().MarkNoShows(), 1);
  grpc::ClientContext ctx;
  pb::GetBookingRequest req;
  req.set_code(b.code());
  req.set_phone("+79163333333");
  pb::GetBookingResponse resp;
  ASSERT_TRUE(booking_->GetBooking(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.booking().state(), pb::BOOKING_STATE_NO_SHOW);
}

TEST_F(BookingTest, ADueAppointmentGoesBeforeEarlierWalkInsButNotBeforeItsTime) {
  OpenCounter();
  pb::Booking b;
  ASSERT_TRUE(Book(Local(14, 0), "+79164444444", &b).ok());
  clock_->Set(Local(13, 30));
  int64_t w1 = WalkIn().ticket_id();
  clock_->Set(Local(13, 35));
  int64_t w2 = WalkIn().ticket_id();
  clock_->Set(Local(13, 40));
  pb::CheckInBookingResponse r;
  ASSERT_TRUE(CheckIn(b.code(), &r).ok());
  int64_t appointment = r.ticket().ticket_id();
  clock_->Set(Local(13, 45));
  int64_t elderly = WalkIn(pb::PRIORITY_CLASS_ELDERLY).ticket_id();

  clock_->Set(Local(13, 50));
  EXPECT_EQ(CallNext(), elderly) << "priority first; the appointment is not due yet";
  EXPECT_EQ(CallNext(), w1) << "an early appointment is not called before its time";
  clock_->Set(Local(14, 0));
  EXPECT_EQ(CallNext(), appointment) << "due now: before the walk-in who came earlier";
  EXPECT_EQ(CallNext(), w2);
}

// With SMS sending on: [notify] enabled with a gateway (nothing listens
// there; the sender looks once an hour and finds nothing due by then).
ServerConfig SmsConfig() {
  ServerConfig c = BookingConfig();
  c.notify.enabled = true;
  c.notify.sms.url = "http://127.0.0.1:9/send";
  c.notify.poll_interval = absl::Hours(1);
  return c;
}

class BookingSmsTest : public BookingTest {
 protected:
  BookingSmsTest() : BookingTest(SmsConfig()) {}
};

// "Your turn is near" through the real services: the phone of a booking
// checked in late (a walk-in ticket) and a kiosk's opt-in each get one SMS
// when 3 (the default notify_ahead) are ahead; a bad opt-in number is refused
// by name.
TEST_F(BookingSmsTest, TurnIsNearReachesABookingsPhoneAndAKioskOptInOnce) {
  OpenCounter();
  pb::Booking b;
  ASSERT_TRUE(Book(Local(15, 0), "+79165555555", &b).ok());
  clock_->Set(Local(15, 16));  // the grace ended 15:15
  for (int i = 0; i < 5; ++i) WalkIn();
  pb::CheckInBookingResponse r;
  ASSERT_TRUE(CheckIn(b.code(), &r).ok());
  ASSERT_TRUE(r.late());
  const int64_t late = r.ticket().ticket_id();
  EXPECT_EQ(r.ticket().position(), 5);

  grpc::ClientContext bad_ctx;
  pb::CreateTicketRequest req;
  req.set_branch_id("test");
  req.set_service_prefix("R");
  req.set_request_id("opt-in-bad");
  req.set_notify_phone("+7 495 123-45-67");  // a Moscow landline
  pb::CreateTicketResponse resp;
  auto st = kiosk_->CreateTicket(&bad_ctx, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("notify_phone"), std::string::npos) << st.error_message();

  grpc::ClientContext ctx;
  req.set_request_id("opt-in");
  req.set_notify_phone("8 916 777-77-77");
  ASSERT_TRUE(kiosk_->CreateTicket(&ctx, req, &resp).ok());
  const int64_t opted = resp.ticket().ticket_id();
  EXPECT_EQ(resp.ticket().position(), 6);
  EXPECT_TRUE(resp.turn_near_sms()) << "the number was kept";

  auto notices = [&](int64_t ticket) {
    std::vector<OutboxMessage> out;
    EXPECT_TRUE(server_.store()
                    .Read([&](ReadTx& tx) -> Status {
                      auto m = tx.outbox().OutboxFor("ticket:" + std::to_string(ticket));
                      if (m.ok()) out = *m;
                      return m.status();
                    })
                    .ok());
    return out;
  };
  CallNext();  // 4 ahead of the late one
  EXPECT_TRUE(notices(late).empty());
  CallNext();  // 3 ahead of it, 4 of the opt-in
  ASSERT_EQ(notices(late).size(), 1u);
  EXPECT_EQ(notices(late)[0].recipient, "+79165555555");
  EXPECT_TRUE(notices(opted).empty());
  CallNext();  // 3 ahead of the opt-in
  ASSERT_EQ(notices(opted).size(), 1u);
  EXPECT_EQ(notices(opted)[0].recipient, "+79167777777");
  EXPECT_NE(notices(opted)[0].text.find("3"), std::string::npos) << notices(opted)[0].text;
  for (int i = 0; i < 4; ++i) CallNext();
  EXPECT_EQ(notices(late).size(), 1u);
  EXPECT_EQ(notices(opted).size(), 1u);
  // A ticket near already at issue keeps no number, and the answer says so.
  grpc::ClientContext near_ctx;
  req.set_request_id("opt-in-near");
  ASSERT_TRUE(kiosk_->CreateTicket(&near_ctx, req, &resp).ok());
  EXPECT_LE(resp.ticket().position(), 3);
  EXPECT_FALSE(resp.turn_near_sms());
}

// Sending off (the default): neither a booking's phone nor a kiosk's
// opt-in is kept, the answer promises no SMS, and calls queue none.
TEST_F(BookingTest, TurnIsNearNeedsSmsSendingOn) {
  OpenCounter();
  pb::Booking b;
  ASSERT_TRUE(Book(Local(15, 0), "+79165555555", &b).ok());
  clock_->Set(Local(15, 16));  // a late check-in: a walk-in ticket
  for (int i = 0; i < 5; ++i) WalkIn();
  pb::CheckInBookingResponse r;
  ASSERT_TRUE(CheckIn(b.code(), &r).ok());
  const int64_t late = r.ticket().ticket_id();
  grpc::ClientContext ctx;
  pb::CreateTicketRequest req;
  req.set_branch_id("test");
  req.set_service_prefix("R");
  req.set_request_id("opt-in");
  req.set_notify_phone("8 916 777-77-77");
  pb::CreateTicketResponse resp;
  ASSERT_TRUE(kiosk_->CreateTicket(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.ticket().position(), 6);
  EXPECT_FALSE(resp.turn_near_sms()) << "no SMS can be sent";
  const int64_t opted = resp.ticket().ticket_id();
  for (int i = 0; i < 5; ++i) CallNext();
  for (int64_t ticket : {late, opted}) {
    std::vector<OutboxMessage> out;
    ASSERT_TRUE(server_.store()
                    .Read([&](ReadTx& tx) -> Status {
                      auto m = tx.outbox().OutboxFor("ticket:" + std::to_string(ticket));
                      if (m.ok()) out = *m;
                      return m.status();
                    })
                    .ok());
    EXPECT_TRUE(out.empty()) << ticket;
  }
}

// A code whose ticket has left the queue (called, served, ...) was used: a
// second press while the ticket still waits gives the same ticket, later
// presses are refused and say what became of the ticket (no new slip).
TEST_F(BookingTest, ACodeWhoseTicketLeftTheQueueWasUsed) {
  OpenCounter();
  pb::Booking b;
  ASSERT_TRUE(Book(Local(14, 0), "+79165555555", &b).ok());
  clock_->Set(Local(13, 50));
  pb::CheckInBookingResponse r;
  ASSERT_TRUE(CheckIn(b.code(), &r).ok());
  const pb::Ticket ticket = r.ticket();
  ASSERT_TRUE(CheckIn(b.code(), &r).ok()) << "a second press while it waits";
  EXPECT_EQ(r.ticket().ticket_id(), ticket.ticket_id());

  clock_->Set(Local(14, 0));
  ASSERT_EQ(CallOnly(), ticket.ticket_id());
  auto called = CheckIn(b.code(), &r);
  EXPECT_EQ(called.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << called.error_message();
  EXPECT_NE(called.error_message().find("booking " + b.code() + " was already used: its ticket " +
                                        ticket.display_number()),
            std::string::npos)
      << called.error_message();
  EXPECT_NE(called.error_message().find("counter 1"), std::string::npos) << called.error_message();

  for (const char* step : {"start", "done"}) {
    grpc::ClientContext ctx;
    if (std::string(step) == "start") {
      pb::StartTicketRequest req;
      req.set_branch_id("test");
      req.set_counter_id("1");
      req.set_ticket_id(ticket.ticket_id());
      pb::StartTicketResponse out;
      ASSERT_TRUE(counter_->StartTicket(&ctx, req, &out).ok());
    } else {
      pb::CompleteTicketRequest req;
      req.set_branch_id("test");
      req.set_counter_id("1");
      req.set_ticket_id(ticket.ticket_id());
      pb::CompleteTicketResponse out;
      ASSERT_TRUE(counter_->CompleteTicket(&ctx, req, &out).ok());
    }
  }
  auto done = CheckIn(b.code(), &r);
  EXPECT_EQ(done.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << done.error_message();
  EXPECT_NE(done.error_message().find("was already used: its ticket " + ticket.display_number() +
                                      " was served"),
            std::string::npos)
      << done.error_message();
}

// Characters that no code has are named, so the customer looks again at the
// confirmation instead of retyping the same thing.
TEST_F(BookingTest, ACodeWithCharactersNoCodeUsesSaysWhichOnes) {
  pb::CheckInBookingResponse r;
  auto one = CheckIn("XXXX-1111", &r);
  EXPECT_EQ(one.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(one.error_message().find("'1' is never used in booking codes"), std::string::npos)
      << one.error_message();
  EXPECT_NE(one.error_message().find("check the code on the confirmation"), std::string::npos)
      << one.error_message();
  auto two = CheckIn("k7m2-oxid", &r);
  EXPECT_EQ(two.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(two.error_message().find("'O' and 'I' are never used"), std::string::npos)
      << two.error_message();
  auto length = CheckIn("K7M2-QX9", &r);
  EXPECT_EQ(length.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(length.error_message().find("8 letters and digits"), std::string::npos)
      << length.error_message();
  EXPECT_NE(length.error_message().find("7"), std::string::npos) << length.error_message();
}

// Reminders speak the booking's language, with the branch's local times.
TEST_F(BookingTest, RemindersAreInTheBookingsLanguage) {
  struct Case {
    pb::Language language;
    const char* phone;
  };
  const Case cases[] = {{pb::LANGUAGE_RU, "+79166666661"},
                        {pb::LANGUAGE_EN, "+79166666662"},
                        {pb::LANGUAGE_ZH, "+79166666663"}};
  std::vector<pb::Booking> booked;
  for (const Case& c : cases) {
    pb::Booking b;
    ASSERT_TRUE(Book(Local(16, 0), c.phone, &b, nullptr, c.language).ok());
    booked.push_back(b);
  }
  clock_->Set(Local(14, 1));
  EXPECT_EQ(*server_.server().bookings().QueueReminders(), 3);
  auto text_of = [&](int booking_id) {
    std::string text;
    Status st = server_.store().Read([&](ReadTx& tx) -> Status {
      auto out = tx.outbox().OutboxFor("booking:" + std::to_string(booking_id));
      if (!out.ok()) return out.status();
      if (out->size() == 1) text = out->front().text;
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return text;
  };
  auto has = [](const std::string& text, char32_t lo, char32_t hi) {
    auto cps = DecodeUtf8(text);
    return cps && std::any_of(cps->begin(), cps->end(),
                              [&](char32_t c) { return c >= lo && c <= hi; });
  };
  for (int i = 0; i < 3; ++i) {
    const std::string text = text_of(i + 1);
    SCOPED_TRACE(text);
    EXPECT_NE(text.find(booked[i].code()), std::string::npos);
    EXPECT_NE(text.find("16:00"), std::string::npos) << "the slot in Moscow time";
    EXPECT_NE(text.find("15:30"), std::string::npos) << "check-in opens, Moscow time";
    const bool cyrillic = has(text, 0x400, 0x4FF), chinese = has(text, 0x4E00, 0x9FFF);
    switch (cases[i].language) {
      case pb::LANGUAGE_RU:
        EXPECT_TRUE(cyrillic);
        EXPECT_FALSE(chinese);
        break;
      case pb::LANGUAGE_EN:
        EXPECT_FALSE(cyrillic);
        EXPECT_FALSE(chinese);
        EXPECT_NE(text.find("Reminder"), std::string::npos);
        break;
      default:
        EXPECT_TRUE(chinese);
        EXPECT_FALSE(cyrillic);
    }
  }
}

class BookingLimitTest : public BookingTest {
 protected:
  BookingLimitTest() : BookingTest(BookingConfig(/*per_minute=*/60, /*burst=*/5)) {}
};

TEST_F(BookingLimitTest, OneAddressGetsItsBurstThenWaits) {
  auto list = [&] {
    grpc::ClientContext ctx;
    pb::ListSlotsRequest req;
    req.set_branch_id("test");
    req.set_service_prefix("R");
    pb::ListSlotsResponse resp;
    return booking_->ListSlots(&ctx, req, &resp);
  };
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(list().ok()) << i;
  auto st = list();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(st.error_message().find("retry in"), std::string::npos);
  clock_->Advance(absl::Seconds(1));  // one token a second
  EXPECT_TRUE(list().ok());
  EXPECT_EQ(list().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

}  // namespace
}  // namespace shop::queue
