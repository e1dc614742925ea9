#include "server/admin.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "server/config/config_loader.h"
#include "server/config/register_file.h"
#include "server/crypto/pii_key.h"
#include "server/crypto/secrets.h"
#include "server/domain/staff/auth_manager.h"
#include "server/storage/engine_store.h"

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
  if (!role) return Refused(Status::InvalidArgument("role", "role must be clerk, supervisor or admin"));
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
