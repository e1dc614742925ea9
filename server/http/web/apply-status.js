// The status of an online SIM-replacement application (/apply/status#REF):
// the state in words and each step with its time in the shop's time zone,
// the tracking number once posted, the activation (envelope code and the
// security question) when the card is on its way, the lock explained, and
// Withdraw while the card is not yet sent.
//
// The reference is the applicant's only credential: it lives in the
// address's fragment (never sent to the server, so no proxy or access log
// keeps it) and travels to the API only in request bodies.
'use strict';

(function () {
  var lang = I18N.pick();
  var t = function (key, args) { return I18N.t(lang, key, args); };
  var $ = Q.$;
  var ref = '';         // the reference shown
  var app = null;       // the last ApplicationStatus
  var note = '';        // the last activation attempt's outcome, kept across a reload
  var branches = null;  // branch id -> display name, once needed
  var seq = 0;

  function put(errId, text) {
    var node = $(errId);
    if (node.textContent.indexOf(text) >= 0) return;
    node.textContent = node.textContent ? node.textContent + ' ' + text : text;
    var input = $(errId.replace(/-err$/, ''));
    if (input && input.tagName === 'INPUT') input.setAttribute('aria-invalid', 'true');
  }

  function clearErrors(root) {
    Array.prototype.forEach.call(root.querySelectorAll('.err'), function (e) { e.textContent = ''; });
    Array.prototype.forEach.call(root.querySelectorAll('[aria-invalid]'), function (e) { e.removeAttribute('aria-invalid'); });
  }

  function generalError(error, where) {
    if (error.kind === 'network') return put(where, t('network'));
    if (error.http === 429) return put(where, t('tooMany', { n: error.retryAfter || 60 }));
    if (error.http >= 500) return put(where, t('serverError'));
    put(where, t('refused', { msg: error.message || String(error.http) }));
  }

  // ---- the reference in the address ----
  function refFromHash() {
    try { return decodeURIComponent(location.hash.replace(/^#/, '')).trim(); } catch (e) { return ''; }
  }

  function keepInAddress(r) {
    var hash = r ? '#' + encodeURIComponent(r) : '';
    if (location.hash !== hash) history.replaceState(null, '', location.pathname + location.search + hash);
    ['ru', 'en', 'zh'].forEach(function (l) { var a = $('lang-' + l); if (a) a.href = '?lang=' + l + hash; });
  }

  // ---- loading ----
  function load(focus) {
    var mine = ++seq;
    $('show-btn').disabled = true;
    return Q.api('RemoteService/GetApplicationStatus', { reference: ref }).then(function (r) {
      if (mine !== seq) return;
      $('show-btn').disabled = false;
      clearErrors($('find-form'));
      if (!r.ok) {
        if (r.error.http === 404 || (r.error.http === 400 && r.error.violations.length)) {
          app = null;
          $('app-section').hidden = true;
          $('find-section').hidden = false;
          put('ref-err', t('noApplication'));
          $('ref').focus();
          return;
        }
        if (app) { $('app-err').textContent = ''; generalError(r.error, 'app-err'); } else generalError(r.error, 'ref-err');
        return;
      }
      app = r.data.status || {};
      return render(focus);
    });
  }

  function branchName(id) {
    if (branches) return Promise.resolve(branches[id] || id);
    return Q.api('BookingService/ListBranches', {}).then(function (r) {
      branches = {};
      if (r.ok) (r.data.branches || []).forEach(function (bb) { branches[bb.branch.branchId] = bb.branch.displayName || bb.branch.branchId; });
      return branches[id] || id;
    });
  }

  // ---- what the status says ----
  function lastStep(steps, step, outcome) {
    for (var i = steps.length - 1; i >= 0; i--) {
      if (steps[i].step === step && (!outcome || steps[i].outcome === outcome)) return steps[i];
    }
    return null;
  }

  function locked(steps) {
    return !!(lastStep(steps, 'cancel', 'locked') || lastStep(steps, 'lock', 'locked'));
  }

  function stepText(s) {
    var key = 'step_' + s.step + '_' + s.outcome;
    var detail = s.detail || '';
    if ((s.step === 'review' && s.outcome === 'rejected') || (s.step === 'cancel' && s.outcome === 'cancelled')) {
      var prefix = s.step === 'review' ? 'reject_' : 'cancel_';
      var why = t(prefix + detail);
      return t(key, { n: why === prefix + detail ? detail : why });
    }
    var text = t(key, { n: detail });
    return text === key ? s.step + ': ' + s.outcome + (detail ? ' (' + detail + ')' : '') : text;
  }

  function questionText(q) {
    if (/top-up/i.test(q)) return t('q_topup');
    if (/called/i.test(q)) return t('q_call');
    return q;
  }

  function render(focus) {
    var s = app;
    var steps = s.steps || [];
    var tz = s.timeZone || '';
    var state = s.state || 'APPLICATION_STATE_UNSPECIFIED';
    var isLocked = locked(steps);
    $('find-section').hidden = true;
    $('app-section').hidden = false;
    $('state-line').textContent = t(state);
    $('state-line').className = 'state-big ' + (state === 'APPLICATION_STATE_CLOSED' ? 'good' : state === 'APPLICATION_STATE_CANCELLED' ? 'bad' : '');
    Q.clear($('app-ref'));
    ref.split('-').forEach(function (g, i, all) {
      $('app-ref').appendChild(Q.el('span', { className: 'group' }, g + (i < all.length - 1 ? '-' : '')));
    });
    $('app-phone').textContent = s.phoneMasked || '';
    $('app-applied').textContent = s.applyTime ? Q.stamp(new Date(s.applyTime), lang, tz) : '';
    var open = state !== 'APPLICATION_STATE_CLOSED' && state !== 'APPLICATION_STATE_CANCELLED';
    $('app-expires-t').hidden = $('app-expires').hidden = !(open && s.expireTime);
    $('app-expires').textContent = s.expireTime ? Q.stamp(new Date(s.expireTime), lang, tz) : '';
    var posted = lastStep(steps, 'dispatch', 'posted');
    $('app-tracking-t').hidden = $('app-tracking').hidden = !(posted && posted.detail);
    $('app-tracking').textContent = posted ? posted.detail || '' : '';

    var pickup = s.delivery === 'DELIVERY_PICKUP';
    var named = pickup ? branchName(s.pickupBranchId) : Promise.resolve('');
    $('app-delivery').textContent = pickup ? t('atShop', { n: s.pickupBranchId || '' }) : t('byPost');

    var notes = {
      APPLICATION_STATE_AWAITING_REVIEW: t('noteReview'), APPLICATION_STATE_AWAITING_DISPATCH: t('noteDispatch'),
      APPLICATION_STATE_AWAITING_ACTIVATION: t('noteActivation'), APPLICATION_STATE_CANCELLED: t('noteCancelled')
    };
    $('state-note').textContent = notes[state] || '';
    $('done-box').hidden = state !== 'APPLICATION_STATE_CLOSED';
    $('lock-box').hidden = !isLocked || state === 'APPLICATION_STATE_CLOSED';

    var activating = state === 'APPLICATION_STATE_AWAITING_ACTIVATION' && !isLocked;
    $('activate-form').hidden = !activating;
    if (activating) {
      $('question').textContent = questionText(s.question || '');
      $('activate-err').textContent = note;
    }

    var list = $('steps');
    Q.clear(list);
    steps.forEach(function (st) {
      var bad = st.outcome === 'failed' || st.outcome === 'rejected' || st.outcome === 'locked' || st.outcome === 'expired';
      list.appendChild(Q.el('li', { className: bad ? 'bad' : st.step === 'close' ? 'good' : '' }, [
        Q.el('span', { className: 'when' }, st.time ? Q.stamp(new Date(st.time), lang, tz) : ''),
        Q.el('span', { className: 'what' }, stepText(st))
      ]));
    });
    $('times-in').textContent = tz ? t('timesIn', { n: tz }) : '';
    $('withdraw-btn').hidden = !(state === 'APPLICATION_STATE_AWAITING_REVIEW' || state === 'APPLICATION_STATE_AWAITING_DISPATCH');
    $('withdraw-confirm').hidden = true;
    $('again-link').hidden = state !== 'APPLICATION_STATE_CANCELLED';
    $('app-err').textContent = '';
    $('updated').textContent = t('updatedAt', { n: Q.time(new Date(), lang, tz) });

    if (focus === 'done' && !$('done-box').hidden) $('done-title').scrollIntoView({ block: 'center' });
    else if (focus === 'state') $('state-line').scrollIntoView({ block: 'nearest' });
    return named.then(function (name) {
      if (!pickup || app !== s) return;
      $('app-delivery').textContent = t('atShop', { n: name });
      if (state === 'APPLICATION_STATE_AWAITING_PICKUP') $('state-note').textContent = t('notePickup', { n: name });
    });
  }

  // ---- actions ----
  function find(ev) {
    ev.preventDefault();
    clearErrors($('find-form'));
    var typed = $('ref').value.trim().toUpperCase();
    if (!typed) { put('ref-err', t('required')); return; }
    ref = typed;
    note = '';
    keepInAddress(ref);
    load('state');
  }

  function activate(ev) {
    ev.preventDefault();
    var form = $('activate-form');
    clearErrors(form);
    note = '';
    var code = $('code').value.trim(), answer = $('answer').value.trim();
    if (!code) put('code-err', t('required'));
    if (!answer) put('answer-err', t('required'));
    if (!code || !answer) return;
    $('activate-btn').disabled = true;
    Q.api('RemoteService/ActivateCard', { reference: ref, activationCode: code, answer: answer }).then(function (r) {
      $('activate-btn').disabled = false;
      if (r.ok) {
        var o = r.data;
        if (o.activated) return load('done');
        $('answer').value = '';
        note = o.locked ? '' : t('wrongAttempt', { n: o.attemptsLeft || 0 });
        return load().then(function () { if (!o.locked) $('code').focus(); });
      }
      var e = r.error;
      if (e.http === 404) return put('activate-err', t('noApplication'));
      if (e.http === 409) {
        if (/locked/.test(e.message)) { $('lock-box').hidden = false; return load(); }
        return load().then(function () { put('app-err', t('refused', { msg: e.message })); });
      }
      if (e.violations.length) {
        e.violations.forEach(function (v) {
          if (v.field === 'activation_code') put('code-err', t('activationCodeHint'));
          else if (v.field === 'answer') put('answer-err', /required/.test(v.description) ? t('required') : v.description);
          else put('activate-err', v.description);
        });
        return;
      }
      generalError(e, 'activate-err');
    });
  }

  function withdraw() {
    $('withdraw-yes').disabled = true;
    Q.api('RemoteService/WithdrawApplication', { reference: ref }).then(function (r) {
      $('withdraw-yes').disabled = false;
      $('withdraw-confirm').hidden = true;
      if (!r.ok) {
        if (r.error.http === 409) return load().then(function () { put('app-err', t('refused', { msg: r.error.message })); });
        return generalError(r.error, 'app-err');
      }
      app = r.data.status || {};
      render().then(function () { $('app-ok').textContent = t('withdrawn'); });
    });
  }

  function init() {
    I18N.apply(lang);
    document.title = t('statusTitle');
    var current = $('lang-' + lang);
    if (current) current.setAttribute('aria-current', 'page');
    $('find-form').addEventListener('submit', find);
    $('activate-form').addEventListener('submit', activate);
    $('refresh-btn').addEventListener('click', function () { $('app-ok').textContent = ''; load(); });
    $('withdraw-btn').addEventListener('click', function () { $('withdraw-confirm').hidden = false; $('withdraw-no').focus(); });
    $('withdraw-no').addEventListener('click', function () { $('withdraw-confirm').hidden = true; $('withdraw-btn').focus(); });
    $('withdraw-yes').addEventListener('click', withdraw);
    $('again-link').href = '/apply?lang=' + lang;
    // Back on the page (from the mail box, the envelope): the news at once.
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible' && ref && app) load();
    });
    window.addEventListener('hashchange', function () {
      var r = refFromHash();
      if (r && r !== ref) { ref = r.toUpperCase(); $('ref').value = ref; keepInAddress(ref); load('state'); }
    });
    var fromHash = refFromHash();
    if (fromHash) {
      ref = fromHash.toUpperCase();
      $('ref').value = ref;
      keepInAddress(ref);
      load();
    } else {
      $('ref').focus();
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
