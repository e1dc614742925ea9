#include "tests/support/server_process.h"

#include <fcntl.h>
#include <algorithm>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include "common/client/rpc.h"
#include "shop/queue/v1/auth_service.grpc.pb.h"

namespace shop::queue::testing {

namespace {
constexpr const char* kSupervisor = "test-supervisor";
constexpr const char* kPassword = "test-supervisor-password";
}  // namespace

ServerProcess::ServerProcess(const std::string& binary, const std::string& db,
                             const std::string& dir, const std::vector<std::string>& extra_args,
                             const std::string& log_file) {
  const std::string port_file = dir + "/port";
  std::remove(port_file.c_str());
  std::vector<std::string> args = {binary, "--listen", "127.0.0.1:0", "--db", db,
                                   "--port-file", port_file};
  if (std::find(extra_args.begin(), extra_args.end(), "--log-level") == extra_args.end())
    args.insert(args.end(), {"--log-level", "warn"});
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    if (!log_file.empty()) {
      int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        ::close(fd);
      }
    }
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  for (int i = 0; i < 400 && port_ == 0; ++i) {
    std::ifstream in(port_file);
    if (!(in >> port_)) port_ = 0;
    if (port_ != 0) break;
    if (waitpid(pid_, &exit_status_, WNOHANG) == pid_) {  // it gave up
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  if (port_ == 0) return;
  // The account the tests act as, added while the server runs (admin
  // commands never create a database: serving does). After a restart it is
  // already there: the refusal is ignored.
  std::string config;
  auto flag = std::find(extra_args.begin(), extra_args.end(), "--config");
  if (flag != extra_args.end() && flag + 1 != extra_args.end())
    config = " --config '" + *(flag + 1) + "'";
  std::string add = "echo '" + std::string(kPassword) + "' | '" + binary + "' staff-add --db '" +
                    db + "'" + config + " --login " + kSupervisor +
                    " --name Tester --role supervisor >/dev/null 2>&1";
  (void)std::system(add.c_str());
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop(SIGKILL);
}

std::string ServerProcess::Token(const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
  if (!token_.empty()) return token_;
  auto stub = shop::queue::v1::AuthService::NewStub(
      grpc::CreateChannel("localhost:" + std::to_string(port_), credentials));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  shop::queue::v1::LoginRequest req;
  req.set_login(kSupervisor);
  req.set_password(kPassword);
  shop::queue::v1::LoginResponse resp;
  if (stub->Login(&ctx, req, &resp).ok()) token_ = resp.token();
  return token_;
}

std::shared_ptr<grpc::Channel> ServerProcess::NewChannel() {
  grpc::ChannelArguments args;
  args.SetInt("shop.test.unique", static_cast<int>(std::rand()));  // own connection
  return client::CreateChannelWithToken(address(), grpc::InsecureChannelCredentials(), Token(),
                                        args);
}

void ServerProcess::Signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

int ServerProcess::Wait() {
  if (pid_ > 0) waitpid(pid_, &exit_status_, 0);
  pid_ = -1;
  return exit_status_;
}

int ServerProcess::Stop(int sig) {
  Signal(sig);
  return Wait();
}

CommandOutcome RunCommand(const std::string& shell_command) {
  CommandOutcome r;
  FILE* p = popen(shell_command.c_str(), "r");
  if (!p) return r;
  std::array<char, 512> buf;
  while (fgets(buf.data(), buf.size(), p)) r.output += buf.data();
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string IntegrityCheck(const std::string& db_path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr);
  std::string out = sqlite3_step(st) == SQLITE_ROW
                        ? reinterpret_cast<const char*>(sqlite3_column_text(st, 0))
                        : "no answer";
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

std::vector<std::vector<int64_t>> NumbersByServiceAndDay(const std::string& db_path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT branch_id || '/' || number_prefix || '/' || business_day, number "
                     "FROM tickets ORDER BY 1, 2",
                     -1, &st, nullptr);
  std::map<std::string, std::vector<int64_t>> groups;
  while (sqlite3_step(st) == SQLITE_ROW)
    groups[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))].push_back(
        sqlite3_column_int64(st, 1));
  sqlite3_finalize(st);
  sqlite3_close(db);
  std::vector<std::vector<int64_t>> out;
  for (auto& [k, v] : groups) out.push_back(v);
  return out;
}

bool Contiguous(const std::vector<std::vector<int64_t>>& groups, std::string* why) {
  for (const auto& numbers : groups)
    for (size_t i = 0; i < numbers.size(); ++i)
      if (numbers[i] != static_cast<int64_t>(i + 1)) {
        *why = "expected number " + std::to_string(i + 1) + ", found " +
               std::to_string(numbers[i]) + " (a gap or a duplicate)";
        return false;
      }
  return true;
}

}  // namespace shop::queue::testing
