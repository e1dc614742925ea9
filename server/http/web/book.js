// The booking page (/book): choose a branch, a service, a day and a free slot,
// book it; find a booking by code and phone, move or cancel it. Every refusal
// is shown in words next to the field it is about.
'use strict';

(function () {
  var lang = I18N.pick();
  var t = function (key, args) { return I18N.t(lang, key, args); };
  var $ = Q.$;
  var branches = [];      // BookableBranch[] from ListBranches
  var pendingId = null;   // request_id of the submission being retried
  var mine = null;        // {code, phone, booking} found in "My booking"

  // ---- slot pickers (day + time selects) ----
  function Picker(daySel, slotSel) {
    this.daySel = daySel;
    this.slotSel = slotSel;
    this.byDay = {};
    this.tz = '';
    this.seq = 0;
    var self = this;
    daySel.addEventListener('change', function () { self.fillSlots(); });
  }

  // Loads the free slots of a service over the whole horizon; keeps the day
  // chosen before when it still has slots. Resolves to the number of slots.
  Picker.prototype.load = function (bb, prefix, tz) {
    var self = this, seq = ++this.seq;
    var keepDay = this.daySel.value;
    var exclude = this.exclude ? new Date(this.exclude).getTime() : NaN;
    this.tz = tz || (bb && bb.branch.timeZone) || '';
    var from = (bb && bb.branch.businessDay) || Q.localDate(new Date(), this.tz);
    var days = Math.min(Math.max((bb && bb.horizonDays) || 14, 1), 31);
    setOptions(this.daySel, [[ '', t('loading') ]]);
    setOptions(this.slotSel, []);
    return Q.api('BookingService/ListSlots', {
      branchId: bb.branch.branchId, servicePrefix: prefix, fromDate: from, toDate: Q.addDays(from, days), onlyFree: true
    }).then(function (r) {
      if (seq !== self.seq) return -1;
      self.byDay = {};
      var order = [];
      if (r.ok) {
        if (r.data.timeZone) self.tz = r.data.timeZone;
        (r.data.slots || []).forEach(function (s) {
          if ((s.seatsLeft || 0) <= 0 || new Date(s.startTime).getTime() === exclude) return;
          var d = Q.localDate(new Date(s.startTime), self.tz);
          if (!self.byDay[d]) { self.byDay[d] = []; order.push(d); }
          self.byDay[d].push(s);
        });
      }
      setOptions(self.daySel, order.map(function (d) {
        return [d, Q.day(new Date(self.byDay[d][0].startTime), lang, self.tz)];
      }));
      if (keepDay && self.byDay[keepDay]) self.daySel.value = keepDay;
      self.fillSlots();
      if (!r.ok) return Promise.reject(r.error);
      return order.length;
    });
  };

  Picker.prototype.fillSlots = function () {
    var self = this;
    var list = this.byDay[this.daySel.value] || [];
    setOptions(this.slotSel, list.map(function (s) {
      return [s.startTime, Q.time(new Date(s.startTime), lang, self.tz) + ' – ' + Q.time(new Date(s.endTime), lang, self.tz) +
        '  ·  ' + t('seatsLeft', { n: s.seatsLeft || 0 })];
    }));
    this.slotSel.disabled = this.daySel.disabled = list.length === 0;
  };

  function setOptions(select, pairs) {
    Q.clear(select);
    pairs.forEach(function (p) { select.appendChild(Q.el('option', { value: p[0] }, p[1])); });
  }

  // ---- refusals ----
  function clearErrors(root) {
    Array.prototype.forEach.call(root.querySelectorAll('.err'), function (e) { e.textContent = ''; });
    Array.prototype.forEach.call(root.querySelectorAll('[aria-invalid]'), function (e) { e.removeAttribute('aria-invalid'); });
  }

  function put(errId, text) {
    var node = $(errId);
    node.textContent = node.textContent ? node.textContent + ' ' + text : text;
    var input = $(errId.replace(/-err$/, ''));
    if (input && input.tagName !== 'P') input.setAttribute('aria-invalid', 'true');
  }

  // The server's words (English) in the page's language where they are known.
  function fieldText(field, description) {
    if (/is required/.test(description)) return t('required');
    if (field === 'phone' && /mobile number/.test(description)) return t('badPhone');
    if (field === 'email' && /e-mail/.test(description)) return t('badEmail');
    if (field === 'name' && /characters/.test(description)) return t('badName');
    return description.charAt(0).toUpperCase() + description.slice(1);
  }

  function conflictText(message) {
    if (/\bis full\b/.test(message)) return t('slotFull');
    if (/already has an active booking/.test(message)) return t('phoneBusy');
    return t('slotRefused', { msg: message });
  }

  // fields: proto field name -> error element id; where: {form, slot, notFound}.
  function showError(error, fields, where) {
    if (error.kind === 'network') return put(where.form, t('network'));
    if (error.http === 429) return put(where.form, t('tooMany', { n: error.retryAfter || 60 }));
    if (error.http === 404 && where.notFound) return put(where.form, t('notFound'));
    if (error.http === 409 && where.slot) return put(where.slot, conflictText(error.message));
    if (error.http >= 500) return put(where.form, t('serverError'));
    if (error.violations.length) {
      error.violations.forEach(function (v) {
        var field = v.field.split('.').pop();
        put(fields[field] || where.form, v.description ? fieldText(field, v.description) : error.message);
      });
      return;
    }
    put(where.form, t('refused', { msg: error.message || String(error.http) }));
  }

  // ---- descriptions ----
  function findBranch(id) {
    for (var i = 0; i < branches.length; i++) if (branches[i].branch.branchId === id) return branches[i];
    return null;
  }

  function serviceName(bb, prefix) {
    var list = (bb && bb.services) || [];
    for (var i = 0; i < list.length; i++) {
      if (list[i].prefix === prefix) {
        var s = list[i];
        return (lang === 'en' ? s.nameEn : lang === 'zh' ? s.nameZh : s.nameRu) || s.nameRu || prefix;
      }
    }
    return prefix;
  }

  function describeWhen(b) {
    var tz = b.timeZone || '';
    return Q.dateTime(new Date(b.startTime), lang, tz) + ' – ' + Q.time(new Date(b.endTime), lang, tz);
  }

  // ---- booking form ----
  var picker;

  function loadBranches() {
    $('load-msg').textContent = t('loading');
    return Q.api('BookingService/ListBranches', {}).then(function (r) {
      if (!r.ok) {
        $('load-msg').textContent = '';
        showError(r.error, {}, { form: 'load-msg' });
        var retry = Q.el('button', { type: 'button', className: 'link' }, t('retry'));
        retry.addEventListener('click', loadBranches);
        $('load-msg').appendChild(retry);
        return;
      }
      branches = r.data.branches || [];
      $('load-msg').textContent = branches.length ? '' : t('noBranches');
      setOptions($('branch'), branches.map(function (bb) { return [bb.branch.branchId, bb.branch.displayName || bb.branch.branchId]; }));
      onBranch();
    });
  }

  function onBranch() {
    var bb = findBranch($('branch').value);
    setOptions($('service'), ((bb && bb.services) || []).map(function (s) { return [s.prefix, serviceName(bb, s.prefix)]; }));
    onService();
  }

  function onService() {
    var bb = findBranch($('branch').value);
    if (!bb || !$('service').value) { setOptions($('day'), []); setOptions($('slot'), []); return Promise.resolve(); }
    $('slot-err').textContent = '';
    return picker.load(bb, $('service').value).then(function (n) {
      if (n === 0) put('slot-err', t('noSlots'));
    }, function (error) { showError(error, {}, { form: 'slot-err' }); });
  }

  function submitBooking(ev) {
    ev.preventDefault();
    var form = $('book-form');
    clearErrors(form);
    var missing = false;
    ['name', 'phone'].forEach(function (id) {
      if (!$(id).value.trim()) { put(id + '-err', t('required')); missing = true; }
    });
    if (!$('slot').value) { put('slot-err', t('chooseSlot')); missing = true; }
    if (missing) { form.querySelector('[aria-invalid="true"]') && form.querySelector('[aria-invalid="true"]').focus(); return; }
    if (!pendingId) pendingId = Q.uuid();
    var req = {
      branchId: $('branch').value, servicePrefix: $('service').value, startTime: $('slot').value,
      name: $('name').value.trim(), phone: $('phone').value.trim(), language: I18N.toProto(lang), requestId: pendingId
    };
    if ($('email').value.trim()) req.email = $('email').value.trim();
    var btn = $('book-btn');
    btn.disabled = true;
    form.setAttribute('aria-busy', 'true');
    Q.api('BookingService/CreateBooking', req).then(function (r) {
      btn.disabled = false;
      form.removeAttribute('aria-busy');
      if (r.ok) {
        pendingId = null;
        showConfirmation(r.data.booking || {}, req.phone);
        return;
      }
      if (r.error.http === 409) {
        // The slot went (full, or too soon): offer the free ones again.
        onService().then(function () { put('slot-err', conflictText(r.error.message)); });
        $('slot').focus();
      } else {
        showError(r.error, {
          name: 'name-err', phone: 'phone-err', email: 'email-err', start_time: 'slot-err',
          service_prefix: 'service-err', branch_id: 'branch-err'
        }, { form: 'form-err', slot: 'slot-err' });
        var bad = form.querySelector('[aria-invalid="true"]');
        if (bad) bad.focus();
      }
    });
  }

  function showConfirmation(b, phone) {
    var bb = findBranch(b.branchId);
    var tz = b.timeZone || (bb && bb.branch.timeZone) || '';
    b.timeZone = tz;
    $('conf-code').textContent = b.code;
    $('conf-qr').src = '/qr.svg?text=' + encodeURIComponent(b.code);
    $('conf-qr').alt = t('qrAlt', { n: b.code });
    $('conf-when').textContent = describeWhen(b);
    $('conf-service').textContent = serviceName(bb, b.servicePrefix);
    $('conf-where').textContent = (bb && bb.branch.displayName) || b.branchId;
    $('conf-window').textContent = b.checkInFrom && b.checkInUntil
      ? t('checkInWindow', { from: Q.time(new Date(b.checkInFrom), lang, tz), until: Q.time(new Date(b.checkInUntil), lang, tz) }) : '';
    ICS.attach($('conf-ics'), 'booking-' + b.code + '.ics', {
      uid: b.code + '@queue', start: new Date(b.startTime), end: new Date(b.endTime),
      summary: serviceName(bb, b.servicePrefix) + ' · ' + b.code,
      location: (bb && bb.branch.displayName) || b.branchId,
      description: t('yourCode') + ': ' + b.code
    });
    $('book-section').hidden = true;
    $('confirmation').hidden = false;
    $('confirmation').focus();
    $('my-code').value = b.code;
    $('my-phone').value = phone;
  }

  function bookAnother() {
    $('confirmation').hidden = true;
    $('book-section').hidden = false;
    clearErrors($('book-form'));
    onService();
    $('branch').focus();
  }

  // ---- my booking ----
  var movePicker;

  function showMine(b, note) {
    mine.booking = b;
    var bb = findBranch(b.branchId);
    if (!b.timeZone && bb) b.timeZone = bb.branch.timeZone;
    $('my-code-shown').textContent = b.code;
    $('my-state').textContent = t(b.state || 'BOOKING_STATE_ACTIVE');
    $('my-when').textContent = describeWhen(b);
    $('my-service').textContent = serviceName(bb, b.servicePrefix);
    $('my-where').textContent = (bb && bb.branch.displayName) || b.branchId;
    $('my-done').textContent = note || '';
    $('my-result').hidden = false;
    $('cancel-confirm').hidden = true;
    var active = (b.state || 'BOOKING_STATE_ACTIVE') === 'BOOKING_STATE_ACTIVE';
    $('my-actions').hidden = !active;
    if (active && bb) {
      movePicker.exclude = b.startTime;  // not the slot it already has
      movePicker.load(bb, b.servicePrefix, b.timeZone).then(function (n) {
        if (n === 0) put('my-slot-err', t('noSlots'));
      }, function (error) { showError(error, {}, { form: 'my-slot-err' }); });
    }
  }

  function findMine(ev) {
    ev.preventDefault();
    clearErrors($('my-section'));
    var code = $('my-code').value.trim(), phone = $('my-phone').value.trim();
    var missing = false;
    if (!code) { put('my-code-err', t('required')); missing = true; }
    if (!phone) { put('my-phone-err', t('required')); missing = true; }
    if (missing) return;
    $('find-btn').disabled = true;
    Q.api('BookingService/GetBooking', { code: code, phone: phone }).then(function (r) {
      $('find-btn').disabled = false;
      if (!r.ok) {
        $('my-result').hidden = true;
        showError(r.error, { code: 'my-code-err', phone: 'my-phone-err' }, { form: 'my-form-err', notFound: true });
        return;
      }
      mine = { code: code, phone: phone };
      showMine(r.data.booking || {});
      $('my-result').focus && $('my-code-shown').scrollIntoView({ block: 'nearest' });
    });
  }

  function moveMine() {
    clearErrors($('my-actions'));
    $('my-done').textContent = '';
    if (!$('my-slot').value) return put('my-slot-err', t('chooseSlot'));
    $('move-btn').disabled = true;
    Q.api('BookingService/RescheduleBooking', { code: mine.code, phone: mine.phone, startTime: $('my-slot').value }).then(function (r) {
      $('move-btn').disabled = false;
      if (r.ok) return showMine(r.data.booking || {}, t('moved'));
      showError(r.error, { start_time: 'my-slot-err', code: 'my-action-err', phone: 'my-action-err' },
        { form: 'my-action-err', slot: 'my-slot-err', notFound: true });
    });
  }

  function askCancel() {
    clearErrors($('my-actions'));
    $('cancel-q').textContent = t('confirmCancel', { n: mine.booking.code });
    $('cancel-confirm').hidden = false;
    $('cancel-no').focus();
  }

  function cancelMine() {
    $('cancel-yes').disabled = true;
    Q.api('BookingService/CancelBooking', { code: mine.code, phone: mine.phone }).then(function (r) {
      $('cancel-yes').disabled = false;
      if (r.ok) { showMine(r.data.booking || {}, t('cancelled')); $('my-done').focus(); return; }
      $('cancel-confirm').hidden = true;
      showError(r.error, {}, { form: 'my-action-err', notFound: true });
    });
  }

  function init() {
    I18N.apply(lang);
    document.title = t('bookTitle');
    var current = $('lang-' + lang);
    if (current) current.setAttribute("aria-current", "page");
    picker = new Picker($('day'), $('slot'));
    movePicker = new Picker($('my-day'), $('my-slot'));
    $('my-done').tabIndex = -1;
    $('branch').addEventListener('change', onBranch);
    $('service').addEventListener('change', onService);
    // A changed form is a new submission (a new request_id).
    $('book-form').addEventListener('input', function () { pendingId = null; });
    $('book-form').addEventListener('change', function () { pendingId = null; });
    $('book-form').addEventListener('submit', submitBooking);
    $('conf-again').addEventListener('click', bookAnother);
    $('my-form').addEventListener('submit', findMine);
    $('move-btn').addEventListener('click', moveMine);
    $('cancel-btn').addEventListener('click', askCancel);
    $('cancel-yes').addEventListener('click', cancelMine);
    $('cancel-no').addEventListener('click', function () { $('cancel-confirm').hidden = true; $('cancel-btn').focus(); });
    loadBranches();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
