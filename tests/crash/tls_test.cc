// TLS through the real binary, with certificates made by
// scripts/make-test-certs.sh: a client without the CA fails, with it
// succeeds; with client certificates required, a client without one fails.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "common/client/rpc.h"
#include "shop/queue/v1/kiosk_service.grpc.pb.h"
#include "tests/support/server_process.h"
#include "tests/support/test_config.h"

namespace shop::queue {
namespace {

namespace pb = ::shop::queue::v1;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certs_ = dir_.File("certs");
    std::string cmd = std::string(MAKE_TEST_CERTS) + " '" + certs_ + "' >/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl could not make test certificates";
  }

  // ListServices over a channel with `creds`, as a logged-in supervisor.
  grpc::Status Call(testing::ServerProcess& server, std::shared_ptr<grpc::ChannelCredentials> creds) {
    grpc::ChannelArguments args;
    args.SetInt("shop.test.unique", std::rand());
    std::string token = server.Token(Ssl(true, true));  // logs in over working TLS
    auto stub = pb::KioskService::NewStub(client::CreateChannelWithToken(
        "localhost:" + std::to_string(server.port()), creds, token, args));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
    pb::ListServicesRequest req;
    req.set_branch_id("demo");
    pb::ListServicesResponse resp;
    return stub->ListServices(&ctx, req, &resp);
  }

  std::shared_ptr<grpc::ChannelCredentials> Ssl(bool with_ca, bool with_client_cert) {
    grpc::SslCredentialsOptions o;
    if (with_ca) o.pem_root_certs = Read(certs_ + "/ca.crt");
    if (with_client_cert) {
      o.pem_cert_chain = Read(certs_ + "/client.crt");
      o.pem_private_key = Read(certs_ + "/client.key");
    }
    return grpc::SslCredentials(o);
  }

  std::vector<std::string> ServerTls(bool require_client_cert) {
    std::vector<std::string> args = {"--tls-cert", certs_ + "/server.crt", "--tls-key",
                                     certs_ + "/server.key"};
    if (require_client_cert) {
      args.push_back("--tls-client-ca");
      args.push_back(certs_ + "/ca.crt");
    }
    return args;
  }

  testing::TempDir dir_;
  std::string certs_;
};

TEST_F(TlsTest, ClientNeedsTheCa) {
  testing::ServerProcess server(QUEUE_SERVER_PATH, dir_.File("q.db"), dir_.path().string(),
                                ServerTls(false));
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(Call(server, grpc::InsecureChannelCredentials()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Call(server, Ssl(false, false)).error_code(), grpc::StatusCode::UNAVAILABLE);
  grpc::Status ok = Call(server, Ssl(true, false));
  EXPECT_TRUE(ok.ok()) << ok.error_message();
}

TEST_F(TlsTest, RequiredClientCertificateIsEnforced) {
  testing::ServerProcess server(QUEUE_SERVER_PATH, dir_.File("q.db"), dir_.path().string(),
                                ServerTls(true));
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(Call(server, Ssl(true, false)).error_code(), grpc::StatusCode::UNAVAILABLE);
  grpc::Status ok = Call(server, Ssl(true, true));
  EXPECT_TRUE(ok.ok()) << ok.error_message();
}

TEST_F(TlsTest, UnreadableCertificateStopsTheServerWithAClearMessage) {
  testing::ServerProcess server(QUEUE_SERVER_PATH, dir_.File("q.db"), dir_.path().string(),
                                {"--tls-cert", "/nonexistent.crt", "--tls-key", "/nonexistent.key"});
  EXPECT_EQ(server.port(), 0);
  int status = server.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1);
}

}  // namespace
}  // namespace shop::queue
