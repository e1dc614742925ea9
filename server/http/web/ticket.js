// The live ticket page (/t/TOKEN, opened by the slip's QR code): the number,
// the people ahead and the wait, then "Your turn: Counter 3", live from the
// server's event stream, in the language chosen at the kiosk.
'use strict';

(function () {
  var $ = Q.$;
  var token = Q.pathPart(2);
  var lang = I18N.pick();  // until the ticket tells its own
  var t = function (key, args) { return I18N.t(lang, key, args); };
  var source = null;
  var last = null;       // the last TicketStatus shown
  var over = false;      // ended or invalid: nothing more to do
  var retryTimer = 0;

  function setLang(l) {
    if (l === lang && document.documentElement.lang) return;
    lang = l;
    I18N.apply(lang);
  }

  function banner(key) { $('banner').textContent = key ? t(key) : ''; }

  function counterName(st) { return st.counterDisplayName || st.counterId || ''; }

  function render(st) {
    setLang(I18N.fromProto(st.language));
    var state = st.state || 'TICKET_STATE_UNSPECIFIED';
    var before = last;
    last = st;
    $('loading').hidden = true;
    $('live').hidden = false;
    $('branch').textContent = st.branchDisplayName || '';
    $('number').textContent = st.displayNumber || '';
    $('service').textContent = st.serviceName || st.servicePrefix || '';
    var main = '', sub = '', due = '';
    var called = state === 'TICKET_STATE_CALLED';
    $('called').hidden = !called;
    $('recall').hidden = true;
    if (state === 'TICKET_STATE_WAITING') {
      var pos = st.position || 0;
      var wait = Q.seconds(st.estimatedWait);
      main = pos > 0 ? t('ahead', { n: pos }) : t('nextUp');
      sub = wait >= 60 ? t('waitAbout', { n: Math.round(wait / 60) }) : t('waitSoon');
      if (st.dueTime) due = t('dueAt', { n: Q.time(new Date(st.dueTime), lang, st.timeZone) });
    } else if (called) {
      $('turn').textContent = t('yourTurn', { counter: counterName(st) });
      if (st.recallCount > 0) { $('recall').textContent = t('calledAgain'); $('recall').hidden = false; }
      sub = t('goTo');
      var fresh = !before || before.state !== state || (before.recallCount || 0) !== (st.recallCount || 0);
      if (fresh) alertCall();
    } else if (state === 'TICKET_STATE_SERVING') {
      main = t('serving', { counter: counterName(st) });
    } else if (state === 'TICKET_STATE_PARKED') {
      main = t('parked');
    }
    $('main-line').textContent = main;
    $('sub-line').textContent = sub;
    $('due-line').textContent = due;
    document.title = (st.displayNumber ? st.displayNumber + ' · ' : '') + (called ? t('yourTurn', { counter: counterName(st) }) : t('ticketTitle'));
  }

  // The call: a short pulse of the box and, where the phone allows, a vibration.
  function alertCall() {
    var box = $('called');
    box.classList.remove('pulse');
    void box.offsetWidth;  // restart the animation
    box.classList.add('pulse');
    try { if (navigator.vibrate) navigator.vibrate([300, 150, 300]); } catch (e) { /* not allowed */ }
  }

  function finish(key) {
    over = true;
    clearTimeout(retryTimer);
    if (source) { source.close(); source = null; }
    $('loading').hidden = true;
    $('live').hidden = true;
    $('called').hidden = true;
    banner('');
    $('notice').textContent = t(key);
    $('notice').hidden = false;
    document.title = t(key);
  }

  // Asks once for the status (a clear answer for a dead link), then follows
  // the stream. A network failure is retried every few seconds.
  function check() {
    if (over) return;
    if (!token) return finish('invalidLink');
    Q.api('TicketStatusService/GetTicketStatus', { token: token }).then(function (r) {
      if (over) return;
      if (r.ok) {
        render((r.data && r.data.status) || {});
        banner('');
        connect();
      } else if (r.error.http === 404 || r.error.http === 400) {
        finish(last ? 'finished' : 'invalidLink');
      } else {
        banner(last ? 'reconnecting' : 'connecting');
        if (!last) $('loading').textContent = t('connecting');
        retryTimer = setTimeout(check, 3000);
      }
    });
  }

  function connect() {
    if (source) source.close();
    var es = new EventSource('/api/v1/tickets/' + encodeURIComponent(token) + '/events');
    source = es;
    es.addEventListener('status', function (e) {
      var data;
      try { data = JSON.parse(e.data); } catch (err) { return; }
      banner('');
      render((data && data.status) || data || {});
    });
    es.addEventListener('ended', function () { finish('finished'); });
    es.onopen = function () { banner(''); };
    es.onerror = function () {
      if (over || es !== source) return;
      banner('reconnecting');
      // CLOSED: the server refused the stream (e.g. 404): ask why, then retry.
      if (es.readyState === EventSource.CLOSED) {
        source = null;
        retryTimer = setTimeout(check, 2000);
      }
    };
  }

  function init() {
    I18N.apply(lang);
    window.addEventListener('pagehide', function () { if (source) source.close(); });
    check();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
