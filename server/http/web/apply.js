// The online application for a new SIM card (/apply): the number, the
// operator, the reason, the person and the document, two photos (the
// document's page and a selfie holding it), where the card goes, consent.
// Every refusal is shown in words next to the field it is about; on success
// the reference is shown once, large, with a link to the status page.
'use strict';

(function () {
  var lang = I18N.pick();
  var t = function (key, args) { return I18N.t(lang, key, args); };
  var $ = Q.$;
  var MAX_PHOTO = 5 * 1024 * 1024;  // as the server's check (5 MiB)
  // One id per filled form, sent again on a retry: the server then answers
  // with the same reference, so an answer lost on the way loses nothing.
  var requestId = null;
  var photos = { 'doc-photo': null, 'selfie-photo': null };  // {file, url}
  var sending = false;

  // The request's fields (as the server names them) -> their error lines.
  var FIELDS = {
    phone: 'phone-err', operator_id: 'operator-err', reason: 'reason-err', full_name: 'full-name-err',
    document_type: 'doc-type-err', document_number: 'doc-number-err', document_photo: 'doc-photo-err',
    selfie_photo: 'selfie-photo-err', delivery: 'delivery-err', pickup_branch_id: 'pickup-branch-err',
    consent: 'consent-err'
  };

  function newRequestId() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return 'apply-' + Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
  }

  function setOptions(select, pairs) {
    Q.clear(select);
    pairs.forEach(function (p) { select.appendChild(Q.el('option', { value: p[0] }, p[1])); });
  }

  // ---- refusals ----
  function clearErrors() {
    Array.prototype.forEach.call($('apply-form').querySelectorAll('.err'), function (e) { e.textContent = ''; });
    Array.prototype.forEach.call($('apply-form').querySelectorAll('[aria-invalid]'), function (e) { e.removeAttribute('aria-invalid'); });
  }

  function put(errId, text) {
    var node = $(errId);
    if (node.textContent.indexOf(text) >= 0) return;
    node.textContent = node.textContent ? node.textContent + ' ' + text : text;
    var input = $(errId.replace(/-err$/, ''));
    if (input && input.tagName !== 'P') input.setAttribute('aria-invalid', 'true');
  }

  // The server's words (English) in the page's language where they are known.
  function fieldText(field, d) {
    if (/^is required/.test(d) || d === 'empty') return /photo$/.test(field) ? t('photoRequired') : t('required');
    if (field === 'phone' && /mobile number/.test(d)) return t('badPhone');
    if (field === 'phone' && /not a number of this operator/.test(d)) return t('notOperatorNumber');
    if (/photo$/.test(field)) {
      if (/larger than 5 MiB/.test(d)) return t('photoOverLimit');
      if (/not a JPEG or PNG/.test(d)) return t('photoNotImage');
      if (/damaged|unsupported/.test(d)) return t('photoDamaged');
      if (/too small/.test(d)) return t('photoSmall');
      if (/too large/.test(d)) return t('photoLarge');
    }
    if (field === 'document_number' && /does not fit/.test(d)) return t('badDocNumber');
    if (field === 'full_name' && /letters/.test(d)) return t('badFullName');
    if (field === 'consent') return t('consentRequired');
    d = d.replace(new RegExp('^' + field + ':\\s*'), '');
    return d.charAt(0).toUpperCase() + d.slice(1);
  }

  // FAILED_PRECONDITION: the number cannot be applied for, in words. The
  // server gives one answer for every reason (the holder's own lock, a lock
  // after failed checks, an application or case already open), so nobody
  // learns a holder's locks by applying.
  function numberText(message) {
    if (/cannot be replaced online/.test(message)) return t('numberRefused');
    return t('refused', { msg: message });
  }

  function showError(error) {
    if (error.kind === 'network') return put('form-err', t('network'));
    if (error.http === 429) return put('form-err', t('tooMany', { n: error.retryAfter || 60 }));
    if (error.http === 413) return put('form-err', t('bodyTooLarge'));
    if (error.http === 409) return put('phone-err', numberText(error.message));
    if (error.http >= 500) return put('form-err', t('serverError'));
    if (error.violations.length) {
      error.violations.forEach(function (v) {
        var field = v.field.split('.').pop();
        put(FIELDS[field] || 'form-err', v.description ? fieldText(field, v.description) : error.message);
      });
      return;
    }
    put('form-err', t('refused', { msg: error.message || String(error.http) }));
  }

  function focusFirstBad() {
    var bad = $('apply-form').querySelector('[aria-invalid="true"]');
    if (!bad) return;
    if (bad.tagName === 'FIELDSET') bad = bad.querySelector('input');
    bad.focus();
  }

  // ---- photos ----
  function humanSize(bytes) {
    var nf = function (v) { return new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : lang === 'en' ? 'en-GB' : 'ru-RU', { maximumFractionDigits: 1 }).format(v); };
    if (bytes >= 1024 * 1024) return t('sizeMb', { n: nf(bytes / (1024 * 1024)) });
    return t('sizeKb', { n: nf(Math.max(1, Math.round(bytes / 1024))) });
  }

  // The photo chosen in input `id` (or null), previewed with its size; a file
  // over 5 MB is refused here already.
  function onPhoto(id) {
    var input = $(id);
    var file = input.files && input.files[0];
    var old = photos[id];
    if (old && old.url) URL.revokeObjectURL(old.url);
    $(id + '-err').textContent = '';
    input.removeAttribute('aria-invalid');
    if (!file) {
      photos[id] = null;
      $(id + '-preview').hidden = true;
      return;
    }
    var url = URL.createObjectURL(file);
    photos[id] = { file: file, url: url };
    var img = $(id + '-img');
    img.alt = t('photoAlt');
    img.hidden = false;
    var about = file.name + ' · ' + t('fileSize', { n: humanSize(file.size) });
    img.onerror = function () { img.hidden = true; $(id + '-size').textContent = about + ' · ' + t('noPreview'); };
    img.src = url;
    $(id + '-size').textContent = about;
    $(id + '-preview').hidden = false;
    checkPhoto(id);
  }

  function checkPhoto(id) {
    var p = photos[id];
    if (!p) { put(id + '-err', t('photoRequired')); return false; }
    if (p.file.size > MAX_PHOTO) { put(id + '-err', t('photoTooBig', { n: humanSize(p.file.size) })); return false; }
    if (p.file.type && !/^image\/(jpeg|png)$/.test(p.file.type)) { put(id + '-err', t('photoNotImage')); return false; }
    return true;
  }

  // The file's bytes as base64 (protobuf JSON's form of `bytes`).
  function base64Of(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var s = String(reader.result);
        resolve(s.slice(s.indexOf(',') + 1));
      };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(file);
    });
  }

  // ---- the form ----
  function loadChoices() {
    $('load-msg').textContent = t('loading');
    Promise.all([Q.api('RemoteService/ListOperators', {}), Q.api('BookingService/ListBranches', {})]).then(function (rs) {
      $('load-msg').textContent = '';
      var failed = rs[0].ok ? (rs[1].ok ? null : rs[1]) : rs[0];
      if (failed) {
        var node = $('load-msg');
        node.textContent = failed.error.kind === 'network' ? t('network')
          : failed.error.http === 429 ? t('tooMany', { n: failed.error.retryAfter || 60 }) : t('serverError');
        var retry = Q.el('button', { type: 'button', className: 'link' }, t('retry'));
        retry.addEventListener('click', loadChoices);
        node.appendChild(retry);
      }
      if (rs[0].ok) {
        var ops = rs[0].data.operatorIds || [];
        setOptions($('operator'), [['', t('chooseOne')]].concat(ops.map(function (id) {
          var name = t('op_' + id);
          return [id, name === 'op_' + id ? id : name];
        })));
      }
      if (rs[1].ok) {
        setOptions($('pickup-branch'), [['', t('chooseOne')]].concat((rs[1].data.branches || []).map(function (bb) {
          return [bb.branch.branchId, bb.branch.displayName || bb.branch.branchId];
        })));
      }
    });
  }

  function onDelivery() {
    var pickup = $('delivery-pickup').checked;
    $('pickup-box').hidden = !pickup;
    if (!pickup) { $('pickup-branch-err').textContent = ''; $('pickup-branch').removeAttribute('aria-invalid'); }
  }

  function request(documentPhoto, selfiePhoto) {
    var pickup = $('delivery-pickup').checked;
    var req = {
      phone: $('phone').value.trim(), operatorId: $('operator').value, reason: $('reason').value,
      fullName: $('full-name').value.trim(), documentType: $('doc-type').value, documentNumber: $('doc-number').value.trim(),
      documentPhoto: documentPhoto, selfiePhoto: selfiePhoto,
      delivery: pickup ? 'DELIVERY_PICKUP' : 'DELIVERY_POST', language: I18N.toProto(lang),
      consent: $('consent').checked, requestId: requestId
    };
    if (pickup) req.pickupBranchId = $('pickup-branch').value;
    return req;
  }

  function submit(ev) {
    ev.preventDefault();
    if (sending) return;
    clearErrors();
    // What the page can tell by itself; the server checks everything again.
    var ok = true;
    [['phone', 'phone-err'], ['operator', 'operator-err'], ['reason', 'reason-err'], ['full-name', 'full-name-err'],
      ['doc-type', 'doc-type-err'], ['doc-number', 'doc-number-err']].forEach(function (f) {
      if (!$(f[0]).value.trim()) { put(f[1], t('required')); ok = false; }
    });
    if (!checkPhoto('doc-photo')) ok = false;
    if (!checkPhoto('selfie-photo')) ok = false;
    if ($('delivery-pickup').checked && !$('pickup-branch').value) { put('pickup-branch-err', t('required')); ok = false; }
    if (!$('consent').checked) { put('consent-err', t('consentRequired')); ok = false; }
    if (!ok) return focusFirstBad();
    if (!requestId) requestId = newRequestId();
    setSending(true, 0);
    Promise.all([base64Of(photos['doc-photo'].file), base64Of(photos['selfie-photo'].file)]).then(function (b64) {
      return Q.upload('RemoteService/ApplyForReplacement', request(b64[0], b64[1]), function (f) { setSending(true, f); });
    }, function () {
      return { ok: false, error: { kind: 'http', http: 0, message: t('photoDamaged'), violations: [] } };
    }).then(function (r) {
      setSending(false);
      if (r.ok) return showDone(r.data);
      showError(r.error);
      focusFirstBad();
    });
  }

  function setSending(on, fraction) {
    sending = on;
    $('apply-btn').disabled = on;
    if (on) $('apply-form').setAttribute('aria-busy', 'true');
    else $('apply-form').removeAttribute('aria-busy');
    $('progress').textContent = on ? t('sending', { n: Math.round((fraction || 0) * 100) }) : '';
  }

  function showDone(data) {
    var ref = String(data.reference || '');
    requestId = null;  // the next form is a new application
    Object.keys(photos).forEach(function (id) { if (photos[id] && photos[id].url) URL.revokeObjectURL(photos[id].url); });
    var shown = $('done-ref');
    Q.clear(shown);
    // Groups of four that wrap as wholes on a narrow screen.
    ref.split('-').forEach(function (g, i, all) {
      shown.appendChild(Q.el('span', { className: 'group' }, g + (i < all.length - 1 ? '-' : '')));
    });
    $('done-link').href = '/apply/status?lang=' + lang + '#' + encodeURIComponent(ref);
    $('apply-section').hidden = true;
    $('done').hidden = false;
    $('done').focus();
    window.scrollTo(0, 0);
  }

  function init() {
    I18N.apply(lang);
    document.title = t('applyTitle');
    var current = $('lang-' + lang);
    if (current) current.setAttribute('aria-current', 'page');
    setOptions($('operator'), [['', t('loading')]]);
    setOptions($('reason'), [['', t('chooseOne')]].concat(['REPLACEMENT_REASON_LOST', 'REPLACEMENT_REASON_STOLEN',
      'REPLACEMENT_REASON_DAMAGED', 'REPLACEMENT_REASON_FORMAT_CHANGE'].map(function (r) { return [r, t(r)]; })));
    setOptions($('doc-type'), ['DOCUMENT_TYPE_RU_PASSPORT', 'DOCUMENT_TYPE_FOREIGN_PASSPORT', 'DOCUMENT_TYPE_RESIDENCE_PERMIT']
      .map(function (d) { return [d, t(d)]; }));
    ['doc-photo', 'selfie-photo'].forEach(function (id) { $(id).addEventListener('change', function () { onPhoto(id); }); });
    $('delivery-post').addEventListener('change', onDelivery);
    $('delivery-pickup').addEventListener('change', onDelivery);
    $('apply-form').addEventListener('submit', submit);
    onDelivery();
    loadChoices();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
