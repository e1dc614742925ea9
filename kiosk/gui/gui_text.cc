#include "kiosk/gui/gui_text.h"

#include <string_view>

#include "common/client/text.h"

namespace shop::queue::kiosk::gui {
namespace {

struct Row {
  const char* key;
  std::string_view ru, en, zh;
};

constexpr Row kRows[] = {
    {"welcome", "Добро пожаловать", "Welcome", "欢迎光临"},
    {"chooseLanguage", "Выберите язык", "Choose your language", "请选择语言"},
    {"priorityButton", "Мне нужно обслуживание вне очереди", "I need priority service",
     "我需要优先服务"},
    {"priorityTitle", "Кому положено обслуживание вне очереди?", "Who is priority service for?",
     "优先服务对象"},
    {"priorityChosen", "Вне очереди", "Priority", "优先"},
    {"checkInButton", "У меня есть запись", "I have an appointment", "我有预约"},
    {"enterCode", "Введите код записи", "Enter your booking code", "请输入预约码"},
    {"checkIn", "Отметиться", "Check in", "签到"},
    {"erase", "Стереть", "Delete", "删除"},
    {"home", "В начало", "Start over", "返回首页"},
    {"takeSlip", "Возьмите талон", "Please take your slip", "请取走您的号票"},
    {"printerOut", "Принтер не работает: запомните номер или сфотографируйте QR-код",
     "The printer is out of order: remember your number or photograph the QR code",
     "打印机故障：请记住您的号码或拍下二维码"},
    {"outOfService", "Терминал временно не работает", "This kiosk is out of service",
     "本机暂停服务"},
    {"askCounter", "Пожалуйста, обратитесь к сотруднику у стойки", "Please ask at the counter",
     "请到柜台咨询"},
    {"opensAt", "Откроется", "Opens", "开门时间"},
    {"noCounter", "Сейчас нет открытых окон", "No counter open now", "当前无开放窗口"},
    {"wait", "Ожидание", "Wait", "预计等候"},
    {"lateNote", "Вы опоздали: это талон живой очереди", "You are late: this is a walk-in ticket",
     "您已迟到：这是普通排队号票"},
    {"statusQr", "Следите за очередью на телефоне", "Follow your place on your phone",
     "用手机查看排队进度"},
    {"chooseService", "Выберите услугу", "Choose a service", "请选择服务"},
    {"back", "Назад", "Back", "返回"},
    {"pleaseWait", "Минуточку…", "One moment…", "请稍候…"},
    // "Text me when my turn is near": the services screen's button, the
    // phone screen, the top bar's note, the result and the refusal.
    {"smsButton", "SMS, когда подойдёт очередь", "SMS when my turn is near", "快轮到我时短信通知"},
    {"smsButtonSaved", "SMS: изменить или удалить номер", "SMS: change or remove the number",
     "短信：更改或删除号码"},
    {"phoneTitle", "Номер мобильного для SMS", "Your mobile number for the SMS",
     "接收短信的手机号码"},
    {"phoneExplain",
     "Пришлём одно SMS, когда перед вами останется несколько человек. После этого номер не хранится.",
     "We send one SMS when only a few people are ahead of you. The number is not kept after that.",
     "当您前面只剩几个人时，我们会发送一条短信。之后不会保留该号码。"},
    // A no-break space holds "9" to its word when the line wraps.
    {"phoneNotMobile", "Это не мобильный номер: после +7 он начинается с 9\n+7 9XX XXX-XX-XX",
     "This is not a mobile number: after +7 it starts with 9\n+7 9XX XXX-XX-XX",
     "这不是手机号码：+7 之后应以 9 开头\n+7 9XX XXX-XX-XX"},
    // %1: the saved number, masked.
    {"phoneSavedNow", "Сохранён номер %1. Введите другой или удалите его.",
     "Saved: %1. Type another number or remove it.", "已保存号码 %1。可输入新号码或将其删除。"},
    {"phoneSave", "Сохранить", "Save", "保存"},
    {"phoneRemove", "Удалить номер", "Remove the number", "删除号码"},
    {"smsNote", "SMS", "SMS", "短信"},
    // %1: the masked number.
    {"smsWillCome", "Пришлём SMS на %1, когда подойдёт ваша очередь",
     "We will text %1 when your turn is near", "快轮到您时，我们会发短信至 %1"},
    {"smsNotNeeded", "Ваша очередь уже близко: SMS не понадобится, следите за табло",
     "Your turn is near already: no SMS needed, watch the board",
     "马上就轮到您了：无需短信，请留意叫号屏"},
    {"phoneRefused",
     "Номер для SMS не принят: нужен российский мобильный. Талон не выдан, номер удалён: введите "
     "другой или выберите услугу без SMS.",
     "The SMS number was not accepted: it must be a Russian mobile number. No ticket was issued "
     "and the number was removed: enter another one or choose a service without SMS.",
     "短信号码未被接受：必须是俄罗斯手机号码。未出号，该号码已删除：请输入其他号码，或直接选择服务（不发短信）。"},
};

}  // namespace

QVariantMap ScreenTexts(v1::Language language) {
  QVariantMap texts;
  for (const Row& row : kRows) {
    const std::string_view text =
        language == v1::LANGUAGE_EN ? row.en : language == v1::LANGUAGE_ZH ? row.zh : row.ru;
    texts.insert(row.key, QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())));
  }
  using client::Msg;
  auto shared = [&](const char* key, Msg msg) {
    const std::string_view text = client::Tr(msg, language);
    texts.insert(key, QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())));
  };
  shared("yourNumber", Msg::kYourNumber);
  shared("peopleAhead", Msg::kPeopleAhead);
  shared("estimatedWait", Msg::kEstimatedWait);
  shared("waiting", Msg::kWaiting);
  shared("branchClosed", Msg::kBranchClosed);
  shared("noServices", Msg::kNoServices);
  shared("appointmentAt", Msg::kAppointmentAt);
  shared("watchBoard", Msg::kWatchBoard);
  texts.insert("separator", QString::fromStdString(std::string(client::LabelSeparator(language))));
  return texts;
}

}  // namespace shop::queue::kiosk::gui
