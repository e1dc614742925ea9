// A counter program that runs across a logout and a new login (issue 11):
// the client classes read the session file again when the server refuses
// the token and send the call once more with the new session; the clerk's
// screen says the session ended instead of repeating the raw refusal. Against
// a real in-process server.
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/client/cli.h"
#include "common/client/keys.h"
#include "counter/case_client.h"
#include "counter/counter_client.h"
#include "counter/counter_console.h"
#include "shop/queue/v1/auth_service.grpc.pb.h"
#include "tests/service/test_server.h"
#include "tests/client/piped_input.h"

namespace shop::queue::counter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kLogin = "anna";

void WriteSession(const std::string& path, const std::string& token) {
  std::ofstream out(path, std::ios::trunc);
  out << token << "\n";
}

// What `counter login` does, without the terminal: a new session's token.
std::string Login(testing::TestServer& server) {
  auto stub = v1::AuthService::NewStub(server.AnonymousChannel());
  grpc::ClientContext context;
  v1::LoginRequest request;
  request.set_login(kLogin);
  request.set_password("test-password");
  v1::LoginResponse response;
  grpc::Status status = stub->Login(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.token();
}

// What `counter logout` does in another terminal.
void Logout(testing::TestServer& server, const std::string& token) {
  auto stub = v1::AuthService::NewStub(server.ChannelWith(token));
  grpc::ClientContext context;
  v1::LogoutResponse response;
  grpc::Status status = stub->Logout(&context, v1::LogoutRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

using ::shop::queue::testing::PipedInput;

class CounterSessionTest : public ::testing::Test {
 protected:
  CounterSessionTest() {
    unsetenv("SHOP_QUEUE_TOKEN");  // the token comes from the session file
    WriteSession(session_file_, server_.StaffToken(Role::kClerk, kLogin));
    flags_.server = server_.address();
    flags_.branch = "test";
  }

  // The options the counter program builds from its flags and the file.
  client::CallOptions Options() const {
    client::CallOptions options = client::ToCallOptions(flags_, session_file_);
    options.first_backoff = std::chrono::milliseconds(1);
    return options;
  }

  testing::TestServer server_;
  testing::TempDir dir_;
  const std::string session_file_ = dir_.File("token");
  client::ConnectionFlags flags_;
};

TEST_F(CounterSessionTest, ClientPicksUpTheNewSessionAfterLogoutAndLogin) {
  const CounterClient counter(client::Connect(flags_), "test", "1", Options());
  v1::Counter opened;
  ASSERT_TRUE(counter.Open({}, &opened).ok());

  // Another terminal: counter logout (the file goes), then counter login.
  std::ifstream in(session_file_);
  std::string first;
  std::getline(in, first);
  Logout(server_, first);
  std::remove(session_file_.c_str());
  v1::GetCounterResponse got;
  EXPECT_EQ(counter.Get(&got).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  WriteSession(session_file_, Login(server_));

  // Reads (retried) and transitions (sent once) both go through.
  grpc::Status status = counter.Get(&got);
  EXPECT_TRUE(status.ok()) << client::DescribeStatus(status);
  v1::Ticket ticket;
  status = counter.CallNext(&ticket);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << client::DescribeStatus(status);
  status = counter.Start(0, &ticket);  // no current ticket: refused by the client itself
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // The case client shares the plumbing.
  const CaseClient cases(client::Connect(flags_), "test", "1", Options());
  v1::Case sim_case;
  status = cases.Get(12345, &sim_case);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << client::DescribeStatus(status);
}

TEST_F(CounterSessionTest, ScreenSaysTheSessionEndedInsteadOfTheRawRefusal) {
  const CounterClient counter(client::Connect(flags_), "test", "1", Options());
  std::ifstream in(session_file_);
  std::string first;
  std::getline(in, first);
  Logout(server_, first);

  PipedInput input("n q");
  client::KeyReader keys(input.fd());
  std::ostringstream out;
  CounterConsole console(counter, keys, out);
  EXPECT_EQ(console.Run(), 0);
  const std::string screen = out.str();
  EXPECT_THAT(screen, HasSubstr("session ended: log in again with `counter login`"));
  EXPECT_THAT(screen, Not(HasSubstr("UNAUTHENTICATED")));
}

}  // namespace
}  // namespace shop::queue::counter
