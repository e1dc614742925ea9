#include "server/domain/common/templates.h"

#include <vector>

#include "server/domain/common/branch.h"

namespace shop::queue {

const std::map<std::string, std::vector<std::string>, std::less<>>& MessageTemplates::Keys() {
  static const auto* keys = new std::map<std::string, std::vector<std::string>, std::less<>>{
      {"turn_near", {"number", "ahead", "service", "branch"}},
      {"booking_reminder", {"service", "branch", "slot", "code", "checkin_from", "checkin_until"}},
      {"sim_change", {"phone", "branch", "time", "case"}},
      {"email_subject", {}},
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
  // A booking's reminder (server/domain/booking: ReminderText).
  t.texts_["booking_reminder"] = {
      "Напоминание: {service}, {branch}, {slot}. Код записи {code}. Отметьтесь в терминале "
      "очереди с {checkin_from} до {checkin_until}.",
      "Reminder: {service} at {branch}, {slot}. Booking code {code}. Check in at the kiosk "
      "from {checkin_from} to {checkin_until}.",
      "预约提醒：{service}，{branch}，{slot}。预约码：{code}。请于 {checkin_from} 至 "
      "{checkin_until} 在取号机上签到。",
  };
  // The notice of a SIM change (server/domain/cases: SimChangeNotice sends
  // it in Russian and in the customer's language).
  t.texts_["sim_change"] = {
      "SIM-карта номера {phone} заменена {time} в салоне «{branch}» (обращение № {case}). "
      "Если вы этого не делали, немедленно позвоните оператору или обратитесь с паспортом в "
      "любой салон, чтобы оспорить замену.",
      "The SIM card of your number {phone} was replaced at {branch} on {time} (case {case}). "
      "If you did not ask for this, call your operator at once or come to any shop with your "
      "passport to dispute it.",
      "您的号码 {phone} 的SIM卡已于 {time} 在 {branch} 更换（业务编号 {case}）。如非本人办理，"
      "请立即致电您的运营商，或携带护照前往任一营业厅提出异议。",
  };
  // The subject line of every e-mail (server/notify).
  t.texts_["email_subject"] = {
      "Сообщение от салона связи",
      "A message from your mobile shop",
      "营业厅通知",
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
