#include "server/domain/common/templates.h"

#include <vector>

#include "server/domain/common/branch.h"

namespace shop::queue {

const std::map<std::string, std::vector<std::string>, std::less<>>& MessageTemplates::Keys() {
  static const auto* keys = new std::map<std::string, std::vector<std::string>, std::less<>>{
      {"turn_near", {"number", "ahead", "service", "branch"}},
  };
  return *keys;
}

MessageTemplates MessageTemplates::Defaults() {
  MessageTemplates t;
  t.texts_["turn_near"] = {
      "Талон {number}: перед вами {ahead}. Подойдите к залу ожидания, {branch}.",
      "Ticket {number}: {ahead} ahead of you. Please come back to the hall, {branch}.",
      "号码 {number}：您前面还有 {ahead} 位。请回到等候区，{branch}。",
  };
  return t;
}

Status MessageTemplates::Set(std::string_view key, Language language, std::string text) {
  const std::string field = "notify.templates." + std::string(key);
  const auto known = Keys().find(key);
  if (known == Keys().end()) return Status::InvalidArgument(field, "unknown message");
  if (text.empty()) return Status::InvalidArgument(field, "empty text");
  for (size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
    const size_t close = text.find('}', open);
    if (close == std::string::npos)
      return Status::InvalidArgument(field, "unclosed '{'");
    const std::string name = text.substr(open + 1, close - open - 1);
    bool offered = false;
    for (const auto& v : known->second) offered = offered || v == name;
    if (!offered)
      return Status::InvalidArgument(field, "no placeholder {" + name + "}");
  }
  texts_[std::string(key)][static_cast<int>(language) - 1] = std::move(text);
  return Status::Ok();
}

std::string MessageTemplates::Render(std::string_view key, Language language,
                                     const Vars& vars) const {
  const auto it = texts_.find(key);
  if (it == texts_.end()) return "";
  const std::string& text = it->second[static_cast<int>(language) - 1];
  std::string out;
  out.reserve(text.size() + 32);
  for (size_t i = 0; i < text.size();) {
    const size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
    if (close == std::string::npos) {
      out += text[i++];
      continue;
    }
    const auto v = vars.find(std::string_view(text).substr(i + 1, close - i - 1));
    if (v != vars.end()) out += v->second;
    i = close + 1;
  }
  return out;
}

}  // namespace shop::queue
