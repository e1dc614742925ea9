// The JSON API's codes and bodies against a real queue-server (no browser):
// good and bad requests, oversized bodies, path traversal, unknown routes and
// methods; every refusal a google.rpc.Status in JSON and never a 5xx; then the
// booking API's per-address rate limit, with and without trusted proxies.
import assert from 'node:assert/strict';
import http from 'node:http';
import { parseArgs, run, step, startServer, call } from './lib.mjs';

const args = parseArgs();
const LIST = '/api/v1/BookingService/ListBranches';
const SLOTS = '/api/v1/BookingService/ListSlots';

// A refusal: the expected HTTP code(s), a JSON google.rpc.Status body.
function assertStatus(r, codes, what) {
  const list = Array.isArray(codes) ? codes : [codes];
  assert.ok(list.includes(r.status), `${what}: HTTP ${r.status}, expected ${list.join(' or ')}; body: ${r.text.slice(0, 300)}`);
  assert.ok(r.json && typeof r.json === 'object', `${what}: the body is JSON: ${r.text.slice(0, 300)}`);
  assert.equal(typeof r.json.code, 'number', `${what}: "code" is a number: ${r.text.slice(0, 300)}`);
  assert.ok(r.json.code > 0, `${what}: "code" is a gRPC error code`);
  assert.equal(typeof r.json.message, 'string', `${what}: "message" is a string`);
  assert.match(r.headers.get('content-type') || '', /application\/json/, `${what}: Content-Type`);
}

