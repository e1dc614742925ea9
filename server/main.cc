// queue-server: parses flags, loads the configuration, opens the store (a
// SQLite file, or a PostgreSQL database shared by several replicas) and runs
// QueueServer until SIGINT or SIGTERM, then stops gracefully.
#include <cctype>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <absl/synchronization/mutex.h>
#include <spdlog/spdlog.h>

#include "server/admin.h"
#include "server/outbox_cli.h"
#include "server/report_cli.h"
#include "server/config/config_loader.h"
#include "server/log/json_formatter.h"
#include "server/service/server.h"
#include "server/crypto/photo_sealer.h"
#include "server/crypto/pii_key.h"
#include "server/storage/server_lock.h"
#include "server/storage/engine_store.h"
#include "server/storage/sqlite/backup.h"

namespace {

int Fail(const std::string& what) {
  spdlog::critical("{}", what);
  return 1;
}

constexpr const char* kLogLevels = "trace, debug, info, warn, error, critical, off";

// The --log-level value, any case ("warning" also for warn); nullopt for an
// unknown name (spdlog's from_str would silently turn logging off).
std::optional<spdlog::level::level_enum> ParseLogLevel(std::string name) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::pair<const char*, spdlog::level::level_enum> kNames[] = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"warning", spdlog::level::warn}, {"error", spdlog::level::err},
      {"critical", spdlog::level::critical}, {"off", spdlog::level::off}};
  for (const auto& [n, level] : kNames)
    if (name == n) return level;
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  // Debian builds Abseil without NDEBUG, so every absl::Mutex (gRPC's locks)
  // keeps a lock-order graph for deadlock detection: a few percent of the
  // server's CPU under load, and a global lock. Our own code uses std::mutex.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::string listen = "127.0.0.1:50051";
  std::string db_path = "queue.db";
  std::string config_path;
  std::string port_file;
  std::string http_listen;
  std::string http_port_file;
  std::string log_level = "info";
  int64_t max_db_pages = 0;
  int sweep_seconds = 30;
  shop::queue::TlsFiles tls;
  CLI::App app{"queue-server: the shop service-desk queue server (gRPC, shop.queue.v1)"};
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free one)")
      ->capture_default_str();
  CLI::Option* db_option =
      app.add_option("--db", db_path,
                     "SQLite database file (one shop), or a PostgreSQL URI "
                     "postgresql://USER@HOST/DB (a chain: several replicas share it); serving "
                     "creates and migrates it, admin commands need it to exist")
          ->capture_default_str();
  app.add_option("--config", config_path, "branch configuration (TOML); default: built-in demo");
  app.add_option("--port-file", port_file, "write the bound port to this file once listening");
  app.add_option("--http", http_listen,
                 "HOST:PORT for the web pages, JSON API and live streams (port 0 picks one); "
                 "overrides [http] listen in the config; HTTPS with --tls-cert/--tls-key");
  app.add_option("--http-port-file", http_port_file,
                 "write the HTTP face's bound port to this file once listening");
  app.add_option("--log-level", log_level, std::string(kLogLevels) + " (any case)")
      ->capture_default_str();
  std::string log_format = "text";
  app.add_option("--log-format", log_format,
                 "text (for people), or json: one JSON object per line (time, level, logger, "
                 "thread, msg) for log collectors")
      ->capture_default_str();
  app.add_option("--sweep-seconds", sweep_seconds,
                 "how often the background work runs (expiry, no-shows, reminders); with a "
                 "PostgreSQL database one replica does it, and another takes over within this "
                 "time when it dies")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  app.add_option("--max-db-pages", max_db_pages,
                 "cap the database at this many pages (4 KiB each; 0 = no cap); when it is "
                 "reached, writes fail with RESOURCE_EXHAUSTED and nothing stored is lost")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--tls-cert", tls.cert, "server certificate (PEM); with --tls-key turns TLS on");
  app.add_option("--tls-key", tls.key, "server private key (PEM)");
  app.add_option("--tls-client-ca", tls.client_ca,
                 "CA (PEM) that signs client certificates; clients must then present one");
  // Admin commands: run against --db (and --config), then exit.
  std::string login, name, role, kind, branch = "demo";
  CLI::App* verify = app.add_subcommand(
      "verify-audit", "check the audit log's hash chain in --db and name the first broken record");
  CLI::App* staff_add =
      app.add_subcommand("staff-add", "add a staff account; the password is read from stdin");
  staff_add->add_option("--login", login, "login name")->required();
  staff_add->add_option("--name", name, "full name shown to colleagues")->required();
  staff_add->add_option("--role", role, "clerk, supervisor, admin or reviewer")->required();
  CLI::App* device_issue =
      app.add_subcommand("device-issue", "issue a kiosk or board token (printed once)");
  device_issue->add_option("--name", name, "device name, e.g. hall-kiosk-1")->required();
  device_issue->add_option("--kind", kind, "kiosk or board")->required();
  device_issue->add_option("--branch", branch, "branch id")->capture_default_str();
  CLI::App* device_revoke = app.add_subcommand("device-revoke", "revoke a device token");
  device_revoke->add_option("--name", name, "device name")->required();
  std::string register_file;
  CLI::App* register_load = app.add_subcommand(
      "register-load", "load operator-register subscribers and blank-card stock from a JSON file");
  register_load->add_option("file", register_file, "the JSON file")->required();
  std::string backup_to, restore_from;
  CLI::App* backup = app.add_subcommand(
      "backup", "copy the SQLite database to a file while the server runs (one consistent "
                "snapshot, checked); the personal-data key is not in it: keep it apart");
  backup->add_option("--to", backup_to, "the backup file to write (must not exist)")->required();
  CLI::App* restore = app.add_subcommand(
      "restore", "replace the SQLite database with a backup (stop the server first; the "
                 "replaced file is kept beside it)");
  restore->add_option("--from", restore_from, "the backup file")->required();
  std::string outbox_state;
  int outbox_limit = 50;
  int64_t outbox_id = 0;
  CLI::App* outbox = app.add_subcommand(
      "outbox", "list the outbox's messages, newest first, with their delivery state "
                "(recipients masked)");
  outbox->add_option("--state", outbox_state, "pending, sent or dead (default: all)");
  outbox->add_option("--limit", outbox_limit, "at most this many (1..1000)")
      ->capture_default_str()
      ->check(CLI::Range(1, shop::queue::admin::kMaxOutboxListLimit));
  CLI::App* outbox_retry =
      app.add_subcommand("outbox-retry", "put a dead outbox message back to pending");
  outbox_retry->add_option("--id", outbox_id, "the message's id (queue-server outbox)")
      ->required();
  shop::queue::admin::ReportOptions report_options;
  CLI::App* report = app.add_subcommand(
      "report", "a branch's report over local dates [--from, --to]: CSV or an HTML page");
  report->add_option("--branch", report_options.branch, "branch id")->required();
  report->add_option("--from", report_options.from, "first local date, YYYY-MM-DD")->required();
  report->add_option("--to", report_options.to, "last local date (inclusive)")->required();
  report->add_option("--by", report_options.by, "day or hour")->capture_default_str();
  report->add_option("--format", report_options.format, "csv or html")->capture_default_str();
  report->add_option("--out", report_options.out, "file to write (default: standard output)");
  for (CLI::App* sub : {verify, staff_add, device_issue, device_revoke, register_load, backup,
                        restore, outbox, outbox_retry, report})
    sub->fallthrough();  // --db and --config may follow the subcommand
  CLI11_PARSE(app, argc, argv);
  auto level = ParseLogLevel(log_level);
  if (!level) {
    std::fprintf(stderr, "queue-server: --log-level: unknown level '%s'; use one of: %s\n",
                 log_level.c_str(), kLogLevels);
    return 2;
  }
  if (log_format != "text" && log_format != "json") {
    std::fprintf(stderr, "queue-server: --log-format: unknown format '%s'; use text or json\n",
                 log_format.c_str());
    return 2;
  }
  if (log_format == "json") spdlog::set_formatter(std::make_unique<shop::queue::log::JsonFormatter>());
  spdlog::set_level(*level);
  const shop::queue::admin::Target target{db_path, config_path, db_option->count() > 0};
  if (verify->parsed()) return shop::queue::admin::VerifyAudit(target);
  if (staff_add->parsed()) return shop::queue::admin::StaffAdd(target, login, name, role);
  if (device_issue->parsed()) return shop::queue::admin::DeviceIssue(target, name, kind, branch);
  if (device_revoke->parsed()) return shop::queue::admin::DeviceRevoke(target, name);
  if (register_load->parsed()) return shop::queue::admin::RegisterLoad(target, register_file);
  if (backup->parsed()) return shop::queue::admin::Backup(target, backup_to);
  if (restore->parsed()) return shop::queue::admin::Restore(target, restore_from);
  if (outbox->parsed())
    return shop::queue::admin::OutboxList(target, outbox_state, outbox_limit);
  if (outbox_retry->parsed()) return shop::queue::admin::OutboxRetry(target, outbox_id);
  if (report->parsed()) return shop::queue::admin::Report(target, report_options);

  // Block the stop signals in every thread; main waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto config = config_path.empty()
                    ? shop::queue::ParseConfig(shop::queue::DemoConfigText(), "built-in demo")
                    : shop::queue::LoadConfigFile(config_path);
  if (!config.ok()) return Fail("configuration: " + config.status().message());

  // One serving process per SQLite file, held until exit (admin commands
  // do not take it). A PostgreSQL database takes any number of replicas.
  const bool postgres = shop::queue::IsPostgresUri(db_path);
  const std::string db_name = shop::queue::DescribeDb(db_path);
  std::unique_ptr<shop::queue::ServerLock> lock;
  if (!postgres) {
    auto acquired = shop::queue::ServerLock::Acquire(db_path);
    if (!acquired.ok()) return Fail(acquired.status().message());
    lock = std::move(acquired).value();
  }

  auto metrics = std::make_shared<shop::queue::Metrics>();
  metrics->Describe("store_write_batch_size", shop::queue::Metrics::Type::kHistogram,
                    "Write requests per writer transaction (group commit).",
                    {1, 2, 4, 8, 16, 32, 64, 128, 256});
  metrics->Describe("store_commit_seconds", shop::queue::Metrics::Type::kHistogram,
                    "Time a COMMIT of the writer took (PostgreSQL: durable; SQLite: the "
                    "WAL write, its fdatasync follows on the sync thread).",
                    shop::queue::Metrics::LatencyBuckets());
  shop::queue::StoreOptions store_options;
  store_options.max_db_pages = max_db_pages;
  store_options.on_batch = [m = metrics.get()](size_t writes, absl::Duration commit, bool ok) {
    m->Observe("store_write_batch_size", "", static_cast<double>(writes));
    if (ok) m->Observe("store_commit_seconds", "", absl::ToDoubleSeconds(commit));
  };
  auto store = shop::queue::OpenStore(db_path, store_options);
  if (!store.ok()) return Fail("database " + db_name + ": " + store.status().ToString());

  auto key_path = shop::queue::admin::PiiKeyPath(config->privacy.key_file, db_path);
  if (!key_path.ok()) return Fail("personal-data key: " + key_path.status().message());
  auto pii_key = shop::queue::crypto::LoadOrCreatePiiKey(*key_path);
  if (!pii_key.ok())
    return Fail("personal-data key " + *key_path + ": " + pii_key.status().message());

  auto credentials = shop::queue::MakeServerCredentials(tls);
  if (!credentials.ok()) return Fail("TLS: " + credentials.status().message());

  shop::queue::QueueServerOptions options;
  options.listen = listen;
  options.sweep_interval = absl::Seconds(sweep_seconds);
  options.metrics = metrics;
  if (!config->backup.dir.empty()) {
    if (postgres) {
      spdlog::warn("[backup] is for a SQLite database and is ignored here: back a PostgreSQL "
                   "database up with pg_dump or pg_basebackup");
    } else {
      options.scheduled_backup = [db_path, b = config->backup](absl::Time now) {
        auto done = shop::queue::sqlite::RunScheduledBackup(db_path, b.dir, b.every, b.keep, now);
        if (!done.ok()) {
          spdlog::error("scheduled backup into {} failed: {}", b.dir, done.status().ToString());
          return;
        }
        if (!done->taken.empty())
          spdlog::info("backup {} taken: {} tickets, {} audit records, integrity_check ok",
                       done->taken, done->summary.tickets, done->summary.audit_records);
        for (const auto& old : done->removed) spdlog::info("old backup {} removed", old);
      };
    }
  }
  if (!http_listen.empty()) config->http.listen = http_listen;
  if (!config->http.listen.empty() && !tls.cert.empty()) {
    // The pages are served over HTTPS with the gRPC port's certificate.
    auto read = [](const std::string& path, std::string* out) {
      std::ifstream in(path);
      std::stringstream buf;
      buf << in.rdbuf();
      *out = buf.str();
      return static_cast<bool>(in) || !out->empty();
    };
    if (!read(tls.cert, &options.http_tls_cert_pem) || !read(tls.key, &options.http_tls_key_pem))
      return Fail("TLS: cannot read --tls-cert or --tls-key for --http");
  }
  options.credentials = *credentials;
  options.config = std::move(config).value();
  std::shared_ptr<shop::queue::EngineStore> engine_store = std::move(store).value();
  options.store = engine_store;
  options.pii_hasher = std::make_shared<shop::queue::crypto::HmacPiiHasher>(*pii_key);
  // The remote route's photos are sealed under a key derived from the same one.
  auto photo_sealer = shop::queue::crypto::SodiumPhotoSealer::Create(*pii_key);
  if (!photo_sealer.ok()) return Fail("photo key: " + photo_sealer.status().message());
  options.photo_sealer = std::move(photo_sealer).value();
  size_t branches = options.config.branches.size();
  auto server = shop::queue::QueueServer::Start(std::move(options));
  if (!server.ok()) return Fail("start: " + server.status().ToString());

  int port = (*server)->port();
  if ((*server)->http_port() != 0) {
    spdlog::info("web pages on port {}: booking {}/book, board {}/board/BRANCH, metrics /metrics",
                 (*server)->http_port(), (*server)->public_url(), (*server)->public_url());
    if (!http_port_file.empty()) {
      std::string tmp = http_port_file + ".tmp";
      { std::ofstream(tmp) << (*server)->http_port() << "\n"; }
      std::rename(tmp.c_str(), http_port_file.c_str());
    }
  }
  spdlog::info("queue-server listening on port {} (--listen {}, {}), database {}, {} branch(es){}",
               port, listen,
               tls.cert.empty() ? "plain text"
                                : (tls.client_ca.empty() ? "TLS" : "TLS, client certificates required"),
               db_name, branches, config_path.empty() ? ", demo config" : "");
  if (!port_file.empty()) {
    std::string tmp = port_file + ".tmp";
    { std::ofstream(tmp) << port << "\n"; }
    std::rename(tmp.c_str(), port_file.c_str());
  }

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("received {}, stopping: running calls finish, new calls are refused",
               sig == SIGINT ? "SIGINT" : "SIGTERM");
  (*server)->Shutdown(absl::Seconds(10));
  server->reset();
  spdlog::info("queue-server stopped; {} writes in {} commits", engine_store->write_count(),
               engine_store->commit_count());
  return 0;
}
