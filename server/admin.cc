#include "server/admin.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "server/config/config_loader.h"
#include "server/config/register_file.h"
#include "server/crypto/pii_key.h"
#include "server/crypto/secrets.h"
#include "server/domain/staff/auth_manager.h"
#include "server/storage/engine_store.h"
#include "server/storage/server_lock.h"
#include "server/storage/sqlite/backup.h"

namespace shop::queue::admin {
namespace {

constexpr const char* kActor = "admin:cli";

int Refused(const Status& st) {
  std::fprintf(stderr, "refused: %s\n", st.ToString().c_str());
  return st.code() == Status::Code::kInternal || st.code() == Status::Code::kUnavailable ? 2 : 1;
}

// The existing database of `t` (never created or migrated here), or nullptr
// after printing why.
std::unique_ptr<EngineStore> OpenExisting(const Target& t) {
  StoreOptions options;
  options.existing = true;
  auto store = shop::queue::OpenStore(t.db_path, options);
  if (store.ok()) return std::move(store).value();
  if (store.status().code() == Status::Code::kNotFound) {
    std::fprintf(stderr,
                 "database %s does not exist%s. Admin commands never create a database: start "
                 "the server once with --db %s (serving creates it), then run this again\n",
                 t.db_path.c_str(),
                 t.db_given ? "" : " (no --db given: the default is queue.db in this directory)",
                 t.db_path.c_str());
  } else {
    std::fprintf(stderr, "cannot open database %s: %s\n", DescribeDb(t.db_path).c_str(),
                 store.status().message().c_str());
  }
  return nullptr;
}

// The store with the configuration's branches in it.
std::unique_ptr<EngineStore> OpenStore(const Target& t, ServerConfig* config_out) {
  auto config = t.config_path.empty() ? ParseConfig(DemoConfigText(), "built-in demo")
                                      : LoadConfigFile(t.config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "configuration: %s\n", config.status().message().c_str());
    return nullptr;
  }
  auto store = OpenExisting(t);
  if (!store) return nullptr;
  if (Status st = store->SyncConfig(*config); !st.ok()) {
    std::fprintf(stderr, "database %s: configuration sync failed: %s\n", DescribeDb(t.db_path).c_str(),
                 st.ToString().c_str());
    return nullptr;
  }
  if (config_out) *config_out = std::move(config).value();
  return store;
}

std::string ReadLineNoEcho(const char* prompt) {
  termios old{};
  bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    std::fprintf(stderr, "%s", prompt);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
  }
  return line;
}

}  // namespace

int StaffAdd(const Target& t, const std::string& login, const std::string& display_name,
             const std::string& role_name) {
  auto role = ParseRole(role_name);
  if (!role)
    return Refused(
        Status::InvalidArgument("role", "role must be clerk, supervisor, admin or reviewer"));
  auto store = OpenStore(t, nullptr);  // before asking: a missing database stops here
  if (!store) return 2;
  std::string password = ReadLineNoEcho("password: ");
  if (isatty(STDIN_FILENO) && ReadLineNoEcho("again: ") != password)
    return Refused(Status::InvalidArgument("password", "the two passwords differ"));
  SystemClock clock;
  crypto::SodiumSecrets secrets;
  AuthManager auth(*store, clock, secrets);
  Status st = auth.AddStaff(login, display_name, *role, password, kActor);
  if (!st.ok()) return Refused(st);
  std::printf("staff %s (%s) added\n", login.c_str(), RoleName(*role));
  return 0;
}

int DeviceIssue(const Target& t, const std::string& name, const std::string& kind,
                const std::string& branch) {
  auto role = ParseRole(kind);
  if (!role || (*role != Role::kKiosk && *role != Role::kBoard))
    return Refused(Status::InvalidArgument("kind", "kind must be kiosk or board"));
  ServerConfig config;
  auto store = OpenStore(t, &config);
  if (!store) return 2;
  if (!config.FindBranch(branch))
    return Refused(Status::NotFound("branch '" + branch + "' is not in the configuration"));
  SystemClock clock;
  crypto::SodiumSecrets secrets;
  AuthManager auth(*store, clock, secrets);
  auto token = auth.IssueDevice(name, *role, branch, kActor);
  if (!token.ok()) return Refused(token.status());
  std::fprintf(stderr, "device %s (%s, branch %s); its token, shown only now:\n", name.c_str(),
               kind.c_str(), branch.c_str());
  std::printf("%s\n", token->c_str());
  return 0;
}

int DeviceRevoke(const Target& t, const std::string& name) {
  auto store = OpenStore(t, nullptr);
  if (!store) return 2;
  SystemClock clock;
  crypto::SodiumSecrets secrets;
  AuthManager auth(*store, clock, secrets);
  Status st = auth.RevokeDevice(name, kActor);
  if (!st.ok()) return Refused(st);
  std::printf("device %s revoked\n", name.c_str());
  return 0;
}

int VerifyAudit(const Target& t) {
  auto store = OpenExisting(t);
  if (!store) return 2;
  auto verdict = store->VerifyAudit();
  if (!verdict.ok()) {
    std::fprintf(stderr, "cannot read the audit log: %s\n", verdict.status().ToString().c_str());
    return 2;
  }
  if (verdict->first_broken) {
    std::printf("audit log BROKEN at record %lld: %s (%lld records before it are sound)\n",
                static_cast<long long>(*verdict->first_broken), verdict->why.c_str(),
                static_cast<long long>(verdict->checked));
    return 1;
  }
  std::printf("audit log ok: %lld records, chain intact\n",
              static_cast<long long>(verdict->checked));
  return 0;
}

