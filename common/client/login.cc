#include "common/client/login.h"

#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/time/time.h"
#include "common/client/rpc.h"
#include "shop/queue/v1/auth_service.grpc.pb.h"

namespace shop::queue::client {
namespace {

std::string AskPassword() {
  termios old{};
  bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    std::cerr << "password: " << std::flush;
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  std::getline(std::cin, password);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  }
  return password;
}

}  // namespace

grpc::Status Login(const std::shared_ptr<grpc::Channel>& channel, const std::string& login,
                   const std::string& password, shop::queue::v1::LoginResponse* out) {
  auto stub = shop::queue::v1::AuthService::NewStub(channel);
  shop::queue::v1::LoginRequest req;
  req.set_login(login);
  req.set_password(password);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  shop::queue::v1::LoginResponse resp;
  grpc::Status st = stub->Login(&ctx, req, &resp);
  if (st.ok()) *out = std::move(resp);
  return st;
}

bool SaveToken(const std::string& token_file, const std::string& token, std::string* error,
               const std::string& login) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(token_file).parent_path(), ec);
  mode_t old_mask = umask(077);  // the token is a credential: owner only
  bool ok = false;
  {
    std::ofstream out(token_file, std::ios::trunc);
    out << token << "\n";
    if (!login.empty()) out << login << "\n";
    out.flush();
    ok = static_cast<bool>(out);
  }
  umask(old_mask);
  if (!ok && error) *error = "cannot write the session file " + token_file;
  return ok;
}

std::string SavedLogin(const std::string& token_file) {
  std::ifstream in(token_file);
  std::string line;
  if (!std::getline(in, line) || !std::getline(in, line)) return {};
  return line;
}

int LoginAndSave(const std::shared_ptr<grpc::Channel>& channel, const std::string& login,
                 const std::string& token_file) {
  shop::queue::v1::LoginResponse resp;
  grpc::Status st = Login(channel, login, AskPassword(), &resp);
  if (!st.ok()) {
    std::cerr << "error: " << DescribeStatus(st) << "\n";
    return 1;
  }
  std::string error;
  if (!SaveToken(token_file, resp.token(), &error, login)) {
    std::cerr << "error: " << error << "\n";
    return 2;
  }
  absl::Time expires = absl::FromUnixSeconds(resp.expire_time().seconds());
  std::cout << "logged in as " << login << " until "
            << absl::FormatTime("%Y-%m-%d %H:%M", expires, absl::LocalTimeZone())
            << "; session kept in " << token_file << "\n";
  return 0;
}

int LogoutAndForget(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                    const std::string& token_file) {
  auto stub = shop::queue::v1::AuthService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  CallOptions options;
  options.token = token;
  AddCredentials(&ctx, options);
  shop::queue::v1::LogoutResponse resp;
  grpc::Status st = stub->Logout(&ctx, shop::queue::v1::LogoutRequest(), &resp);
  std::filesystem::remove(token_file);
  if (!st.ok()) {
    std::cerr << "error: " << DescribeStatus(st) << "\n";
    return 1;
  }
  std::cout << "logged out\n";
  return 0;
}

}  // namespace shop::queue::client
