#include "server/config/register_file.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "absl/time/time.h"

namespace shop::queue {

namespace {

using nlohmann::json;

Status Bad(const std::string& origin, const std::string& key, const std::string& msg) {
  return Status::InvalidArgument(key, origin + ": " + key + ": " + msg);
}

// Rejects keys the format does not know (comments start with "_").
Status CheckKeys(const json& entry, const std::set<std::string>& known, const std::string& origin,
                 const std::string& path) {
  for (const auto& [key, value] : entry.items()) {
    if (!key.empty() && key[0] == '_') continue;
    if (!known.count(key)) return Bad(origin, path + "." + key, "unknown key");
  }
  return Status::Ok();
}

Result<std::string> RequireString(const json& entry, const char* key, const std::string& origin,
                                  const std::string& path) {
  auto it = entry.find(key);
  if (it == entry.end() || !it->is_string() || it->get<std::string>().empty())
    return Bad(origin, path + "." + key, "a non-empty string is required");
  return it->get<std::string>();
}

// Operator and branch ids: lower-case letters, digits, '_' and '-'.
bool IsId(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

Result<std::string> RequireId(const json& entry, const char* key, const std::string& origin,
                              const std::string& path) {
  auto v = RequireString(entry, key, origin, path);
  if (!v.ok()) return v;
  if (!IsId(*v))
    return Bad(origin, path + "." + key, "lower-case letters, digits, '_' or '-' only");
  return v;
}

// A called number: a Russian mobile in its normal form, or another number
// written as digits (a leading '+' and separators allowed), 5 to 15 digits.
std::optional<std::string> NormalizeCalledNumber(const std::string& in) {
  if (auto mobile = NormalizeRuMobile(in)) return mobile;
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c >= '0' && c <= '9') out += c;
    else if (c == '+' && out.empty() && i == in.find_first_not_of(' ')) out += c;
    else if (c != ' ' && c != '-' && c != '(' && c != ')') return std::nullopt;
  }
  size_t digits = out.size() - (out.rfind('+', 0) == 0 ? 1 : 0);
  if (digits < 5 || digits > 15) return std::nullopt;
  return out;
}

// A time written as RFC 3339 ("2025-11-02T10:00:00Z") at `key`.
Status ParseTimeKey(const json& v, const std::string& origin, const std::string& key,
                    absl::Time* out) {
  std::string err;
  if (!v.is_string() || !absl::ParseTime(absl::RFC3339_full, v.get<std::string>(), out, &err))
    return Bad(origin, key, "an RFC 3339 time is required, e.g. \"2025-11-02T10:00:00Z\"");
  return Status::Ok();
}

constexpr size_t kMaxAddressChars = 300;

// At most `max_chars` characters (UTF-8 code points) and no control
// characters (a postal address on one line).
bool OneLine(const std::string& s, size_t max_chars) {
  size_t chars = 0;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
    if ((c & 0xC0) != 0x80) ++chars;  // not a continuation byte
  }
  return chars <= max_chars;
}

