// The customer pages' texts in Russian, English and Chinese, and the choice of
// language. Wording follows the kiosk (kiosk/gui/gui_text.cc,
// common/client/text.cc) and the hall board (board/Main.qml).
// Placeholders: {n}, {counter}, {from}, {until}, {msg}.
'use strict';

var I18N = (function () {
  var T = {
    // Booking page.
    bookTitle: ['Запись в отделение', 'Book an appointment', '预约办理'],
    bookIntro: ['Выберите отделение, услугу и удобное время. Код записи покажите в терминале в отделении.',
      'Choose a branch, a service and a time. At the shop, enter the booking code at the kiosk.',
      '请选择网点、服务和时间。到店后在取号机上输入预约码。'],
    language: ['Язык', 'Language', '语言'],
    branch: ['Отделение', 'Branch', '网点'],
    service: ['Услуга', 'Service', '服务'],
    day: ['День', 'Day', '日期'],
    slot: ['Время', 'Time', '时间'],
    name: ['Имя', 'Name', '姓名'],
    phone: ['Телефон', 'Phone', '电话'],
    phoneHint: ['Российский мобильный номер, например +7 916 000-11-22', 'A Russian mobile number, e.g. +7 916 000-11-22',
      '俄罗斯手机号，例如 +7 916 000-11-22'],
    email: ['E-mail (необязательно)', 'E-mail (optional)', '电子邮箱（可选）'],
    book: ['Записаться', 'Book', '预约'],
    loading: ['Загрузка…', 'Loading…', '加载中…'],
    noSlots: ['Свободного времени нет: выберите другую услугу или отделение', 'No free times: choose another service or branch',
      '没有空闲时段：请选择其他服务或网点'],
    noBranches: ['Запись сейчас недоступна', 'Booking is not available right now', '目前无法预约'],
    seatsLeft: ['мест: {n}', '{n} seats left', '剩余 {n} 个名额'],
    booked: ['Вы записаны', 'You are booked', '预约成功'],
    yourCode: ['Код записи', 'Your booking code', '预约码'],
    when: ['Когда', 'When', '时间'],
    where: ['Где', 'Where', '地点'],
    checkInWindow: ['Отметьтесь в терминале с {from} до {until}', 'Check in at the kiosk from {from} until {until}',
      '请在 {from} 至 {until} 之间到取号机签到'],
    addToCalendar: ['Добавить в календарь', 'Add to calendar', '添加到日历'],
    bookAnother: ['Новая запись', 'Book another', '再次预约'],
    qrAlt: ['QR-код с кодом записи {n}', 'QR code of booking code {n}', '预约码 {n} 的二维码'],
    myBooking: ['Моя запись', 'My booking', '我的预约'],
    myIntro: ['Найдите запись по коду и телефону, чтобы перенести или отменить её.',
      'Find your booking by its code and phone to move or cancel it.', '输入预约码和电话查询，可改约或取消。'],
    code: ['Код записи', 'Booking code', '预约码'],
    find: ['Найти', 'Find', '查询'],
    state: ['Статус', 'Status', '状态'],
    moveTitle: ['Перенести на другое время', 'Move to another time', '改到其他时间'],
    move: ['Перенести', 'Move', '改约'],
    moved: ['Запись перенесена', 'The booking is moved', '预约已改期'],
    cancel: ['Отменить запись', 'Cancel booking', '取消预约'],
    confirmCancel: ['Точно отменить запись {n}?', 'Cancel booking {n}?', '确定取消预约 {n}？'],
    yesCancel: ['Да, отменить', 'Yes, cancel it', '确定取消'],
    noKeep: ['Нет, оставить', 'No, keep it', '不，保留'],
    cancelled: ['Запись отменена', 'The booking is cancelled', '预约已取消'],
    BOOKING_STATE_ACTIVE: ['активна', 'active', '有效'],
    BOOKING_STATE_CHECKED_IN: ['вы отметились', 'checked in', '已签到'],
    BOOKING_STATE_CANCELLED: ['отменена', 'cancelled', '已取消'],
    BOOKING_STATE_NO_SHOW: ['неявка', 'missed', '未到'],
    // Refusals.
    required: ['Заполните это поле', 'Please fill in this field', '请填写此项'],
    chooseSlot: ['Выберите время', 'Please choose a time', '请选择时间'],
    slotRefused: ['Это время недоступно: {msg}', 'This time cannot be booked: {msg}', '该时间无法预约：{msg}'],
    refused: ['Не получилось: {msg}', 'That did not work: {msg}', '操作失败：{msg}'],
    badPhone: ['Это не российский мобильный номер: нужен +7 9XX XXX-XX-XX', 'Not a Russian mobile number: use +7 9XX XXX-XX-XX',
      '不是俄罗斯手机号：格式为 +7 9XX XXX-XX-XX'],
    badEmail: ['Это не адрес e-mail (name@example.ru)', 'Not an e-mail address (name@example.ru)', '电子邮箱格式不正确（name@example.ru）'],
    badName: ['Имя: от 2 до 200 символов', 'The name must be 2 to 200 characters', '姓名须为 2 至 200 个字符'],
    slotFull: ['Это время уже занято: выберите другое', 'This time is fully booked: please choose another',
      '该时段已约满，请选择其他时间'],
    phoneBusy: ['На этот телефон уже есть запись на эту услугу в этот день: перенесите или отмените её',
      'This phone already has a booking for this service that day: move or cancel that one',
      '该电话当天已预约此服务：请改约或取消原预约'],
    notFound: ['Запись не найдена: проверьте код и телефон', 'No such booking: check the code and the phone',
      '未找到预约：请检查预约码和电话'],
    tooMany: ['Слишком много попыток, повторите через {n} с', 'Too many attempts, retry in {n} s',
      '尝试次数过多，请 {n} 秒后重试'],
    network: ['Нет связи с сервером. Проверьте интернет и попробуйте ещё раз.',
      'Cannot reach the server. Check your connection and try again.', '无法连接服务器，请检查网络后重试。'],
    retry: ['Повторить', 'Retry', '重试'],
    serverError: ['Сервис временно недоступен, попробуйте позже', 'The service is unavailable, please try later',
      '服务暂时不可用，请稍后再试'],
    // Ticket page.
    ticketTitle: ['Ваш талон', 'Your ticket', '您的号票'],
    yourNumber: ['Ваш номер', 'Your number', '您的号码'],
    ahead: ['Перед вами: {n}', '{n} ahead', '前面还有 {n} 人'],
    nextUp: ['Вы следующий', 'You are next', '下一位就是您'],
    waitAbout: ['Ожидание: около {n} мин', 'Estimated wait: about {n} min', '预计等候：约 {n} 分钟'],
    waitSoon: ['Ожидание: меньше минуты', 'Estimated wait: under a minute', '预计等候：不到一分钟'],
    yourTurn: ['Ваша очередь: {counter}', 'Your turn: {counter}', '轮到您了：{counter}'],
    goTo: ['Пройдите к окну', 'Please go to the counter', '请前往窗口'],
    calledAgain: ['Повторный вызов', 'Called again', '再次叫号'],
    serving: ['Вас обслуживают: {counter}', 'Being served at {counter}', '正在 {counter} 办理'],
    parked: ['Талон отложен, пожалуйста, подождите', 'Parked, please wait', '号票已暂停，请稍候'],
    dueAt: ['Время записи: {n}', 'Appointment at {n}', '预约时间：{n}'],
    finished: ['Этот талон завершён', 'This ticket is finished', '此号票已结束'],
    invalidLink: ['Эта ссылка больше не действует', 'This link is no longer valid', '此链接已失效'],
    connecting: ['Подключение…', 'Connecting…', '正在连接…'],
    reconnecting: ['Нет связи, переподключение…', 'Reconnecting…', '连接中断，正在重新连接…'],
    watchBoard: ['Следите за вызовом на табло', 'Please watch the board for your number', '请留意叫号屏'],
    keepOpen: ['Страница обновляется сама', 'This page updates by itself', '本页面会自动更新']
  };
  var LANGS = ['ru', 'en', 'zh'];
  var INDEX = { ru: 0, en: 1, zh: 2 };

  // ?lang= first, then the browser's languages, then Russian.
  function pick() {
    var q = new URLSearchParams(location.search).get('lang');
    if (q && INDEX.hasOwnProperty(q)) return q;
    var list = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ''];
    for (var i = 0; i < list.length; i++) {
      var two = String(list[i]).slice(0, 2).toLowerCase();
      if (INDEX.hasOwnProperty(two)) return two;
    }
    return 'ru';
  }

  function t(lang, key, args) {
    var row = T[key];
    var s = row ? row[INDEX[lang] || 0] : key;
    if (args) {
      s = s.replace(/\{(\w+)\}/g, function (m, k) { return args.hasOwnProperty(k) ? String(args[k]) : m; });
    }
    return s;
  }

  // LANGUAGE_EN -> 'en'; anything else Russian.
  function fromProto(value) {
    if (value === 'LANGUAGE_EN') return 'en';
    if (value === 'LANGUAGE_ZH') return 'zh';
    return 'ru';
  }

  function toProto(lang) { return 'LANGUAGE_' + lang.toUpperCase(); }

  // Fills every [data-t] element of the page with its text.
  function apply(lang) {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : lang;
    var nodes = document.querySelectorAll('[data-t]');
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = t(lang, nodes[i].getAttribute('data-t'));
  }

  return { LANGS: LANGS, pick: pick, t: t, fromProto: fromProto, toProto: toProto, apply: apply };
})();
