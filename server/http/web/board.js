// The web board (/board/BRANCH) for a TV with a browser: the newest call
// large, the recent calls, waiting counts per service, due appointments and
// devices that need staff, live from the board's event stream. The labels are
// in Russian, English and Chinese at once, as on the hall board (board/Main.qml).
'use strict';

(function () {
  var $ = Q.$;
  var branch = Q.pathPart(2);
  var RECENT = 8;
  var calls = [];       // BoardCall, newest first, one per ticket
  var tz = '';
  var source = null;
  var retryTimer = 0;
  var lastMessage = null;

  function conn(state) {
    var node = $('conn');
    node.className = 'conn ' + state;
    node.textContent = state === 'reconnecting' ? 'Нет связи с сервером, переподключение…  ·  Reconnecting…  ·  正在重新连接…'
      : state === 'refused' ? 'Табло не допущено сервером: проверьте токен  ·  Board token refused  ·  叫号屏未获授权'
        : state === 'connecting' ? 'Подключение…  ·  Connecting…  ·  正在连接…' : '';
    document.body.setAttribute('data-connection', state);
  }

  function clock() {
    $('clock').textContent = Q.time(new Date(), 'ru', tz);
  }

  function counterOf(c) { return c.counterDisplayName || c.counterId || ''; }

  function take(list, snapshot) {
    if (snapshot) calls = [];
    (list || []).forEach(function (c) {
      calls = calls.filter(function (x) { return x.ticketId !== c.ticketId || !c.ticketId; });
      calls.unshift(c);
    });
    calls = calls.slice(0, RECENT + 1);
  }

  function renderCalls(flash) {
    var newest = calls[0];
    $('idle').hidden = !!newest;
    $('newest-call').hidden = !newest;
    $('newest-recall').hidden = !(newest && newest.recallCount > 0);
    if (newest) {
      $('newest-number').textContent = newest.displayNumber || '';
      $('newest-counter').textContent = counterOf(newest);
    }
    if (flash) {
      var box = $('newest');
      box.classList.remove('flash');
      void box.offsetWidth;  // restart the animation
      box.classList.add('flash');
    }
    var ol = $('recent');
    Q.clear(ol);
    calls.slice(1).forEach(function (c) {
      ol.appendChild(Q.el('li', null, [
        Q.el('span', { className: 'num' }, c.displayNumber || ''),
        Q.el('span', { className: 'ctr' }, '→  ' + counterOf(c) + (c.recallCount > 0 ? '   ↻' : '')),
        Q.el('span', { className: 'time' }, c.callTime ? Q.time(new Date(c.callTime), 'ru', tz) : '')
      ]));
    });
  }

  function renderWaiting(counts) {
    var ul = $('waiting');
    Q.clear(ul);
    (counts || []).forEach(function (w) {
      var n = w.nameRu || w.nameEn || w.nameZh ? { ru: w.nameRu, en: w.nameEn, zh: w.nameZh } : null;
      ul.appendChild(Q.el('li', null, [
        Q.el('span', { className: 'pfx' }, w.servicePrefix),
        Q.el('div', { className: 'names' }, n ? [
          Q.el('p', { className: 'n1' }, n.ru),
          Q.el('p', { className: 'n2' }, [n.en, n.zh].filter(Boolean).join('  ·  '))
        ] : []),
        Q.el('span', { className: 'count' }, String(w.waitingCount || 0))
      ]));
    });
  }

  function renderDue(due) {
    var ul = $('due');
    Q.clear(ul);
    $('due-h').hidden = !(due && due.length);
    var now = Date.now();
    (due || []).forEach(function (d) {
      var at = d.dueTime ? new Date(d.dueTime) : null;
      ul.appendChild(Q.el('li', null, [
        Q.el('span', { className: 'num' }, d.displayNumber || ''),
        Q.el('span', { className: at && at.getTime() < now ? 'overdue' : '' }, at ? Q.time(at, 'ru', tz) : '')
      ]));
    });
  }

  var PRINTER = {
    PRINTER_STATE_OUT_OF_PAPER: 'printer out of paper', PRINTER_STATE_OFFLINE: 'printer offline',
    PRINTER_STATE_ERROR: 'printer error'
  };

  function renderFaults(devices) {
    var lines = (devices || []).filter(function (d) {
      return d.printerState !== 'PRINTER_STATE_OK' && d.printerState !== 'PRINTER_STATE_NONE';
    }).map(function (d) {
      return 'kiosk ' + (d.deviceId || '?') + ': ' + (PRINTER[d.printerState] || 'printer state unknown');
    });
    $('faults').hidden = lines.length === 0;
    $('faults').textContent = lines.length ? '⚠ Нужен сотрудник · Staff needed · 需要工作人员: ' + lines.join('   ·   ') : '';
  }

  function onBoard(msg) {
    lastMessage = msg;
    if (msg.timeZone) tz = msg.timeZone;
    if (msg.branchDisplayName) { $('branch-name').textContent = msg.branchDisplayName; document.title = msg.branchDisplayName; }
    var isNew = !msg.snapshot && (msg.calls || []).length > 0;
    take(msg.calls, !!msg.snapshot);
    renderCalls(isNew);
    renderWaiting(msg.waitingCounts);
    renderDue(msg.dueAppointments);
    renderFaults(msg.deviceFaults);
    clock();
  }

  function eventsUrl() {
    var url = '/api/v1/boards/' + encodeURIComponent(branch) + '/events';
    // The server normally moved ?token= into a cookie; pass it on if not.
    var token = new URLSearchParams(location.search).get('token');
    return token ? url + '?token=' + encodeURIComponent(token) : url;
  }

  function connect() {
    clearTimeout(retryTimer);
    if (source) source.close();
    var es = new EventSource(eventsUrl());
    source = es;
    es.addEventListener('board', function (e) {
      var msg;
      try { msg = JSON.parse(e.data); } catch (err) { return; }
      conn('connected');
      onBoard(msg || {});
    });
    es.onopen = function () { conn('connected'); };
    es.onerror = function () {
      if (es !== source) return;
      if (es.readyState !== EventSource.CLOSED) { conn('reconnecting'); return; }
      // The server answered but refused the stream: ask it why, then retry.
      source = null;
      fetch(eventsUrl(), { method: 'GET', cache: 'no-store', credentials: 'same-origin' }).then(function (resp) {
        conn(resp.status === 401 || resp.status === 403 ? 'refused' : 'reconnecting');
        if (resp.body && resp.body.cancel) resp.body.cancel();
        retryTimer = setTimeout(connect, resp.status === 401 || resp.status === 403 ? 30000 : 3000);
      }, function () {
        conn('reconnecting');
        retryTimer = setTimeout(connect, 3000);
      });
    };
  }

  function init() {
    conn('connecting');
    clock();
    setInterval(clock, 5000);
    connect();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