Result<Subscriber> ParseSubscriber(const json& e, const std::string& origin,
                                   const std::string& path, const PiiHasher& hasher) {
  if (!e.is_object()) return Bad(origin, path, "an object is required");
  QUEUE_RETURN_IF_ERROR(CheckKeys(e,
                                  {"phone", "operator", "holder_name", "document_type",
                                   "document_number", "active_iccid", "no_sim_change",
                                   "last_sim_change", "contact", "address", "contact_changed",
                                   "recent_topups_roubles", "recent_calls"},
                                  origin, path));
  Subscriber s;
  auto phone = RequireString(e, "phone", origin, path);
  if (!phone.ok()) return phone.status();
  auto normal = NormalizeRuMobile(*phone);
  if (!normal) return Bad(origin, path + ".phone", "not a Russian mobile number");
  s.phone = *normal;

  auto op = RequireId(e, "operator", origin, path);
  if (!op.ok()) return op.status();
  s.operator_id = *op;

  auto holder = RequireString(e, "holder_name", origin, path);
  if (!holder.ok()) return holder.status();
  s.holder_name = *holder;

  auto type_name = RequireString(e, "document_type", origin, path);
  if (!type_name.ok()) return type_name.status();
  auto type = ParseDocumentType(*type_name);
  if (!type)
    return Bad(origin, path + ".document_type",
               "unknown document type (use ru_passport, foreign_passport or residence_permit)");
  s.document_type = *type;

  auto number = RequireString(e, "document_number", origin, path);
  if (!number.ok()) return number.status();
  auto doc = NormalizeDocumentNumber(*type, *number);
  if (!doc)
    return Bad(origin, path + ".document_number",
               std::string("does not fit the document type: ") + DocumentFormatHint(*type));
  s.document_hash = hasher.Hash("document", *doc);
  s.document_last4 = LastFour(*doc);

  if (auto it = e.find("active_iccid"); it != e.end()) {
    if (!it->is_string()) return Bad(origin, path + ".active_iccid", "a string is required");
    s.active_iccid = it->get<std::string>();
    if (!s.active_iccid.empty()) {
      Status st = ValidateIccid(s.active_iccid, path + ".active_iccid");
      if (!st.ok()) return Status::InvalidArgument(st.field(), origin + ": " + st.message());
    }
  }
  if (auto it = e.find("no_sim_change"); it != e.end()) {
    if (!it->is_boolean()) return Bad(origin, path + ".no_sim_change", "true or false");
    s.no_sim_change = it->get<bool>();
  }
  if (auto it = e.find("last_sim_change"); it != e.end()) {
    QUEUE_RETURN_IF_ERROR(ParseTimeKey(*it, origin, path + ".last_sim_change", &s.last_sim_change));
  }
  if (auto it = e.find("contact"); it != e.end()) {
    if (!it->is_string()) return Bad(origin, path + ".contact", "a string is required");
    const std::string contact = it->get<std::string>();
    if (auto mobile = NormalizeRuMobile(contact))
      s.contact = *mobile;
    else if (ValidEmail(contact))
      s.contact = contact;
    else if (!contact.empty())
      return Bad(origin, path + ".contact", "must be a Russian mobile number or an e-mail address");
  }
  if (auto it = e.find("address"); it != e.end()) {
    if (!it->is_string() || !OneLine(it->get<std::string>(), kMaxAddressChars))
      return Bad(origin, path + ".address",
                 "a one-line string of at most " + std::to_string(kMaxAddressChars) +
                     " characters is required");
    s.address = it->get<std::string>();
  }
  if (auto it = e.find("contact_changed"); it != e.end()) {
    QUEUE_RETURN_IF_ERROR(ParseTimeKey(*it, origin, path + ".contact_changed", &s.contact_changed));
  }
  if (auto it = e.find("recent_topups_roubles"); it != e.end()) {
    if (!it->is_array()) return Bad(origin, path + ".recent_topups_roubles", "an array is required");
    for (size_t i = 0; i < it->size(); ++i) {
      const json& v = (*it)[i];
      std::string key = path + ".recent_topups_roubles[" + std::to_string(i) + "]";
      if (!v.is_number_integer() || v.get<int64_t>() <= 0)
        return Bad(origin, key, "a whole positive number of roubles is required");
      s.recent_topups_roubles.push_back(v.get<int64_t>());
    }
  }
  if (auto it = e.find("recent_calls"); it != e.end()) {
    if (!it->is_array()) return Bad(origin, path + ".recent_calls", "an array is required");
    for (size_t i = 0; i < it->size(); ++i) {
      const json& v = (*it)[i];
      std::string key = path + ".recent_calls[" + std::to_string(i) + "]";
      std::optional<std::string> called;
      if (v.is_string()) called = NormalizeCalledNumber(v.get<std::string>());
      if (!called) return Bad(origin, key, "not a phone number");
      s.recent_calls.push_back(*called);
    }
  }
  return s;
}

Result<StockCard> ParseStockCard(const json& e, const std::string& origin,
                                 const std::string& path) {
  if (!e.is_object()) return Bad(origin, path, "an object is required");
  QUEUE_RETURN_IF_ERROR(CheckKeys(e, {"branch", "operator", "iccid"}, origin, path));
  StockCard c;
  auto branch = RequireId(e, "branch", origin, path);
  if (!branch.ok()) return branch.status();
  c.branch_id = *branch;
  auto op = RequireId(e, "operator", origin, path);
  if (!op.ok()) return op.status();
  c.operator_id = *op;
  auto iccid = RequireString(e, "iccid", origin, path);
  if (!iccid.ok()) return iccid.status();
  Status st = ValidateIccid(*iccid, path + ".iccid");
  if (!st.ok()) return Status::InvalidArgument(st.field(), origin + ": " + st.message());
  c.iccid = *iccid;
  c.state = StockState::kInStock;
  return c;
}

