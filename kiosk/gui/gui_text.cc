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
