// Helpers shared by the pages: the JSON API, building elements (text only,
// never HTML), and times in a branch's time zone.
'use strict';

var Q = (function () {
  // Calls POST /api/v1/SERVICE/METHOD. Resolves (never rejects) to
  // {ok: true, data} or {ok: false, error} where error is
  // {kind: 'network'|'http', http, code, message, violations: [{field, description}], retryAfter}.
  function api(method, body) {
    return fetch('/api/v1/' + method, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify(body || {}),
      credentials: 'same-origin',
      cache: 'no-store'
    }).then(function (resp) {
      return resp.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : {}; } catch (e) { data = null; }
        if (resp.ok && data) return { ok: true, data: data };
        return { ok: false, error: toError(resp, data) };
      });
    }, function () {
      return { ok: false, error: { kind: 'network', violations: [] } };
    });
  }

  // As api(), over XMLHttpRequest so that a large body's upload can be
  // followed: onProgress(fraction 0..1) while it is sent.
  function upload(method, body, onProgress) {
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/v1/' + method);
      xhr.setRequestHeader('Content-Type', 'application/json');
      xhr.setRequestHeader('Accept', 'application/json');
      if (onProgress && xhr.upload) {
        xhr.upload.onprogress = function (e) { if (e.lengthComputable && e.total) onProgress(e.loaded / e.total); };
      }
      xhr.onload = function () {
        var data = null;
        try { data = xhr.responseText ? JSON.parse(xhr.responseText) : {}; } catch (e) { data = null; }
        if (xhr.status >= 200 && xhr.status < 300 && data) return resolve({ ok: true, data: data });
        var resp = { status: xhr.status, headers: { get: function (n) { return xhr.getResponseHeader(n); } } };
        resolve({ ok: false, error: toError(resp, data) });
      };
      xhr.onerror = xhr.ontimeout = xhr.onabort = function () {
        resolve({ ok: false, error: { kind: 'network', violations: [] } });
      };
      xhr.send(JSON.stringify(body || {}));
    });
  }

  function toError(resp, data) {
    var error = { kind: 'http', http: resp.status, code: 0, message: '', violations: [], retryAfter: 0 };
    if (data && typeof data === 'object') {
      error.code = Number(data.code) || 0;
      error.message = typeof data.message === 'string' ? data.message : '';
      (Array.isArray(data.details) ? data.details : []).forEach(function (d) {
        (d && Array.isArray(d.fieldViolations) ? d.fieldViolations : []).forEach(function (v) {
          error.violations.push({ field: String(v.field || ''), description: String(v.description || '') });
        });
      });
    }
    var after = parseInt(resp.headers.get('Retry-After') || '', 10);
    if (!after) {
      var m = /(\d+)\s*s/.exec(error.message);
      after = m ? parseInt(m[1], 10) : 0;
    }
    error.retryAfter = after > 0 ? after : 0;
    return error;
  }

  // el('p', {className: 'x', id: 'y'}, 'text' | [children])
  function el(tag, props, content) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        if (k === 'className' || k === 'id' || k === 'hidden' || k === 'value' || k === 'type' || k === 'disabled') {
          node[k] = props[k];
        } else {
          node.setAttribute(k, props[k]);
        }
      });
    }
    if (Array.isArray(content)) content.forEach(function (c) { if (c) node.appendChild(c); });
    else if (content !== undefined && content !== null) node.textContent = String(content);
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function $(id) { return document.getElementById(id); }

  function locale(lang) { return lang === 'zh' ? 'zh-CN' : lang === 'en' ? 'en-GB' : 'ru-RU'; }

  function fmt(date, lang, tz, opts) {
    var o = Object.assign({}, opts);
    if (tz) o.timeZone = tz;
    try { return new Intl.DateTimeFormat(locale(lang), o).format(date); } catch (e) {
      delete o.timeZone;  // an unknown zone: the device's own
      return new Intl.DateTimeFormat(locale(lang), o).format(date);
    }
  }

  function time(date, lang, tz) { return fmt(date, lang, tz, { hour: '2-digit', minute: '2-digit' }); }
  function day(date, lang, tz) { return fmt(date, lang, tz, { weekday: 'short', day: 'numeric', month: 'long' }); }
  // "3 Dec, 14:05" (the year only when it is not this one).
  function stamp(date, lang, tz) {
    var o = { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };
    if (date.getFullYear() !== new Date().getFullYear()) o.year = 'numeric';
    return fmt(date, lang, tz, o);
  }
  function dateTime(date, lang, tz) {
    return fmt(date, lang, tz, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  }

  // The local date "YYYY-MM-DD" of an instant in a zone.
  function localDate(date, tz) {
    var parts = {};
    var o = { year: 'numeric', month: '2-digit', day: '2-digit' };
    if (tz) o.timeZone = tz;
    new Intl.DateTimeFormat('en-CA', o).formatToParts(date).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + '-' + parts.month + '-' + parts.day;
  }

  function addDays(ymd, n) {
    var d = new Date(ymd + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  // "300s" -> 300
  function seconds(duration) { return duration ? parseFloat(String(duration)) || 0 : 0; }

  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  // The path's segment after the first: /t/TOKEN -> TOKEN.
  function pathPart(index) {
    var parts = location.pathname.split('/');
    try { return decodeURIComponent(parts[index] || ''); } catch (e) { return ''; }
  }

  return {
    api: api, upload: upload, el: el, clear: clear, $: $, time: time, day: day, dateTime: dateTime, stamp: stamp,
    localDate: localDate, addDays: addDays, seconds: seconds, uuid: uuid, pathPart: pathPart
  };
})();
