#include "server/storage/sqlite/codec.h"

#include <sstream>

namespace shop::queue::sqlite {

std::optional<int64_t> OptMicros(absl::Time t) {
  if (t == absl::InfinitePast()) return std::nullopt;
  return absl::ToUnixMicros(t);
}

void BindOpt(Stmt& s, int i, absl::Time t) {
  if (auto v = OptMicros(t)) s.Bind(i, *v);
  else s.BindNull(i);
}

absl::Time ColTime(const Stmt& s, int col) {
  return s.IsNull(col) ? absl::InfinitePast() : absl::FromUnixMicros(s.Int(col));
}

std::string JoinPrefixes(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& p : v) {
    if (!out.empty()) out += ",";
    out += p;
  }
  return out;
}

std::vector<std::string> SplitPrefixes(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

Result<bool> Exists(Stmt& s) {
  bool found = s.Step();
  QUEUE_RETURN_IF_ERROR(s.status());
  s.Reset();
  return found;
}

Result<int> Count(Stmt& s) {
  int n = s.Step() ? static_cast<int>(s.Int(0)) : 0;
  QUEUE_RETURN_IF_ERROR(s.status());
  s.Reset();
  return n;
}

Result<int> EraseFinished(Db& db, const char* list_sql, const char* erase_sql,
                          std::string (*subject_of)(int64_t), absl::Time cutoff, int limit) {
  return EraseFinished(db, list_sql, {erase_sql}, subject_of, cutoff, limit);
}

Result<int> EraseFinished(Db& db, const char* list_sql,
                          std::initializer_list<const char*> erase_sqls,
                          std::string (*subject_of)(int64_t), absl::Time cutoff, int limit) {
  std::vector<int64_t> ids;
  {
    auto st = db.Prepare(list_sql);
    if (!st.ok()) return st.status();
    Stmt& s = **st;
    s.Bind(1, absl::ToUnixMicros(cutoff)).Bind(2, int64_t{limit});
    while (s.Step()) ids.push_back(s.Int(0));
    QUEUE_RETURN_IF_ERROR(s.status());
    s.Reset();
  }
  for (int64_t id : ids) {
    for (const char* erase_sql : erase_sqls) {
      auto erase = db.Prepare(erase_sql);
      if (!erase.ok()) return erase.status();
      (*erase)->Bind(1, id);
      QUEUE_RETURN_IF_ERROR((*erase)->Run());
    }
    auto outbox = db.Prepare(kEraseOutboxRecipients);
    if (!outbox.ok()) return outbox.status();
    (*outbox)->Bind(1, subject_of(id));
    QUEUE_RETURN_IF_ERROR((*outbox)->Run());
  }
  return static_cast<int>(ids.size());
}

}  // namespace shop::queue::sqlite
