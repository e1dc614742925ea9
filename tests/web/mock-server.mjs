// A development aid only: serves server/http/web with canned answers of the
// JSON API and SSE (docs/http-api.md), so the pages can be worked on without
// the real queue-server. The tests run against the real server.
//   node tests/web/mock-server.mjs [PORT]
// Drive it with POST /mock/ticket {state, position, ...} and POST /mock/call {number, counter}.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/http/web');
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };
const TZ = 'Europe/Moscow';

const services = [
  { branchId: 'demo', prefix: 'R', nameRu: 'Замена SIM-карты', nameEn: 'SIM card replacement', nameZh: '补办SIM卡' },
  { branchId: 'demo', prefix: 'N', nameRu: 'Новое подключение', nameEn: 'New connection', nameZh: '新号码开户' },
];
const bookings = new Map();
const seats = new Map();
let ticket = { displayNumber: 'R004', servicePrefix: 'R', serviceName: 'SIM card replacement', state: 'TICKET_STATE_WAITING',
  position: 3, estimatedWait: '2700s', language: 'LANGUAGE_EN', branchDisplayName: 'Demo shop, Tverskaya 1', timeZone: TZ };
const ticketStreams = new Set();
const boardStreams = new Set();
const board = { calls: [], waitingCounts: [{ servicePrefix: 'R', waitingCount: 4 }, { servicePrefix: 'P', waitingCount: 1 }],
  dueAppointments: [], deviceFaults: [], timeZone: TZ, branchDisplayName: 'Demo shop, Tverskaya 1' };

function status(res, http, code, message, violations) {
  const body = { code, message };
  if (violations) body.details = [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations }];
  res.writeHead(http, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
function json(res, obj) { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(obj)); }

function slots(prefix) {
  const len = prefix === 'R' ? 20 : 30;
  const out = [];
  let t = Math.ceil((Date.now() + 3600e3) / (len * 60e3)) * len * 60e3;
  for (let i = 0; i < 40; i++, t += len * 60e3) {
    const key = prefix + new Date(t).toISOString().replace('.000', '');
    const left = 2 - (seats.get(key) || 0);
    out.push({ servicePrefix: prefix, startTime: new Date(t).toISOString().replace('.000', ''),
      endTime: new Date(t + len * 60e3).toISOString().replace('.000', ''), seats: 2, seatsLeft: left });
  }
  return out;
}

const api = {
  'BookingService/ListBranches': () => ({ branches: [{ branch: { branchId: 'demo', displayName: 'Demo shop, Tverskaya 1', timeZone: TZ,
    businessDay: new Date().toISOString().slice(0, 10), openNow: true }, services, horizonDays: 14, minLead: '3600s' }] }),
  'BookingService/ListSlots': (b) => ({ slots: slots(b.servicePrefix).filter((s) => !b.onlyFree || s.seatsLeft > 0), timeZone: TZ }),
  'BookingService/CreateBooking': (b, res) => {
    const v = [];
    if (!/^\+?[78]?\d{10}$/.test(String(b.phone).replace(/[\s()-]/g, ''))) v.push({ field: 'phone', description: 'not a phone number: give a Russian mobile number' });
    if (!b.name) v.push({ field: 'name', description: 'required' });
    if (v.length) return status(res, 400, 3, v.map((x) => x.field + ': ' + x.description).join('; '), v);
    const key = b.servicePrefix + b.startTime;
    if ((seats.get(key) || 0) >= 2) return status(res, 409, 9, 'the slot is full');
    seats.set(key, (seats.get(key) || 0) + 1);
    const code = 'K7M2-' + Math.random().toString(36).slice(2, 6).toUpperCase();
    const start = new Date(b.startTime);
    const bk = { code, branchId: 'demo', servicePrefix: b.servicePrefix, startTime: b.startTime,
      endTime: new Date(start.getTime() + 20 * 60e3).toISOString().replace('.000', ''), state: 'BOOKING_STATE_ACTIVE',
      nameMasked: 'A***', phoneMasked: '+7 *** ***-**-22', language: b.language, timeZone: TZ,
      checkInFrom: new Date(start.getTime() - 30 * 60e3).toISOString(), checkInUntil: new Date(start.getTime() + 15 * 60e3).toISOString() };
    bookings.set(code, { bk, phone: b.phone });
    return { booking: bk };
  },
  'BookingService/GetBooking': (b, res) => {
    const f = bookings.get(String(b.code).toUpperCase());
    if (!f || f.phone !== b.phone) return status(res, 404, 5, 'no such booking');
    return { booking: f.bk };
  },
  'BookingService/CancelBooking': (b, res) => {
    const f = bookings.get(String(b.code).toUpperCase());
    if (!f || f.phone !== b.phone) return status(res, 404, 5, 'no such booking');
    f.bk.state = 'BOOKING_STATE_CANCELLED';
    return { booking: f.bk };
  },
  'BookingService/RescheduleBooking': (b, res) => {
    const f = bookings.get(String(b.code).toUpperCase());
    if (!f || f.phone !== b.phone) return status(res, 404, 5, 'no such booking');
    f.bk.startTime = b.startTime;
    f.bk.endTime = new Date(new Date(b.startTime).getTime() + 20 * 60e3).toISOString();
    return { booking: f.bk };
  },
  'TicketStatusService/GetTicketStatus': (b, res) => (b.token === 'good' ? { status: ticket } : status(res, 404, 5, 'no such ticket')),
};