Result<RegisterFile> ParseDocument(const json& doc, const std::string& origin,
                                   const PiiHasher& hasher) {
  if (!doc.is_object()) return Bad(origin, "(top level)", "an object is required");
  QUEUE_RETURN_IF_ERROR(CheckKeys(doc, {"subscribers", "stock"}, origin, "(top level)"));

  RegisterFile out;
  std::set<std::string> phones, iccids;
  if (auto it = doc.find("subscribers"); it != doc.end()) {
    if (!it->is_array()) return Bad(origin, "subscribers", "an array is required");
    for (size_t i = 0; i < it->size(); ++i) {
      std::string path = "subscribers[" + std::to_string(i) + "]";
      auto s = ParseSubscriber((*it)[i], origin, path, hasher);
      if (!s.ok()) return s.status();
      if (!phones.insert(s->phone).second)
        return Bad(origin, path + ".phone", "the same number appears earlier in the file");
      if (!s->active_iccid.empty() && !iccids.insert(s->active_iccid).second)
        return Bad(origin, path + ".active_iccid", "the same card appears earlier in the file");
      out.subscribers.push_back(std::move(s).value());
    }
  }
  if (auto it = doc.find("stock"); it != doc.end()) {
    if (!it->is_array()) return Bad(origin, "stock", "an array is required");
    for (size_t i = 0; i < it->size(); ++i) {
      std::string path = "stock[" + std::to_string(i) + "]";
      auto c = ParseStockCard((*it)[i], origin, path);
      if (!c.ok()) return c.status();
      if (!iccids.insert(c->iccid).second)
        return Bad(origin, path + ".iccid", "the same card appears earlier in the file");
      out.stock.push_back(std::move(c).value());
    }
  }
  return out;
}

}  // namespace

Result<RegisterFile> ParseRegisterFile(const std::string& json_text, const std::string& origin,
                                       const PiiHasher& hasher) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    // Cut nlohmann's "last read: ..." quote: it may be a piece of personal data.
    std::string why = e.what();
    if (auto cut = why.find("; last read"); cut != std::string::npos) why.resize(cut);
    return Status::InvalidArgument("", origin + ": not valid JSON: " + why);
  }
  try {
    return ParseDocument(doc, origin, hasher);
  } catch (const json::exception& e) {
    // The checks above should leave nothing to throw; keep exceptions inside.
    return Status::InvalidArgument("", origin + ": unexpected JSON content (" +
                                           std::to_string(e.id) + ")");
  }
}

Result<RegisterFile> LoadRegisterFile(const std::string& path, const PiiHasher& hasher) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read register file " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::Unavailable("error reading register file " + path);
  return ParseRegisterFile(buf.str(), path, hasher);
}

Status ApplyRegisterFile(WriteTx& tx, const RegisterFile& f, int* added_stock,
                         int* added_subscribers) {
  int subscribers = 0, stock = 0;
  for (const auto& s : f.subscribers) {
    auto existing = tx.cases().GetSubscriber(s.phone);
    if (!existing.ok()) return existing.status();
    if (!*existing) {
      QUEUE_RETURN_IF_ERROR(tx.cases().SaveSubscriber(s));
      ++subscribers;
      continue;
    }
    // The live register owns the cards: a SIM change made since the last
    // load stays (the file's card is by then blocked).
    Subscriber update = s;
    if (!(*existing)->active_iccid.empty()) update.active_iccid = (*existing)->active_iccid;
    update.last_sim_change = std::max(s.last_sim_change, (*existing)->last_sim_change);
    update.contact_changed = std::max(s.contact_changed, (*existing)->contact_changed);
    QUEUE_RETURN_IF_ERROR(tx.cases().SaveSubscriber(update));
  }
  for (const auto& c : f.stock) {
    Status st = tx.cases().AddStockCard(c);
    if (st.code() == Status::Code::kAlreadyExists) continue;
    QUEUE_RETURN_IF_ERROR(st);
    ++stock;
  }
  if (added_stock) *added_stock = stock;
  if (added_subscribers) *added_subscribers = subscribers;
  return Status::Ok();
}

}  // namespace shop::queue
