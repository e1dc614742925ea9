// The live streams of the HTTP face through a real server: a ticket page's
// stream from "3 ahead" to "your turn: counter 2" and its end, the token's
// rules, and the web board's token, cookie and snapshot.
#include <nlohmann/json.hpp>

#include "server/domain/queue/ticket.h"
#include "shop/queue/v1/ticket_status_service.grpc.pb.h"
#include "tests/web_api/web_fixture.h"

namespace shop::queue::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Opens an event stream; the reply head is read, frames are left pending.
std::unique_ptr<Conn> OpenStream(WebServer& web, const std::string& target, int* status,
                                 const std::string& extra = "") {
  auto c = std::make_unique<Conn>(web.http_port());
  c->Send(http::testing::Get(target, extra));
  auto head = c->ReadUntil("\r\n\r\n");
  *status = head ? std::atoi(head->c_str() + 9) : 0;
  return c;
}

// The next frame of `event` (others skipped), as JSON; null on timeout.
json NextEvent(Conn& c, const std::string& event, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = http::testing::Clock::now() + timeout;
  while (http::testing::Clock::now() < deadline) {
    auto frame = c.ReadUntil("\n\n", std::chrono::duration_cast<std::chrono::milliseconds>(
                                         deadline - http::testing::Clock::now()));
    if (!frame) break;
    const size_t e = frame->find("event: ");
    if (e == std::string::npos) continue;  // a heartbeat
    const std::string name = frame->substr(e + 7, frame->find('\n', e) - e - 7);
    if (name != event) continue;
    std::string data;
    for (size_t at = frame->find("data: "); at != std::string::npos;
         at = frame->find("data: ", at + 1))
      data += frame->substr(at + 6, frame->find('\n', at) - at - 6);
    return json::parse(data);
  }
  return nullptr;
}