function sse(res, set, first) {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
  res.write(first);
  set.add(res);
  res.on('close', () => set.delete(res));
}

function body(req) {
  return new Promise((resolve) => { let s = ''; req.on('data', (c) => { s += c; }); req.on('end', () => resolve(s)); });
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const file = (name) => {
    const full = path.join(WEB, name);
    if (!/^[a-z0-9._-]+$/.test(name) || !fs.existsSync(full)) return status(res, 404, 5, 'not found');
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(name)] || 'application/octet-stream' });
    res.end(fs.readFileSync(full));
  };
  if (p === '/book') return file('book.html');
  if (/^\/t\/[^/]+$/.test(p)) return file('ticket.html');
  if (/^\/board\/[^/]+$/.test(p)) {
    if (url.searchParams.get('token')) {
      res.writeHead(303, { Location: p, 'Set-Cookie': 'board_token=' + url.searchParams.get('token') + '; HttpOnly; SameSite=Strict; Path=/' });
      return res.end();
    }
    return file('board.html');
  }
  if (p.startsWith('/static/')) return file(p.slice(8));
  if (p === '/qr.svg') {
    res.writeHead(200, { 'Content-Type': 'image/svg+xml' });
    return res.end('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21"><rect width="21" height="21" fill="#fff"/><rect x="1" y="1" width="7" height="7"/><rect x="13" y="1" width="7" height="7"/><rect x="1" y="13" width="7" height="7"/><rect x="10" y="10" width="3" height="3"/></svg>');
  }
  if (p === '/api/v1/tickets/good/events') return sse(res, ticketStreams, 'event: status\ndata: ' + JSON.stringify({ status: ticket }) + '\n\n');
  if (/^\/api\/v1\/tickets\/[^/]+\/events$/.test(p)) return status(res, 404, 5, 'no such ticket');
  if (/^\/api\/v1\/boards\/[^/]+\/events$/.test(p)) {
    if (!/board_token=/.test(req.headers.cookie || '')) return status(res, 401, 16, 'board token needed');
    return sse(res, boardStreams, 'event: board\ndata: ' + JSON.stringify({ ...board, snapshot: true }) + '\n\n');
  }
  if (p === '/mock/ticket') {
    const change = JSON.parse(await body(req));
    if (change.ended) {
      for (const s of ticketStreams) { s.write('event: ended\ndata: {"state":"TICKET_STATE_DONE"}\n\n'); s.end(); }
    } else {
      ticket = { ...ticket, ...change };
      for (const s of ticketStreams) s.write('event: status\ndata: ' + JSON.stringify({ status: ticket }) + '\n\n');
    }
    return json(res, {});
  }
  if (p === '/mock/board') {
    const change = JSON.parse(await body(req));
    const msg = { ...board, ...change, calls: change.calls || [] };
    Object.assign(board, change, { calls: [...board.calls, ...(change.calls || [])].slice(-10) });
    for (const s of boardStreams) s.write('event: board\ndata: ' + JSON.stringify(msg) + '\n\n');
    return json(res, {});
  }
  const m = /^\/api\/v1\/(\w+\/\w+)$/.exec(p);
  if (m && api[m[1]]) {
    if (req.method !== 'POST') return status(res, 405, 12, 'use POST');
    let b;
    try { b = JSON.parse(await body(req) || '{}'); } catch { return status(res, 400, 3, 'malformed JSON'); }
    const out = api[m[1]](b, res);
    if (out) json(res, out);
    return;
  }
  status(res, 404, 5, 'no such route');
});

server.listen(Number(process.argv[2] || 8099), '127.0.0.1', () => {
  console.log('mock server on http://127.0.0.1:' + server.address().port + '/book');
});
