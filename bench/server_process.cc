#include "bench/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
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

// 'text' for /bin/sh, whatever it holds.
std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The last 2000 characters of a file.
std::string FileTail(const std::string& path) {
  std::ifstream in(path);
  std::stringstream all;
  all << in.rdbuf();
  std::string text = all.str();
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
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

// ---------------------------------------------------------------- ServerProcess

std::unique_ptr<ServerProcess> ServerProcess::Start(const Launch& launch, int index,
                                                    std::string* error) {
  std::unique_ptr<ServerProcess> p(new ServerProcess());
  p->suffix_ = index == 0 ? "" : "-" + std::to_string(index);
  p->log_path_ = launch.dir + "/server" + p->suffix_ + ".log";
  if (!p->Spawn(launch, error) ||
      !p->WaitForPort(launch.dir + "/port" + p->suffix_, &p->port_, error))
    return nullptr;
  if (launch.http &&
      !p->WaitForPort(launch.dir + "/http-port" + p->suffix_, &p->http_port_, error))
    return nullptr;
  return p;
}

bool ServerProcess::Spawn(const Launch& launch, std::string* error) {
  if (access(launch.binary.c_str(), X_OK) != 0) {
    *error = "server binary not executable: " + launch.binary;
    return false;
  }
  // Everything the child needs is built before fork(): no allocation after it.
  std::vector<std::string> args = {launch.binary, "--listen",  "127.0.0.1:0",
                                   "--port-file", launch.dir + "/port" + suffix_,
                                   "--db",        launch.db,   "--config",
                                   launch.config, "--log-level", "warn"};
  if (launch.http) {
    for (std::string a : {"--http", "127.0.0.1:0", "--http-port-file"}) args.push_back(a);
    args.push_back(launch.dir + "/http-port" + suffix_);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log_path = log_path_;
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

std::string ServerProcess::LogTail() const { return FileTail(log_path_); }

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
  return stop_result_;
}

ServerProcess::~ServerProcess() { Stop(); }

// ---------------------------------------------------------------- ServerGroup

std::unique_ptr<ServerGroup> ServerGroup::Start(const Options& options,
                                                const std::string& config_toml,
                                                std::string* error) {
  std::unique_ptr<ServerGroup> g(new ServerGroup());
  g->options_ = options;
  std::string tmpl = (fs::temp_directory_path() / "queue-bench.XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    *error = "cannot create a temp dir under " + fs::temp_directory_path().string();
    return nullptr;
  }
  g->dir_ = tmpl;
  g->config_ = g->dir_ + "/bench.toml";
  if (options.own_postgres) {
    if (!g->StartCluster(options.pg_cluster_script, error)) return nullptr;
  } else if (!options.db_uri.empty()) {
    g->db_ = options.db_uri;
  } else {
    g->db_ = g->dir_ + "/queue.db";
  }
  std::string config = config_toml;
  // Every replica must hash personal data with the same key: one file.
  if (g->postgres())
    config += "\n[privacy]\nkey_file = \"" + g->dir_ + "/pii.key\"\n";
  std::ofstream(g->config_) << config;

  ServerProcess::Launch launch{options.binary, g->dir_, g->db_, g->config_, options.http};
  // Serving creates the database (schema); the account is added while it
  // serves, before the other replicas start.
  for (int i = 0; i < std::max(1, options.replicas); ++i) {
    auto p = ServerProcess::Start(launch, i, error);
    if (!p) {
      if (options.replicas > 1) *error = "replica " + std::to_string(i) + ": " + *error;
      return nullptr;
    }
    g->replicas_.push_back(std::move(p));
    if (i == 0 && !g->AddBenchAccount(error)) return nullptr;
  }
  return g;
}

bool ServerGroup::StartCluster(const std::string& script, std::string* error) {
  if (access(script.c_str(), R_OK) != 0) {
    *error = "PostgreSQL cluster script not found: " + script;
    return false;
  }
  // As root the script runs PostgreSQL as the postgres OS user, which must
  // reach its folder inside our temp dir.
  chmod(dir_.c_str(), 0711);
  pg_dir_ = dir_ + "/pg";
  own_cluster_ = true;
  const std::string log = dir_ + "/pg-cluster.log";
  // A watchdog stops the cluster and removes the temp dir if the benchmark
  // dies without Stop(): it waits for a line on a pipe whose write end only
  // we hold; EOF without "done" means we are gone. Its own session, and
  // SIGINT/SIGTERM/SIGHUP ignored, so a Ctrl-C of the benchmark's group does
  // not take it down before it has cleaned up.
  {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      *error = "pipe failed";
      return false;
    }
    std::string body = "read x; [ \"$x\" = done ] || { /bin/sh " + ShellQuote(script) +
                       " stop " + ShellQuote(pg_dir_) + "; rm -rf " + ShellQuote(dir_) + "; }";
    watchdog_pid_ = fork();
    if (watchdog_pid_ == 0) {
      setsid();
      signal(SIGINT, SIG_IGN);
      signal(SIGTERM, SIG_IGN);
      signal(SIGHUP, SIG_IGN);
      dup2(fds[0], STDIN_FILENO);  // dup2 clears close-on-exec
      int null_fd = open("/dev/null", O_WRONLY);
      if (null_fd >= 0) {
        dup2(null_fd, STDOUT_FILENO);
        dup2(null_fd, STDERR_FILENO);
      }
      execl("/bin/sh", "sh", "-c", body.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[0]);
    if (watchdog_pid_ < 0) {
      close(fds[1]);
      *error = "fork failed";
      return false;
    }
    watchdog_fd_ = fds[1];
  }
  std::string cmd = "/bin/sh " + ShellQuote(script) + " start " + ShellQuote(pg_dir_) +
                    " durable >" + ShellQuote(log) + " 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    *error = "scripts/pg-cluster.sh start failed:\n" + FileTail(log);
    return false;
  }
  const std::string psql =
      access("/usr/lib/postgresql/15/bin/psql", X_OK) == 0 ? "/usr/lib/postgresql/15/bin/psql"
                                                           : "psql";
  cmd = psql + " -X -q -v ON_ERROR_STOP=1 -h " + ShellQuote(pg_dir_) +
        " -U postgres -d postgres -c 'CREATE DATABASE bench' >>" + ShellQuote(log) + " 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    *error = "CREATE DATABASE bench failed:\n" + FileTail(log);
    return false;
  }
  db_ = "postgresql:///bench?host=" + pg_dir_ + "&user=postgres";
  return true;
}

