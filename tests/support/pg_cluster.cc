#include "tests/support/pg_cluster.h"

#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "server/storage/postgres/pg_conn.h"

extern char** environ;

namespace shop::queue::testing {
namespace {

constexpr char kBinDir[] = "/usr/lib/postgresql/15/bin/";
constexpr char kPort[] = "5432";  // only a socket name: no TCP is opened
constexpr size_t kMaxSocketPath = 100;  // sun_path holds 108 bytes

bool IsRoot() { return geteuid() == 0; }

std::string Runuser() {
  return access("/usr/sbin/runuser", X_OK) == 0 ? "/usr/sbin/runuser" : "/sbin/runuser";
}

// Starts `argv` with standard input from `in_fd` (or /dev/null), output and
// errors to `out_fd`, in folder `cwd`; its own session if `setsid`.
Result<pid_t> Spawn(const std::vector<std::string>& argv, int in_fd, int out_fd,
                    const std::string& cwd, bool setsid) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (in_fd >= 0) {
    posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
  } else {
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
  posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
  posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (setsid) posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &fa, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return Status::Internal("cannot start " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

// The last `n` bytes of file `path` (empty if unreadable).
std::string Tail(const std::filesystem::path& path, size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > n ? s.substr(s.size() - n) : s;
}

// `s` percent-encoded for a URI's query value (slashes kept).
std::string UriEncode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || std::strchr("-._~/", c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// `uri` with its database replaced by `db` (URI or key=value form).
std::string WithDbname(const std::string& uri, const std::string& db) {
  size_t scheme = uri.find("://");
  if (scheme == std::string::npos) return uri + " dbname=" + db;  // the last wins
  size_t start = scheme + 3;
  size_t query = std::min(uri.find('?', start), uri.size());
  size_t slash = uri.find('/', start);
  if (slash == std::string::npos || slash > query) slash = query;
  return uri.substr(0, slash) + "/" + db + uri.substr(query);
}

// A folder for a new cluster whose socket path fits in sun_path; as root
// under /tmp, which the postgres user can reach.
Result<std::filesystem::path> MakeDir() {
  std::filesystem::path base = "/tmp";
  if (!IsRoot()) {
    std::error_code ec;
    std::filesystem::path t = std::filesystem::temp_directory_path(ec);
    if (!ec && t.string().size() + 40 < kMaxSocketPath) base = t;
  }
  std::string tmpl = (base / "shop-queue-pg-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr)
    return Status::Internal("mkdtemp " + tmpl + ": " + std::strerror(errno));
  if (IsRoot()) {
    passwd* pw = getpwnam("postgres");
    if (pw == nullptr || chown(tmpl.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      std::filesystem::remove_all(tmpl);
      return Status::FailedPrecondition(
          "as root, the tests run PostgreSQL as the OS user postgres, which is missing or "
          "cannot own " + tmpl + " (install postgresql-15)");
    }
  }
  return std::filesystem::path(tmpl);
}

}  // namespace

Result<std::unique_ptr<PgCluster>> PgCluster::Start() {
  std::unique_ptr<PgCluster> c(new PgCluster());
  if (const char* uri = std::getenv("SHOP_QUEUE_TEST_PG_URI"); uri && *uri) {
    c->external_uri_ = uri;
    return c;
  }
  auto t0 = std::chrono::steady_clock::now();
  QUEUE_RETURN_IF_ERROR(c->Init());
  c->start_time_ = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - t0);
  return c;
}

Result<PgCluster*> PgCluster::Shared() {
  static std::mutex mu;
  static std::unique_ptr<PgCluster> shared;  // stopped and removed at exit
  static Status failed;
  std::lock_guard lock(mu);
  if (!shared && failed.ok()) {
    auto started = Start();
    if (started.ok()) {
      shared = std::move(started).value();
    } else {
      failed = started.status();
    }
  }
  if (!shared) return failed;
  return shared.get();
}

Status PgCluster::Init() {
  auto dir = MakeDir();
  QUEUE_RETURN_IF_ERROR(dir.status());
  dir_ = *dir;
  QUEUE_RETURN_IF_ERROR(StartWatchdog());
  QUEUE_RETURN_IF_ERROR(RunTool("initdb", {"-D", (dir_ / "data").string(), "-A", "trust", "-U",
                                           "postgres", "--no-sync", "-E", "UTF8",
                                           "--locale=C"}));
  QUEUE_RETURN_IF_ERROR(Configure());
  return StartAgain();
}

Status PgCluster::Configure() {
  std::ofstream conf(dir_ / "data" / "postgresql.conf", std::ios::app);
  conf << "\n# shop-queue tests: a throwaway cluster, fast and private\n"
       << "listen_addresses = ''\n"
       << "unix_socket_directories = '" << dir_.string() << "'\n"
       << "port = " << kPort << "\n"
       << "fsync = off\n"
       << "synchronous_commit = off\n"
       << "full_page_writes = off\n"
       << "max_connections = 200\n"
       << "shared_buffers = 32MB\n";
  conf.close();
  if (!conf) return Status::Internal("cannot write " + (dir_ / "data/postgresql.conf").string());
  return Status::Ok();
}

Status PgCluster::RunTool(const std::string& program, const std::vector<std::string>& args) {
  std::vector<std::string> argv;
  if (IsRoot()) argv = {Runuser(), "-u", "postgres", "--"};
  argv.push_back(kBinDir + program);
  argv.insert(argv.end(), args.begin(), args.end());
  std::string log = (dir_ / "tools.log").string();
  int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Internal("cannot open " + log + ": " + std::strerror(errno));
  auto pid = Spawn(argv, -1, fd, dir_.string(), false);
  close(fd);
  QUEUE_RETURN_IF_ERROR(pid.status());
  int ws = 0;
  while (waitpid(*pid, &ws, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0) return Status::Ok();
  return Status::Internal(program + " " + (args.empty() ? "" : args[0]) + " failed (wait status " +
                          std::to_string(ws) + "): " + LogTail());
}

std::string PgCluster::LogTail() const {
  return "[tools.log] " + Tail(dir_ / "tools.log", 600) + " [server.log] " +
         Tail(dir_ / "server.log", 600);
}

// The watchdog is a shell that waits for a line on a pipe: "done" from the
// destructor, or end-of-file when this process dies, when it stops the
// server as a crash would and removes the folder. Its own session keeps it
// out of the signals sent to the test's process group.
Status PgCluster::StartWatchdog() {
  static constexpr char kScript[] =
      "read -r word\n"
      "if [ \"$word\" != done ]; then\n"
      "  if [ -n \"$4\" ]; then \"$4\" -u postgres -- \"$3\" stop -D \"$2\" -m immediate\n"
      "  else \"$3\" stop -D \"$2\" -m immediate; fi\n"
      "  rm -rf \"$1\"\n"
      "fi\n";
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Status::Internal(std::string("pipe: ") + strerror(errno));
  int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  std::vector<std::string> argv = {"/bin/sh", "-c", kScript, "watchdog", dir_.string(),
                                   (dir_ / "data").string(), std::string(kBinDir) + "pg_ctl",
                                   IsRoot() ? Runuser() : ""};
  auto pid = Spawn(argv, fds[0], null_fd, "/", true);
  close(fds[0]);
  if (null_fd >= 0) close(null_fd);
  if (!pid.ok()) {
    close(fds[1]);
    return pid.status();
  }
  watchdog_fd_ = fds[1];
  watchdog_pid_ = *pid;
  return Status::Ok();
}

PgCluster::~PgCluster() {
  if (running_) (void)Stop(StopMode::kImmediate);
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  if (watchdog_fd_ >= 0) {
    (void)!write(watchdog_fd_, "done\n", 5);
    close(watchdog_fd_);
    waitpid(watchdog_pid_, nullptr, 0);
  }
}

std::string PgCluster::Uri(const std::string& dbname) const {
  if (external()) return WithDbname(external_uri_, dbname);
  return "postgresql:///" + dbname + "?host=" + UriEncode(dir_.string()) + "&port=" + kPort +
         "&user=postgres";
}

std::string PgCluster::UniqueName(const std::string& prefix) const {
  static std::atomic<int> counter{0};
  return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
}

// Runs `before` + `name` + `after` in the maintenance database "postgres".
Status PgCluster::Admin(const std::string& before, const std::string& name,
                        const std::string& after) {
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (!std::islower(u) && !std::isdigit(u) && c != '_')
      return Status::InvalidArgument("name", "name: only a-z, 0-9 and _ here");
  }
  auto conn = pg::Conn::Open(Uri("postgres"));
  QUEUE_RETURN_IF_ERROR(conn.status());
  return (*conn)->Exec(before + name + after);
}

Status PgCluster::CreateDatabase(const std::string& name) {
  QUEUE_RETURN_IF_ERROR(DropDatabase(name));
  return Admin("CREATE DATABASE ", name, "");
}

Status PgCluster::DropDatabase(const std::string& name) {
  return Admin("DROP DATABASE IF EXISTS ", name, " WITH (FORCE)");
}

Status PgCluster::Stop(StopMode mode) {
  if (external()) return Status::FailedPrecondition("an external server is not ours to stop");
  QUEUE_RETURN_IF_ERROR(RunTool("pg_ctl", {"stop", "-w", "-t", "60", "-D",
                                           (dir_ / "data").string(), "-m",
                                           mode == StopMode::kFast ? "fast" : "immediate"}));
  running_ = false;
  return Status::Ok();
}

Status PgCluster::StartAgain() {
  if (external()) return Status::FailedPrecondition("an external server is not ours to start");
  QUEUE_RETURN_IF_ERROR(RunTool("pg_ctl", {"start", "-w", "-t", "60", "-D",
                                           (dir_ / "data").string(), "-l",
                                           (dir_ / "server.log").string()}));
  running_ = true;
  return Status::Ok();
}

}  // namespace shop::queue::testing
