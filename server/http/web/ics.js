// An .ics calendar file (RFC 5545) for a booking, offered as a download link
// made from a Blob: nothing leaves the browser.
'use strict';

var ICS = (function () {
  function stamp(date) {
    return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');  // 20261202T093000Z
  }

  function escape(text) {
    return String(text).replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
  }

  // Lines longer than 75 octets are folded (CRLF and a space), never inside
  // a UTF-8 character.
  function fold(line) {
    var enc = new TextEncoder();
    var out = [], cur = '', size = 0;
    Array.from(line).forEach(function (ch) {
      var n = enc.encode(ch).length;
      if (size + n > 74) { out.push(cur); cur = ' '; size = 1; }
      cur += ch;
      size += n;
    });
    out.push(cur);
    return out.join('\r\n');
  }

  // ev: {uid, start: Date, end: Date, summary, location, description}
  function build(ev) {
    var lines = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//shop-queue//booking//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH',
      'BEGIN:VEVENT',
      'UID:' + escape(ev.uid),
      'DTSTAMP:' + stamp(new Date()),
      'DTSTART:' + stamp(ev.start),
      'DTEND:' + stamp(ev.end),
      'SUMMARY:' + escape(ev.summary),
      'LOCATION:' + escape(ev.location)
    ];
    if (ev.description) lines.push('DESCRIPTION:' + escape(ev.description));
    lines.push('END:VEVENT', 'END:VCALENDAR');
    return lines.map(fold).join('\r\n') + '\r\n';
  }

  var lastUrl = null;
  // Points the link at a fresh .ics file.
  function attach(link, filename, ev) {
    if (lastUrl) URL.revokeObjectURL(lastUrl);
    lastUrl = URL.createObjectURL(new Blob([build(ev)], { type: 'text/calendar;charset=utf-8' }));
    link.href = lastUrl;
    link.setAttribute('download', filename);
  }

  return { build: build, attach: attach };
})();
