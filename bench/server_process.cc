#include "bench/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace shop::bench {

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr auto kStartTimeout = 15s;
constexpr auto kStopTimeout = 15s;

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

bool ReadProcStatus(pid_t pid, ProcStatus* out) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  if (!in) return false;
  std::string line;
  bool rss = false, threads = false;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      out->rss_kib = std::strtoll(line.c_str() + 6, nullptr, 10);
      rss = true;
    } else if (line.rfind("VmHWM:", 0) == 0) {
      out->hwm_kib = std::strtoll(line.c_str() + 6, nullptr, 10);
    } else if (line.rfind("Threads:", 0) == 0) {
      out->threads = std::atoi(line.c_str() + 8);
      threads = true;
    }
  }
  return rss && threads;
}

std::unique_ptr<ServerProcess> ServerProcess::Start(const std::string& binary,
                                                    const std::string& config_toml,
                                                    std::string* error, bool http) {
  std::unique_ptr<ServerProcess> p(new ServerProcess());
  p->http_ = http;
  p->binary_ = binary;
  std::string tmpl = (fs::temp_directory_path() / "queue-bench.XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    *error = "cannot create a temp dir under " + fs::temp_directory_path().string();
    return nullptr;
  }
  p->dir_ = tmpl;
  std::ofstream(p->dir_ + "/bench.toml") << config_toml;
  // Serving creates the database; the account is added while it serves.
  if (!p->Spawn(binary, error) || !p->WaitForPort(p->dir_ + "/port", &p->port_, error))
    return nullptr;
  if (http && !p->WaitForPort(p->dir_ + "/http-port", &p->http_port_, error)) return nullptr;
  if (!p->AddBenchAccount(binary, error)) return nullptr;
  return p;
}

bool ServerProcess::AddBenchAccount(const std::string& binary, std::string* error) {
  std::string cmd = "'" + binary + "' staff-add --db '" + dir_ + "/queue.db' --config '" + dir_ +
                    "/bench.toml' --login " + kBenchLogin +
                    " --name Benchmark --role supervisor >/dev/null 2>&1";
  FILE* in = popen(cmd.c_str(), "w");
  if (!in) {
    *error = "cannot run " + binary + " staff-add";
    return false;
  }
  std::fprintf(in, "%s\n", kBenchPassword);
  if (pclose(in) != 0) {
    *error = "queue-server staff-add failed for the benchmark's account";
    return false;
  }
  return true;
}

std::string ServerProcess::IssueDevice(const std::string& name, const std::string& kind,
                                       const std::string& branch, std::string* error) {
  std::string cmd = "'" + binary_ + "' device-issue --db '" + dir_ + "/queue.db' --config '" +
                    dir_ + "/bench.toml' --name '" + name + "' --kind " + kind + " --branch '" +
                    branch + "' 2>/dev/null";
  FILE* out = popen(cmd.c_str(), "r");
  if (!out) {
    *error = "cannot run " + binary_ + " device-issue";
    return "";
  }
  char buf[512];
  std::string token;
  while (std::fgets(buf, sizeof buf, out)) token += buf;
  int rc = pclose(out);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  if (rc != 0 || token.empty() || token.find('\n') != std::string::npos) {
    *error = "queue-server device-issue --kind " + kind + " failed (status " + std::to_string(rc) +
             ")";
    return "";
  }
  return token;
}

bool ServerProcess::Spawn(const std::string& binary, std::string* error) {
  if (access(binary.c_str(), X_OK) != 0) {
    *error = "server binary not executable: " + binary;
    return false;
  }
  // Everything the child needs is built before fork(): no allocation after it.
  std::vector<std::string> args = {
      binary, "--listen",         "127.0.0.1:0", "--port-file",        dir_ + "/port",
      "--db", dir_ + "/queue.db", "--config",    dir_ + "/bench.toml", "--log-level",
      "warn"};
  if (http_) {
    for (std::string a : {"--http", "127.0.0.1:0", "--http-port-file"}) args.push_back(a);
    args.push_back(dir_ + "/http-port");
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string log_path = dir_ + "/server.log";
  pid_t parent = getpid();

  pid_ = fork();
  if (pid_ < 0) {
    *error = "fork failed";
    return false;
  }
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);  // the parent died before prctl
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  return true;
}

bool ServerProcess::WaitForPort(const std::string& file, int* port, std::string* error) {
  auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < kStartTimeout) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      *error = "queue-server exited at start (" + DescribeWaitStatus(status) + "):\n" + LogTail();
      return false;
    }
    std::ifstream in(file);
    if (in >> *port && *port > 0) return true;
    std::this_thread::sleep_for(20ms);
  }
  *error = "queue-server wrote no " + fs::path(file).filename().string() +
           " file within 15 s:\n" + LogTail();
  return false;
}

std::string ServerProcess::LogTail() const {
  std::ifstream in(dir_ + "/server.log");
  std::stringstream all;
  all << in.rdbuf();
  std::string text = all.str();
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

StopResult ServerProcess::Stop() {
  if (stopped_) return stop_result_;
  stopped_ = true;
  if (pid_ > 0) {
    auto start = std::chrono::steady_clock::now();
    kill(pid_, SIGTERM);
    int status = 0;
    pid_t reaped = 0;
    while ((reaped = waitpid(pid_, &status, WNOHANG)) == 0 &&
           std::chrono::steady_clock::now() - start < kStopTimeout)
      std::this_thread::sleep_for(20ms);
    if (reaped == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      stop_result_.killed = true;
    }
    stop_result_.seconds = SecondsSince(start);
    stop_result_.how = DescribeWaitStatus(status);
    pid_ = -1;
  }
  std::error_code ignored;
  if (!dir_.empty()) fs::remove_all(dir_, ignored);
  return stop_result_;
}

ServerProcess::~ServerProcess() { Stop(); }

PeakSampler::PeakSampler(pid_t pid) : pid_(pid) {
  if (pid_ <= 0) return;
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      Sample();
      std::this_thread::sleep_for(100ms);
    }
  });
}

PeakSampler::~PeakSampler() { Finish(); }

ProcStatus PeakSampler::Finish() {
  if (thread_.joinable()) {
    stop_ = true;
    thread_.join();
    Sample();
  }
  return peak_;
}

void PeakSampler::Sample() {
  ProcStatus now;
  if (!ReadProcStatus(pid_, &now)) return;
  peak_.rss_kib = std::max(peak_.rss_kib, now.rss_kib);
  peak_.hwm_kib = std::max(peak_.hwm_kib, now.hwm_kib);
  peak_.threads = std::max(peak_.threads, now.threads);
}

}  // namespace shop::bench