void ServerGroup::StopCluster() {
  if (!pg_dir_.empty()) {
    std::string cmd = "/bin/sh " + ShellQuote(options_.pg_cluster_script) + " stop " +
                      ShellQuote(pg_dir_) + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0)
      std::fprintf(stderr, "queue-bench: stopping the PostgreSQL cluster in %s failed\n",
                   pg_dir_.c_str());
    pg_dir_.clear();
  }
  if (watchdog_fd_ >= 0) {
    static const char kDone[] = "done\n";
    ssize_t ignored = write(watchdog_fd_, kDone, sizeof kDone - 1);
    (void)ignored;
    close(watchdog_fd_);
    watchdog_fd_ = -1;
  }
  if (watchdog_pid_ > 0) {
    waitpid(watchdog_pid_, nullptr, 0);
    watchdog_pid_ = -1;
  }
}

bool ServerGroup::AddBenchAccount(std::string* error) {
  std::string cmd = ShellQuote(options_.binary) + " staff-add --db " + ShellQuote(db_) +
                    " --config " + ShellQuote(config_) + " --login " + kBenchLogin +
                    " --name Benchmark --role supervisor >" + ShellQuote(dir_ + "/staff-add.log") +
                    " 2>&1";
  FILE* in = popen(cmd.c_str(), "w");
  if (!in) {
    *error = "cannot run " + options_.binary + " staff-add";
    return false;
  }
  std::fprintf(in, "%s\n", kBenchPassword);
  if (pclose(in) != 0) {
    *error = "queue-server staff-add failed for the benchmark's account";
    if (!options_.db_uri.empty())
      *error += " (--db must name an empty database: is there a login '" +
                std::string(kBenchLogin) + "' already?)";
    *error += ":\n" + FileTail(dir_ + "/staff-add.log");
    return false;
  }
  return true;
}

std::string ServerGroup::IssueDevice(const std::string& name, const std::string& kind,
                                     const std::string& branch, std::string* error) {
  std::string cmd = ShellQuote(options_.binary) + " device-issue --db " + ShellQuote(db_) +
                    " --config " + ShellQuote(config_) + " --name " + ShellQuote(name) +
                    " --kind " + kind + " --branch " + ShellQuote(branch) + " 2>/dev/null";
  FILE* out = popen(cmd.c_str(), "r");
  if (!out) {
    *error = "cannot run " + options_.binary + " device-issue";
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

std::vector<StopResult> ServerGroup::Stop() {
  if (stopped_) return stop_results_;
  stopped_ = true;
  for (auto& r : replicas_) stop_results_.push_back(r->Stop());
  StopCluster();
  std::error_code ignored;
  if (!dir_.empty()) fs::remove_all(dir_, ignored);
  return stop_results_;
}

ServerGroup::~ServerGroup() { Stop(); }

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