// A request sent exactly as written (fetch would normalise "..").
function raw(base, method, rawPath) {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: rawPath }, (resp) => {
      let text = '';
      resp.setEncoding('utf8');
      resp.on('data', (d) => { text += d; });
      resp.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: resp.statusCode, text, json, headers: new Headers(resp.headers) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function contract(server) {
  const base = server.base;
  const seen = [];
  const track = (r) => { seen.push(r.status); return r; };

  step('a good ListBranches: 200');
  const good = track(await call(base, LIST, {}));
  assert.equal(good.status, 200, good.text);
  assert.ok(Array.isArray(good.json.branches) && good.json.branches.length > 0, 'branches listed');
  const bb = good.json.branches[0];
  assert.equal(bb.branch.branchId, 'demo');
  assert.ok(bb.services.every((s) => typeof s.prefix === 'string' && s.nameEn), 'services with names (lowerCamelCase)');
  assert.equal(typeof bb.horizonDays, 'number');

  step('malformed JSON, wrong type, unknown field: 400');
  assertStatus(track(await call(base, LIST, undefined, { raw: '{"branches": ' })), 400, 'malformed JSON');
  assertStatus(track(await call(base, LIST, undefined, { raw: 'not json at all' })), 400, 'not JSON');
  assertStatus(track(await call(base, SLOTS, { branchId: 5, servicePrefix: 'R' })), 400, 'wrong type');
  assertStatus(track(await call(base, LIST, { noSuchField: 1 })), 400, 'unknown field');

  step('an invalid argument names its field');
  const bad = track(await call(base, '/api/v1/BookingService/CreateBooking', {
    branchId: 'demo', servicePrefix: 'R', startTime: '2020-01-01T10:00:00Z', name: 'X', phone: '12', requestId: 'api-1',
  }));
  assertStatus(bad, [400, 409], 'CreateBooking with a bad phone');
  if (bad.status === 400) {
    const fields = (bad.json.details || []).flatMap((d) => d.fieldViolations || []).map((v) => v.field);
    assert.ok(fields.includes('phone'), 'a fieldViolation for phone: ' + bad.text);
  }

  step('a 1 MB body: 413');
  const huge = '{"branchId":"' + 'x'.repeat(1024 * 1024) + '"}';
  let big;
  try {
    big = track(await call(base, SLOTS, undefined, { raw: huge }));
  } catch (e) {
    throw new Error('a 1 MB body: the server closed the connection without an answer (' + e.message + ')');
  }
  assertStatus(big, 413, 'a 1 MB body');

  step('path traversal under /static/: 400 or 404, never a file');
  for (const p of ['/static/../../etc/passwd', '/static/%2e%2e/%2e%2e/etc/passwd', '/static/..%2f..%2fetc%2fpasswd',
    '/static/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', '/static/....//....//etc/passwd', '/static/app.css/../../../etc/passwd',
    '/static/%00app.css', '/static/']) {
    const r = track(await raw(base, 'GET', p));
    assert.ok([400, 404].includes(r.status), `${p}: HTTP ${r.status}`);
    assert.ok(!/root:.*:0:0:/.test(r.text), `${p}: served /etc/passwd!`);
    assertStatus(r, [400, 404], p);
  }

  step('unknown route 404, wrong method 405, both JSON');
  assertStatus(track(await call(base, '/api/v1/BookingService/NoSuchMethod', {})), 404, 'unknown method');
  assertStatus(track(await call(base, '/api/v1/NoSuchService/ListBranches', {})), 404, 'unknown service');
  assertStatus(track(await raw(base, 'GET', '/no/such/page')), 404, 'unknown page');
  assertStatus(track(await raw(base, 'GET', LIST)), 405, 'GET on a POST route');
  assertStatus(track(await raw(base, 'DELETE', LIST)), 405, 'DELETE on a POST route');

  step('a ticket token that does not exist: 404');
  assertStatus(track(await call(base, '/api/v1/TicketStatusService/GetTicketStatus', { token: 'nope' })), [400, 404], 'unknown token');
  assertStatus(track(await raw(base, 'GET', '/api/v1/tickets/nope/events')), [400, 404], 'events of a malformed token');
  const unknown = 'AAAAAAAAAAAAAAAAAAAAAA';  // the shape of a real token (22 base64url characters)
  assertStatus(track(await call(base, '/api/v1/TicketStatusService/GetTicketStatus', { token: unknown })), 404, 'an unknown well-formed token');
  assertStatus(track(await raw(base, 'GET', `/api/v1/tickets/${unknown}/events`)), 404, 'events of an unknown well-formed token');
  assertStatus(track(await raw(base, 'GET', '/api/v1/boards/demo/events')), [401, 403], 'board events without a token');
  assertStatus(track(await raw(base, 'GET', '/api/v1/boards/demo/events?token=wrong')), [401, 403], 'board events with a wrong token');

  step('pages and their headers');
  for (const p of ['/book', '/t/sometoken', '/board/demo']) {
    const r = track(await raw(base, 'GET', p));
    assert.equal(r.status, 200, `${p}: HTTP ${r.status}`);
    const csp = r.headers.get('content-security-policy') || '';
    assert.match(csp, /default-src 'none'/, `${p}: CSP header: ${csp}`);
    assert.match(csp, /script-src 'self'/, `${p}: CSP header: ${csp}`);
    assert.match(r.headers.get('content-type') || '', /text\/html/);
  }
  for (const f of ['app.css', 'book.js', 'ticket.js', 'board.js', 'i18n.js']) {
    const r = track(await raw(base, 'GET', '/static/' + f));
    assert.equal(r.status, 200, `/static/${f}: HTTP ${r.status}`);
  }
  const qr = track(await raw(base, 'GET', '/qr.svg?text=K7M2-QX9D'));
  assert.equal(qr.status, 200);
  assert.match(qr.headers.get('content-type') || '', /image\/svg\+xml/);
  const home = await raw(base, 'GET', '/');
  assert.equal(home.status, 303);
  assert.match(home.headers.get('location') || '', /\/book$/);

  const fivexx = seen.filter((s) => s >= 500);
  assert.deepEqual(fivexx, [], 'never a 5xx');

  step('after all that, a good request still works');
  const again = await call(base, LIST, {});
  assert.equal(again.status, 200, again.text);
}

// Calls until refused; returns how many went through (at most limit + 2).
async function budget(base, headers, limit) {
  for (let i = 0; i < limit + 2; i++) {
    const r = await call(base, LIST, {}, { headers });
    if (r.status === 429) {
      assertStatus(r, 429, 'rate limited');
      assert.equal(r.json.code, 8, 'RESOURCE_EXHAUSTED');
      assert.ok(Number(r.headers.get('retry-after')) > 0, 'Retry-After: ' + r.headers.get('retry-after'));
      return i;
    }
    assert.equal(r.status, 200, r.text);
  }
  return limit + 2;
}

run('web_api', async () => {
  const server = await startServer(args);
  await contract(server);
  await server.stop();

  const limit = { per_address_per_minute: 1, burst: 3 };
  step('rate limit behind a trusted proxy: X-Forwarded-For decides the client');
  const proxied = await startServer(args, { configOptions: { bookingApi: limit, http: 'trusted_proxies = ["127.0.0.1"]' } });
  assert.equal(await budget(proxied.base, { 'X-Forwarded-For': '203.0.113.7' }, 3), 3, 'client A: 3 calls, then 429');
  assert.equal(await budget(proxied.base, { 'X-Forwarded-For': '203.0.113.8' }, 3), 3, 'client B has its own budget');
  assert.equal(await budget(proxied.base, { 'X-Forwarded-For': '198.51.100.1, 203.0.113.7' }, 3), 0,
    'the address the trusted proxy saw (the last) decides: client A again');
  await proxied.stop();

  step('rate limit without trusted proxies: a spoofed X-Forwarded-For is ignored');
  const direct = await startServer(args, { configOptions: { bookingApi: limit } });
  assert.equal(await budget(direct.base, { 'X-Forwarded-For': '203.0.113.7' }, 3), 3, 'first budget');
  assert.equal(await budget(direct.base, { 'X-Forwarded-For': '203.0.113.8' }, 3), 0, 'the same client, whatever it claims');
  assert.equal(await budget(direct.base, {}, 3), 0, 'and without the header');
  await direct.stop();
});
