// The remote route's JSON API (RemoteService's public calls over the HTTP
// face) through a real server on loopback: an application with two photos of
// up to 5 MiB as base64, its status, a retry, withdrawal, the activation of a
// withdrawn one; the body limit, larger on the application route only; the
// per-address limit shared with the booking routes; and the same answers as
// gRPC, since both run RemotePublicCalls.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include "shop/queue/v1/remote_service.grpc.pb.h"
#include "tests/support/test_images.h"
#include "tests/web_api/web_fixture.h"

namespace shop::queue::testing {
namespace {

using nlohmann::json;

constexpr const char* kPhone = "+79162223344";
constexpr const char* kDocument = "4509000222";
const std::string kApply = "/api/v1/RemoteService/ApplyForReplacement";
const std::string kStatus = "/api/v1/RemoteService/GetApplicationStatus";

json Body(const HttpReply& r) {
  auto j = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON: " << r.body.substr(0, 300);
  return j;
}

void ExpectRefusal(const HttpReply& r, int http, int grpc_code, const std::string& what) {
  EXPECT_EQ(r.status, http) << what << ": " << r.body.substr(0, 300);
  EXPECT_EQ(Body(r).value("code", -1), grpc_code) << what;
}

std::vector<std::string> BadFields(const HttpReply& r) {
  std::vector<std::string> out;
  const json body = Body(r);
  for (const auto& d : body["details"])
    for (const auto& v : d["fieldViolations"]) out.push_back(v["field"]);
  return out;
}

std::string Base64(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t v = uint8_t(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// A PNG of `bytes` bytes in all (a valid structure, filler pixels).
std::string PngOfSize(size_t bytes) {
  PngSpec spec;
  spec.width = 1600;
  spec.height = 1200;
  spec.idat_bytes = 1500;
  const size_t base = MakePng(spec).size();
  spec.idat_bytes += bytes - base;
  std::string png = MakePng(spec);
  EXPECT_EQ(png.size(), bytes);
  return png;
}

ServerConfig RemoteWebConfig(int per_minute = 100000, int burst = 100000) {
  ServerConfig c = CaseTestConfig();
  c.http.listen = "127.0.0.1:0";
  c.branches[0].services[0].slot_length = absl::Minutes(15);  // listed by ListBranches
  c.booking_api.per_address_per_minute = per_minute;
  c.booking_api.burst = burst;
  return c;
}

class RemoteWebTest : public ::testing::Test {
 protected:
  explicit RemoteWebTest(ServerConfig config = RemoteWebConfig()) : web_(std::move(config)) {
    TestServer& s = web_.server();
    Status seeded = s.store().Write([&](WriteTx& tx) -> Status {
      Subscriber sub = TestSubscriber(s.hasher(), kPhone, kDocument, 700, "+79031112233");
      sub.contact = "holder@example.com";
      sub.address = "ul. Testovaya 1, Moscow";
      QUEUE_RETURN_IF_ERROR(tx.cases().SaveSubscriber(sub));
      return tx.cases().AddStockCard({TestIccid(100), "test", "megafon"});
    });
    EXPECT_TRUE(seeded.ok()) << seeded.ToString();
  }

  static json Application(const std::string& document_photo, const std::string& selfie_photo,
                          const std::string& request_id = "web-remote-request-0001") {
    return {{"phone", kPhone},
            {"operatorId", "megafon"},
            {"reason", "REPLACEMENT_REASON_LOST"},
            {"fullName", "Ivanova Maria"},
            {"documentType", "DOCUMENT_TYPE_RU_PASSPORT"},
            {"documentNumber", "4509 000222"},
            {"documentPhoto", Base64(document_photo)},
            {"selfiePhoto", Base64(selfie_photo)},
            {"delivery", "DELIVERY_POST"},
            {"language", "LANGUAGE_EN"},
            {"consent", true},
            {"requestId", request_id}};
  }

  WebServer web_;
};

TEST_F(RemoteWebTest, ApplyWithTwoFiveMebibytePhotosFollowWithdraw) {
  auto ops = web_.Post("/api/v1/RemoteService/ListOperators", "{}");
  ASSERT_EQ(ops.status, 200) << ops.body;
  EXPECT_EQ(Body(ops)["operatorIds"], json({"beeline", "megafon", "tele2"}));

  // Two photos of exactly the largest size allowed: a body far above the
  // HTTP face's usual 64 KiB, taken on this route only.
  const std::string body =
      Application(PngOfSize(kMaxPhotoBytes), PngOfSize(kMaxPhotoBytes)).dump();
  ASSERT_GT(body.size(), 13u * 1024 * 1024);
  ASSERT_LT(body.size(), http::WebApi::kApplicationMaxBodyBytes);
  auto applied = web_.Post(kApply, body);
  ASSERT_EQ(applied.status, 200) << applied.body.substr(0, 500);
  const std::string reference = Body(applied)["reference"];
  EXPECT_EQ(reference.size(), 19u) << reference;
  EXPECT_EQ(Body(applied)["status"]["state"], "APPLICATION_STATE_AWAITING_REVIEW");
  EXPECT_EQ(Body(applied)["status"]["timeZone"], "Europe/Moscow");
  EXPECT_EQ(Body(applied)["status"]["phoneMasked"], "+7******3344");

  // A lost answer: the very same request answers with the same reference.
  auto retried = web_.Post(kApply, body);
  ASSERT_EQ(retried.status, 200) << retried.body.substr(0, 500);
  EXPECT_EQ(Body(retried)["reference"], reference);

  auto status = web_.Post(kStatus, json{{"reference", reference}}.dump());
  ASSERT_EQ(status.status, 200) << status.body;
  const json s = Body(status)["status"];
  EXPECT_EQ(s["state"], "APPLICATION_STATE_AWAITING_REVIEW");
  ASSERT_EQ(s["steps"].size(), 1u);
  EXPECT_EQ(s["steps"][0]["step"], "applied");
  EXPECT_EQ(s["steps"][0]["outcome"], "received");
  // Typed without dashes and in lower case: the same application.
  std::string compact;
  for (char c : reference)
    if (c != '-') compact += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(web_.Post(kStatus, json{{"reference", compact}}.dump()).status, 200);

  // gRPC answers the same: one RemotePublicCalls behind both faces.
  auto stub = pb::RemoteService::NewStub(web_.server().AnonymousChannel());
  grpc::ClientContext ctx;
  pb::GetApplicationStatusRequest req;
  req.set_reference(reference);
  pb::GetApplicationStatusResponse resp;
  ASSERT_TRUE(stub->GetApplicationStatus(&ctx, req, &resp).ok());
  std::string via_grpc;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(resp, &via_grpc).ok());
  EXPECT_EQ(json::parse(via_grpc), Body(status));

  // A second application for the number: one answer for every reason.
  auto second = web_.Post(kApply, Application(PngOfSize(4096), MakeJpeg(1280, 960), "web-remote-request-0002").dump());
  ExpectRefusal(second, 409, 9, "second application");
  EXPECT_NE(Body(second)["message"].get<std::string>().find("cannot be replaced online"),
            std::string::npos);

  auto withdrawn = web_.Post("/api/v1/RemoteService/WithdrawApplication",
                             json{{"reference", reference}}.dump());
  ASSERT_EQ(withdrawn.status, 200) << withdrawn.body;
  EXPECT_EQ(Body(withdrawn)["status"]["state"], "APPLICATION_STATE_CANCELLED");
  ExpectRefusal(web_.Post("/api/v1/RemoteService/ActivateCard",
                          json{{"reference", reference}, {"activationCode", "K7M2-QX9D"},
                               {"answer", "700"}}
                              .dump()),
                409, 9, "activating a withdrawn application");
  ExpectRefusal(web_.Post(kStatus, json{{"reference", "K7M2-QX9D-ABCD-EFGH"}}.dump()), 404, 5,
                "unknown reference");
}

TEST_F(RemoteWebTest, EveryBadFieldAtOnceAndPhotosCheckedByTheServer) {
  json app = Application("This is a text file, not a photo.", PngOfSize(kMaxPhotoBytes + 1),
                         "web-remote-request-0003");
  app["phone"] = "12";
  app["documentNumber"] = "12";
  app["consent"] = false;
  auto bad = web_.Post(kApply, app.dump());
  ExpectRefusal(bad, 400, 3, "bad fields");
  auto fields = BadFields(bad);
  for (const char* f : {"phone", "document_number", "document_photo", "selfie_photo", "consent"})
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f << ": " << bad.body;

  // bytes must be base64, as protobuf's JSON mapping has it.
  app = Application(PngOfSize(4096), MakeJpeg(1280, 960));
  app["documentPhoto"] = "not base64 at all!";
  ExpectRefusal(web_.Post(kApply, app.dump()), 400, 3, "not base64");
  app["documentPhoto"] = 12345;
  ExpectRefusal(web_.Post(kApply, app.dump()), 400, 3, "a number for bytes");
}

TEST_F(RemoteWebTest, OnlyTheApplicationRouteTakesALargeBody) {
  // Over 15 MiB: refused as soon as the head is in, before any of the body
  // is sent, even on the application route.
  {
    http::testing::Conn c(web_.http_port());
    ASSERT_TRUE(c.Send("POST " + kApply + " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                       "Content-Length: " + std::to_string(http::WebApi::kApplicationMaxBodyBytes + 1) +
                       "\r\n\r\n"));
    auto r = c.ReadReply();
    ASSERT_TRUE(r);
    ExpectRefusal(*r, 413, 8, "over the application's limit");
  }
  // Every other route keeps the usual limit (64 KiB), the remote route's
  // other calls included.
  const std::string big(256 * 1024, ' ');
  for (const std::string& route :
       {kStatus, std::string("/api/v1/RemoteService/ActivateCard"),
        std::string("/api/v1/RemoteService/WithdrawApplication"),
        std::string("/api/v1/BookingService/CreateBooking"),
        std::string("/api/v1/BookingService/ListBranches")})
    ExpectRefusal(web_.Post(route, big), 413, 8, route);
  // The application route with a large body that is not an application: the
  // body was read, and the JSON refused as any other.
  ExpectRefusal(web_.Post(kApply, big), 400, 3, "256 KiB of spaces");
  EXPECT_EQ(web_.Request("GET", "/healthz").status, 200);
}

class RemoteWebLimitTest : public RemoteWebTest {
 protected:
  RemoteWebLimitTest() : RemoteWebTest(RemoteWebConfig(1, 3)) {}
};

TEST_F(RemoteWebLimitTest, ThePublicCallsShareTheBookingBudgetPerAddress) {
  EXPECT_EQ(web_.Post("/api/v1/BookingService/ListBranches", "{}").status, 200);
  EXPECT_EQ(web_.Post("/api/v1/RemoteService/ListOperators", "{}").status, 200);
  ExpectRefusal(web_.Post(kStatus, json{{"reference", "K7M2-QX9D-ABCD-EFGH"}}.dump()), 404, 5,
                "the third call is still within the burst");
  auto limited = web_.Post(kApply, Application(PngOfSize(4096), MakeJpeg(1280, 960)).dump());
  ExpectRefusal(limited, 429, 8, "over the limit");
  EXPECT_FALSE(limited.Header("retry-after").empty());
  ExpectRefusal(web_.Post("/api/v1/RemoteService/ActivateCard", "{}"), 429, 8, "activation too");
}

}  // namespace
}  // namespace shop::queue::testing
