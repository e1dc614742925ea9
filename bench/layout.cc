#include "bench/layout.h"

#include <sstream>

namespace shop::bench {

namespace {

struct ServiceText {
  const char* prefix;
  const char* ru;
  const char* en;
  const char* zh;
  int minutes;
};

constexpr ServiceText kServices[] = {
    {"R", "Замена SIM-карты", "SIM card replacement", "补办SIM卡", 15},
    {"N", "Новое подключение", "New connection", "新号码开户", 20},
    {"P", "Платежи и баланс", "Payments and balance", "缴费和余额", 5},
    {"C", "Консультация", "Consultation", "咨询", 10},
};

void WriteBranch(std::ostream& out, const Layout& layout, int b) {
  out << "[[branch]]\n"
      << "id = \"" << layout.BranchId(b) << "\"\n"
      << "name = \"Bench shop " << b << "\"\n"
      << "time_zone = \"Europe/Moscow\"\n"
      << "max_recalls = 2\n"
      << "closed_dates = []\n\n"
      << "[branch.hours]\n";
  for (const char* day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"})
    out << day << " = \"00:00-24:00\"\n";
  out << "\n";
  for (const ServiceText& s : kServices) {
    out << "[[branch.service]]\n"
        << "prefix = \"" << s.prefix << "\"\n"
        << "name = { ru = \"" << s.ru << "\", en = \"" << s.en << "\", zh = \"" << s.zh << "\" }\n"
        << "default_service_minutes = " << s.minutes << "\n\n";
  }
  for (int c = 0; c < layout.counters_per_branch; ++c) {
    out << "[[branch.counter]]\n"
        << "id = \"" << Layout::CounterId(c) << "\"\n"
        << "name = \"Counter " << Layout::CounterId(c) << "\"\n"
        << "services = [\"R\", \"N\", \"P\", \"C\"]\n\n";
  }
}

}  // namespace

std::string ConfigToml(const Layout& layout) {
  std::ostringstream out;
  out << "# Written by queue-bench: " << layout.branches << " branches x "
      << layout.counters_per_branch << " counters, open around the clock.\n\n";
  for (int b = 0; b < layout.branches; ++b) WriteBranch(out, layout, b);
  return out.str();
}

}  // namespace shop::bench
