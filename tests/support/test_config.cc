#include "tests/support/test_config.h"

#include <cstdio>

#include <random>
#include <stdexcept>

namespace shop::queue::testing {

BranchConfig TestBranch(const std::string& zone) {
  BranchConfig b;
  b.branch_id = "test";
  b.display_name = "Test shop";
  b.time_zone_name = zone;
  if (!absl::LoadTimeZone(zone, &b.time_zone)) throw std::runtime_error("no zone " + zone);
  for (int d = 0; d < 6; ++d) b.hours[d] = DayHours{9 * 60, 21 * 60};
  b.max_recalls = 2;
  b.services = {
      {"R", {"Замена SIM", "SIM replacement", "补办SIM卡"}, absl::Minutes(10)},
      {"N", {"Подключение", "New connection", "新号码"}, absl::Minutes(20)},
      {"P", {"Платежи", "Payments", "缴费"}, absl::Minutes(5)},
  };
  b.counters = {{"1", "Counter 1", {"R", "N", "P"}},
                {"2", "Counter 2", {"R", "N"}},
                {"3", "Counter 3", {"P"}}};
  return b;
}

ServerConfig TestConfig(const std::string& zone) {
  ServerConfig c;
  c.branches.push_back(TestBranch(zone));
  return c;
}

ServerConfig TwoBranchConfig(const std::string& zone) {
  ServerConfig c = TestConfig(zone);
  BranchConfig other = c.branches[0];
  other.branch_id = "other";
  other.display_name = "Other shop";
  c.branches.push_back(std::move(other));
  return c;
}

ServerConfig CaseTestConfig(const std::string& zone) {
  ServerConfig c = TestConfig(zone);
  for (auto& h : c.branches[0].hours) h = DayHours{0, 24 * 60};
  c.branches[0].services[0].opens_case = true;  // R
  for (const char* op : {"megafon", "beeline", "tele2"})
    c.fees[op] = {{"lost", 300}, {"stolen", 300}, {"damaged", 150}, {"format_change", 0}};
  return c;
}

std::string TestIccid(int n) {
  char body[32];
  std::snprintf(body, sizeof body, "897010%012d", n);  // 18 digits
  // Luhn: double every second digit from the right, counting the check digit.
  int sum = 0;
  std::string s = body;
  for (size_t i = 0; i < s.size(); ++i) {
    int d = s[s.size() - 1 - i] - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return s + static_cast<char>('0' + (10 - sum % 10) % 10);
}

absl::Time At(const std::string& zone, int y, int mo, int d, int h, int mi, int s) {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(zone, &tz)) throw std::runtime_error("no zone " + zone);
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), tz);
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("shop-queue-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Subscriber TestSubscriber(const PiiHasher& hasher, const std::string& phone,
                          const std::string& document, int64_t topup,
                          const std::string& recent_call) {
  Subscriber s;
  s.phone = phone;
  s.operator_id = "megafon";
  s.holder_name = "Ivanova Maria";
  s.document_type = DocumentType::kRuPassport;
  s.document_hash = hasher.Hash("document", document);
  s.document_last4 = document.substr(document.size() - 4);
  s.active_iccid = TestIccid(1);
  s.recent_topups_roubles = {topup};
  s.recent_calls = {recent_call};
  return s;
}

}  // namespace shop::queue::testing
