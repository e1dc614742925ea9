#include "server/crypto/pii_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace shop::queue::crypto {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kHexChars = kKeyBytes * 2;
const char* const kField = "privacy.key_file";

bool Init() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

Status Bad(const std::string& msg) { return Status::InvalidArgument(kField, msg); }

Status Failed(const std::string& what, const std::string& path, int err) {
  return Status::Internal(what + " PII key file " + path + ": " + std::strerror(err));
}

// Closes a descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

bool WriteAll(int fd, const char* data, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

std::string Directory(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

// Reads and checks an existing key file open as `fd`.
Result<std::string> ReadKey(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return Failed("cannot stat", path, errno);
  if (!S_ISREG(st.st_mode)) return Bad("PII key file " + path + " is not a regular file");
  if (st.st_mode & (S_IRWXG | S_IRWXO))
    return Bad("PII key file " + path +
               " is open to group or others; only its owner may read it: chmod 600 " + path);
  char buf[kHexChars + 3];  // one more than a valid file can hold
  size_t n = 0;
  while (n < sizeof buf) {
    const ssize_t r = ::read(fd, buf + n, sizeof buf - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Failed("cannot read", path, errno);
    if (r == 0) break;
    n += static_cast<size_t>(r);
  }
  size_t len = n;
  if (len == kHexChars + 1 && buf[kHexChars] == '\n') len = kHexChars;
  bool hex = len == kHexChars;
  for (size_t i = 0; hex && i < len; ++i) hex = std::isxdigit(static_cast<unsigned char>(buf[i]));
  std::string key(kKeyBytes, '\0');
  size_t bin_len = 0;
  if (hex && sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), buf, len,
                            nullptr, &bin_len, nullptr) != 0)
    hex = false;
  sodium_memzero(buf, sizeof buf);
  if (!hex || bin_len != kKeyBytes) {
    sodium_memzero(key.data(), key.size());
    return Bad("PII key file " + path +
               " must hold exactly 64 hex characters (a 32-byte key) and an optional newline");
  }
  return key;
}

// Writes a new random key to a temporary file beside `path`, syncs it and
// links it under `path` (link never replaces an existing file, so a
// concurrent creator wins cleanly and nobody sees a half-written key).
// kAlreadyExists when `path` appeared meanwhile.
Status CreateKey(const std::string& path) {
  const std::string dir = Directory(path);
  std::string tmp = path + ".tmp-XXXXXX";
  const int raw = ::mkstemp(tmp.data());
  if (raw < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return Bad("cannot create PII key file " + path + ": directory " + dir +
                 " does not exist");
    return Failed("cannot create", path, errno);
  }
  Fd fd(raw);
  unsigned char key[kKeyBytes];
  randombytes_buf(key, sizeof key);
  char hex[kHexChars + 1];
  sodium_bin2hex(hex, sizeof hex, key, sizeof key);
  sodium_memzero(key, sizeof key);
  hex[kHexChars] = '\n';
  Status st;
  if (::fchmod(fd.get(), 0600) != 0) st = Failed("cannot chmod", tmp, errno);
  else if (!WriteAll(fd.get(), hex, sizeof hex)) st = Failed("cannot write", tmp, errno);
  else if (::fsync(fd.get()) != 0) st = Failed("cannot sync", tmp, errno);
  else if (::link(tmp.c_str(), path.c_str()) != 0)
    st = errno == EEXIST ? Status::AlreadyExists(path) : Failed("cannot create", path, errno);
  sodium_memzero(hex, sizeof hex);
  ::unlink(tmp.c_str());
  if (!st.ok()) return st;
  // Make the new name durable too.
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() < 0 || ::fsync(d.get()) != 0)
    return Failed("cannot sync the directory of", path, errno);
  return Status::Ok();
}

}  // namespace

Result<std::string> LoadOrCreatePiiKey(const std::string& path) {
  if (!Init()) return Status::Internal("libsodium cannot initialise");
  if (path.empty()) return Bad("the PII key file path is empty");
  for (int attempt = 0; attempt < 2; ++attempt) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() >= 0) return ReadKey(fd.get(), path);
    if (errno != ENOENT) return Failed("cannot open", path, errno);
    Status st = CreateKey(path);
    if (st.code() == Status::Code::kAlreadyExists) continue;  // someone else made it: read it
    if (!st.ok()) return st;
  }
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return Failed("cannot open", path, errno);
  return ReadKey(fd.get(), path);
}

HmacPiiHasher::HmacPiiHasher(std::string key) : key_(std::move(key)) { Init(); }

HmacPiiHasher::~HmacPiiHasher() { sodium_memzero(key_.data(), key_.size()); }

std::string HmacPiiHasher::Hash(std::string_view purpose, std::string_view value) const {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key_.data()),
                              key_.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(purpose.data()),
                                purpose.size());
  const unsigned char separator = 0;
  crypto_auth_hmacsha256_update(&state, &separator, 1);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(value.data()),
                                value.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  sodium_memzero(&state, sizeof state);
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string(hex, crypto_auth_hmacsha256_BYTES * 2);
}

}  // namespace shop::queue::crypto