TEST(StatusToken, IsUnguessableShapedAndUnrelatedToTheId) {
  EXPECT_EQ(StatusToken(std::string(16, '\0')), "AAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(StatusToken(std::string(16, '\xff')).size(), 22u);
  EXPECT_TRUE(IsStatusTokenShape(StatusToken("0123456789abcdef")));
  EXPECT_FALSE(IsStatusTokenShape("short"));
  EXPECT_FALSE(IsStatusTokenShape(std::string(21, 'a') + "/"));
}

TEST(TicketPage, StreamGoesFromThreeAheadToYourTurnAndEnds) {
  WebServer web;
  std::vector<pb::CreateTicketResponse> tickets;
  for (int i = 0; i < 4; ++i) tickets.push_back(web.TakeTicket("R"));
  const auto& mine = tickets.back();
  const std::string token = mine.ticket().status_token();
  ASSERT_TRUE(IsStatusTokenShape(token)) << token;
  EXPECT_EQ(mine.status_url(), web.server().server().public_url() + "/t/" + token);
  EXPECT_NE(token, std::to_string(mine.ticket().ticket_id()));
  for (size_t i = 0; i + 1 < tickets.size(); ++i)
    EXPECT_NE(tickets[i].ticket().status_token(), token);

  // The page and the one-shot read.
  auto page = web.Request("GET", "/t/" + token);
  EXPECT_TRUE(page.status == 200 || page.status == 404);  // 404 until the pages are built in
  auto once = web.Post("/api/v1/TicketStatusService/GetTicketStatus",
                       json{{"token", token}}.dump());
  ASSERT_EQ(once.status, 200) << once.body;
  json first = json::parse(once.body)["status"];
  EXPECT_EQ(first["position"], 3);
  EXPECT_EQ(first["serviceName"], "SIM replacement");  // the ticket's language
  EXPECT_EQ(first.count("ticketId"), 0u);

  int status = 0;
  auto stream = OpenStream(web, "/api/v1/tickets/" + token + "/events", &status);
  ASSERT_EQ(status, 200);
  json s = NextEvent(*stream, "status");
  ASSERT_FALSE(s.is_null());
  EXPECT_EQ(s["status"]["position"], 3);
  EXPECT_EQ(s["status"]["displayNumber"], mine.ticket().display_number());

  web.OpenCounter("2");
  for (int ahead = 2; ahead >= 0; --ahead) {
    ASSERT_EQ(web.CallNext("2"), tickets[2 - ahead].ticket().display_number());
    web.Finish("2", tickets[2 - ahead].ticket().ticket_id());
    // Only changes are sent; the position falls one by one.
    json u = NextEvent(*stream, "status");
    ASSERT_FALSE(u.is_null()) << "no update for " << ahead << " ahead";
    while (u["status"].value("position", 0) > ahead) u = NextEvent(*stream, "status");
    EXPECT_EQ(u["status"].value("position", 0), ahead);
  }
  ASSERT_EQ(web.CallNext("2"), mine.ticket().display_number());
  json called = NextEvent(*stream, "status");
  while (!called.is_null() && called["status"]["state"] != "TICKET_STATE_CALLED")
    called = NextEvent(*stream, "status");
  ASSERT_FALSE(called.is_null());
  EXPECT_EQ(called["status"]["counterDisplayName"], "Counter 2");
  EXPECT_EQ(called["status"]["counterId"], "2");

  web.Finish("2", mine.ticket().ticket_id());
  EXPECT_FALSE(NextEvent(*stream, "ended").is_null());
  EXPECT_TRUE(stream->WaitClosed());
  // Useless once the ticket has ended, alike to a token that never was.
  auto after = web.Post("/api/v1/TicketStatusService/GetTicketStatus",
                        json{{"token", token}}.dump());
  EXPECT_EQ(after.status, 404);
  int gone = 0;
  OpenStream(web, "/api/v1/tickets/" + token + "/events", &gone);
  EXPECT_EQ(gone, 404);
  EXPECT_EQ(web.Post("/api/v1/TicketStatusService/GetTicketStatus",
                     json{{"token", StatusToken("no such ticket!!")}}.dump())
                .status,
            404);
  EXPECT_EQ(web.Post("/api/v1/TicketStatusService/GetTicketStatus", R"({"token":"1"})").status,
            400);
}

TEST(TicketPage, TheSameStatusOverGrpc) {
  WebServer web;
  auto t = web.TakeTicket("N");
  auto stub = pb::TicketStatusService::NewStub(web.server().AnonymousChannel());
  grpc::ClientContext ctx;
  pb::GetTicketStatusRequest req;
  req.set_token(t.ticket().status_token());
  pb::GetTicketStatusResponse resp;
  ASSERT_TRUE(stub->GetTicketStatus(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.status().display_number(), t.ticket().display_number());
  EXPECT_EQ(resp.status().service_name(), "New connection");
  EXPECT_EQ(resp.status().state(), pb::TICKET_STATE_WAITING);
}

TEST(WebBoard, NeedsABoardTokenOfTheBranchThenStreamsSnapshotAndCalls) {
  WebServer web;
  const std::string board = web.server().Token(Role::kBoard);
  const std::string kiosk = web.server().Token(Role::kKiosk);
  int status = 0;
  OpenStream(web, "/api/v1/boards/test/events", &status);
  EXPECT_EQ(status, 401);
  OpenStream(web, "/api/v1/boards/test/events?token=" + kiosk, &status);
  EXPECT_EQ(status, 403);
  OpenStream(web, "/api/v1/boards/test/events?token=not-a-token", &status);
  EXPECT_EQ(status, 401);

  // Opening the page once with the token sets the cookie and drops the token
  // from the address.
  auto page = web.Request("GET", "/board/test?token=" + board);
  EXPECT_EQ(page.status, 303);
  EXPECT_EQ(page.Header("location"), "/board/test");
  const std::string cookie = page.Header("set-cookie");
  EXPECT_NE(cookie.find("board_token=" + board), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(web.Request("GET", "/board/test?token=" + kiosk).status, 403);

  auto t = web.TakeTicket("P");
  auto stream =
      OpenStream(web, "/api/v1/boards/test/events", &status, "Cookie: board_token=" + board + "\r\n");
  ASSERT_EQ(status, 200);
  json snap = NextEvent(*stream, "board");
  ASSERT_FALSE(snap.is_null());
  EXPECT_EQ(snap["snapshot"], true);
  web.OpenCounter("3");
  ASSERT_EQ(web.CallNext("3"), t.ticket().display_number());
  bool seen = false;
  for (int i = 0; i < 5 && !seen; ++i) {
    json u = NextEvent(*stream, "board");
    ASSERT_FALSE(u.is_null());
    seen = u.dump().find(t.ticket().display_number()) != std::string::npos;
  }
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace shop::queue::testing