Result<std::string> PiiKeyPath(const std::string& configured, const std::string& db_path) {
  if (!configured.empty()) return configured;
  if (IsPostgresUri(db_path))
    return Status::InvalidArgument(
        "key_file", "with a PostgreSQL database set [privacy] key_file in the configuration: "
                    "every replica must use the same personal-data key file");
  return db_path + ".pii-key";
}

namespace {

// Backups are of the SQLite file; a PostgreSQL database has its own tools.
int RefusePostgresBackup(const Target& t, const char* what) {
  std::fprintf(stderr,
               "%s works on a SQLite database file; %s is PostgreSQL: use pg_dump / pg_restore "
               "(or pg_basebackup) on the database server\n",
               what, DescribeDb(t.db_path).c_str());
  return 1;
}

std::string Mebibytes(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

// The personal-data key's file for `t` ("" and a warning if it cannot be
// told).
std::string KeyFileOf(const Target& t) {
  std::string configured;
  if (!t.config_path.empty()) {
    auto config = LoadConfigFile(t.config_path);
    if (config.ok()) configured = config->privacy.key_file;
  }
  auto path = PiiKeyPath(configured, t.db_path);
  return path.ok() ? *path : std::string();
}

}  // namespace

int Backup(const Target& t, const std::string& to) {
  if (IsPostgresUri(t.db_path)) return RefusePostgresBackup(t, "backup");
  auto summary = sqlite::BackupDatabase(t.db_path, to);
  if (!summary.ok()) return Refused(summary.status());
  std::printf("backup %s: %s, schema version %lld, %lld tickets, %lld audit records; "
              "integrity_check ok\n",
              to.c_str(), Mebibytes(summary->bytes).c_str(),
              static_cast<long long>(summary->schema_version),
              static_cast<long long>(summary->tickets),
              static_cast<long long>(summary->audit_records));
  const std::string key = KeyFileOf(t);
  if (!key.empty())
    std::printf("the personal-data key %s is not in the backup: keep a copy of it apart from "
                "the backups, and have it when you restore\n",
                key.c_str());
  return 0;
}

int Restore(const Target& t, const std::string& from) {
  if (IsPostgresUri(t.db_path)) return RefusePostgresBackup(t, "restore");
  // No server may serve the file while it is replaced.
  auto lock = ServerLock::Acquire(t.db_path);
  if (!lock.ok()) {
    if (lock.status().code() != Status::Code::kFailedPrecondition) return Refused(lock.status());
    std::fprintf(stderr,
                 "refused: a queue-server is serving %s (it holds %s); stop it, then restore\n",
                 t.db_path.c_str(), ServerLock::PathFor(t.db_path).c_str());
    return 1;
  }
  auto aside = sqlite::RestoreDatabase(from, t.db_path);
  if (!aside.ok()) return Refused(aside.status());
  auto summary = sqlite::InspectBackup(t.db_path);
  if (!summary.ok()) return Refused(summary.status());
  std::printf("restored %s from %s: %lld tickets, %lld audit records, schema version %lld "
              "(a server migrates an older one when it starts)\n",
              t.db_path.c_str(), from.c_str(), static_cast<long long>(summary->tickets),
              static_cast<long long>(summary->audit_records),
              static_cast<long long>(summary->schema_version));
  if (!aside->empty())
    std::printf("the database it replaced is kept as %s\n", aside->c_str());
  const std::string key = KeyFileOf(t);
  std::error_code ec;
  if (!key.empty() && !std::filesystem::exists(key, ec))
    std::printf("warning: there is no personal-data key at %s; put back the key that was in use "
                "when the backup was taken, or the personal data in it cannot be read (a server "
                "started without it makes a new key)\n",
                key.c_str());
  return 0;
}

int RegisterLoad(const Target& t, const std::string& file) {
  ServerConfig config;
  auto store = OpenStore(t, &config);
  if (!store) return 2;
  auto key_path = PiiKeyPath(config.privacy.key_file, t.db_path);
  if (!key_path.ok()) return Refused(key_path.status());
  auto key = crypto::LoadOrCreatePiiKey(*key_path);
  if (!key.ok()) return Refused(key.status());
  crypto::HmacPiiHasher hasher(*key);
  auto reg = LoadRegisterFile(file, hasher);
  if (!reg.ok()) return Refused(reg.status());
  int added_stock = 0;
  Status st = store->Write([&](WriteTx& tx) -> Status {
    QUEUE_RETURN_IF_ERROR(ApplyRegisterFile(tx, *reg, &added_stock));
    AuditRecord r;
    r.time = SystemClock().Now();
    r.actor = kActor;
    r.action = "register.load";
    r.subject = "register";
    r.detail = "subscribers=" + std::to_string(reg->subscribers.size()) +
               " new_stock_cards=" + std::to_string(added_stock);
    return tx.audit().AppendAudit(r);
  });
  if (!st.ok()) return Refused(st);
  std::printf("register: %zu subscriber(s) loaded, %d new blank card(s) in stock\n",
              reg->subscribers.size(), added_stock);
  return 0;
}

}  // namespace shop::queue::admin
