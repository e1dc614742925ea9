// Shared helpers of the web tests: the command line, a real queue-server of
// the test's own (temporary directory and database, free ports), devices and
// staff made with the real admin commands, the kiosk and counter programs,
// JSON calls, the browser and screenshots.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '../..');
export const SKIP = 77;

// --server BIN --kiosk BIN --counter BIN --screenshots DIR
export function parseArgs(argv = process.argv.slice(2)) {
  const args = {
    server: path.join(ROOT, 'build/server/queue-server'),
    kiosk: path.join(ROOT, 'build/kiosk/kiosk'),
    counter: path.join(ROOT, 'build/counter/counter'),
    screenshots: path.join(ROOT, 'build/screenshots'),
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in args) || argv[i + 1] === undefined) throw new Error('usage: --server BIN --kiosk BIN --counter BIN --screenshots DIR');
    args[key] = argv[i + 1];
  }
  return args;
}

const cleanups = [];
export function onCleanup(fn) { cleanups.push(fn); }
async function cleanupAll() {
  while (cleanups.length) {
    try { await cleanups.pop()(); } catch (e) { console.error('cleanup:', e.message); }
  }
}

// Runs the test body; exit 0 on success, 1 with the reason on failure, and
// always stops the servers and the browser. A hard timeout guards the whole.
export function run(name, body, { timeoutMs = 120000 } = {}) {
  const timer = setTimeout(async () => {
    console.error(`FAIL ${name}: timed out after ${timeoutMs} ms`);
    await cleanupAll();
    process.exit(1);
  }, timeoutMs);
  const stop = async (sig) => { await cleanupAll(); process.exit(sig === 'SIGINT' ? 130 : 143); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  (async () => {
    try {
      await body();
      clearTimeout(timer);
      await cleanupAll();
      console.log(`PASS ${name}`);
      process.exit(0);
    } catch (e) {
      clearTimeout(timer);
      console.error(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
      await cleanupAll();
      process.exit(1);
    }
  })();
}

export function step(text) { console.log(`[${new Date().toISOString().slice(11, 23)}] ${text}`); }

// playwright-core from tests/web/node_modules (scripts/install-playwright.sh):
// exit 77 (skipped) when it is not installed. Call it before starting servers.
export function requirePlaywright() {
  if (!fs.existsSync(path.join(HERE, 'node_modules/playwright-core/index.mjs'))) {
    console.log('SKIP: playwright-core is not installed (run scripts/install-playwright.sh)');
    process.exit(SKIP);
  }
}

export async function loadPlaywright() {
  requirePlaywright();  // tests call it first, before starting anything
  return import(path.join(HERE, 'node_modules/playwright-core/index.mjs'));
}

export async function launchBrowser() {
  const { chromium } = await loadPlaywright();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  onCleanup(() => browser.close());
  return browser;
}

// A page that fails the test on a script error or a CSP violation.
export async function newPage(browser, viewport, { locale = 'en-US' } = {}) {
  const context = await browser.newContext({ viewport, locale, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push('page error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text())) page.problems.push('console: ' + m.text());
  });
  return page;
}

export function assertNoProblems(page) {
  if (page.problems.length) throw new Error('the page reported:\n  ' + page.problems.join('\n  '));
}

export async function screenshot(page, dir, name) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  await page.screenshot({ path: file, fullPage: true });
  step(`screenshot ${file}`);
  return file;
}

// The demo configuration with overrides: bookingApi {per_address_per_minute,
// burst}; http: extra lines of an [http] table (e.g. trusted_proxies).
export function writeConfig(dir, { bookingApi, http } = {}) {
  let text = fs.readFileSync(path.join(ROOT, 'server/config/demo.toml'), 'utf8');
  const api = bookingApi || { per_address_per_minute: 6000, burst: 1000 };
  text = text.replace(/\[booking_api\][\s\S]*$/, `[booking_api]\nper_address_per_minute = ${api.per_address_per_minute}\nburst = ${api.burst}\n`);
  if (http) text += `\n[http]\n${http}\n`;
  const file = path.join(dir, 'config.toml');
  fs.writeFileSync(file, text);
  return file;
}

async function waitForFile(file, proc, logFile, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`queue-server stopped (${proc.exitCode ?? proc.signalCode}) before listening:\n${tail(logFile)}`);
    }
    try {
      const text = fs.readFileSync(file, 'utf8').trim();
      if (/^\d+$/.test(text)) return Number(text);
    } catch { /* not yet */ }
    await sleep(50);
  }
  throw new Error(`queue-server did not write ${path.basename(file)} within ${ms} ms:\n${tail(logFile)}`);
}

function tail(file) {
  try { return fs.readFileSync(file, 'utf8').split('\n').slice(-30).join('\n'); } catch { return '(no log)'; }
}

export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

// Starts queue-server with its own database and ports; stops it at the end.
export async function startServer(args, { config, configOptions } = {}) {
  // Development only: WEB_TEST_BASE=http://127.0.0.1:8099 points the page
  // tests at tests/web/mock-server.mjs instead of a real server.
  if (process.env.WEB_TEST_BASE) return { base: process.env.WEB_TEST_BASE, args, dir: os.tmpdir() };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'web-test-'));
  const db = path.join(dir, 'queue.db');
  const cfg = config || writeConfig(dir, configOptions);
  const portFile = path.join(dir, 'grpc-port');
  const httpPortFile = path.join(dir, 'http-port');
  const logFile = path.join(dir, 'server.log');
  const log = fs.openSync(logFile, 'a');
  const proc = spawn(args.server, ['--db', db, '--config', cfg, '--listen', '127.0.0.1:0', '--port-file', portFile,
    '--http', '127.0.0.1:0', '--http-port-file', httpPortFile, '--log-level', 'warn'], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const server = { dir, db, config: cfg, proc, logFile };
  server.stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const exited = await Promise.race([new Promise((r) => proc.once('exit', () => r(true))), sleep(5000).then(() => false)]);
      if (!exited) proc.kill('SIGKILL');
    }
    if (!process.env.KEEP_TEST_DIRS) fs.rmSync(dir, { recursive: true, force: true });
  };
  onCleanup(server.stop);
  const grpcPort = await waitForFile(portFile, proc, logFile, 20000);
  const httpPort = await waitForFile(httpPortFile, proc, logFile, 20000);
  server.grpc = `127.0.0.1:${grpcPort}`;
  server.base = `http://127.0.0.1:${httpPort}`;
  server.args = args;
  step(`queue-server pid ${proc.pid}: gRPC ${server.grpc}, HTTP ${server.base}`);
  return server;
}

// Runs a program; resolves to {code, stdout, stderr}; throws on a non-zero
// exit unless allowFail.
export function runProgram(bin, argv, { input, env, allowFail = false, timeoutMs = 20000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, argv, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code, stdout, stderr };
      if ((code !== 0 || signal) && !allowFail) {
        reject(new Error(`${path.basename(bin)} ${argv.join(' ')} failed (${code ?? signal}):\n${stdout}\n${stderr}`));
      } else resolve(result);
    });
    child.stdin.end(input || '');
  });
}

// queue-server device-issue: a kiosk or board token.
export function deviceIssue(server, kind, name) {
  const r = spawnSync(server.args.server, ['device-issue', '--db', server.db, '--config', server.config, '--kind', kind,
    '--name', name, '--branch', 'demo'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`device-issue ${kind} ${name} failed: ${r.stderr}`);
  const token = r.stdout.trim().split('\n').pop().trim();
  if (!token) throw new Error('device-issue printed no token');
  return token;
}

// queue-server staff-add with the password on stdin.
export function staffAdd(server, login, role, password) {
  const r = spawnSync(server.args.server, ['staff-add', '--db', server.db, '--config', server.config, '--login', login,
    '--name', 'Test ' + login, '--role', role], { input: password + '\n', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`staff-add ${login} failed: ${r.stderr}`);
}

// queue-server register-load: the operator register and blank-card stock
// (server/config/demo_register.json unless told otherwise).
export function registerLoad(server, file = path.join(ROOT, 'server/config/demo_register.json')) {
  const r = spawnSync(server.args.server, ['register-load', file, '--db', server.db, '--config', server.config], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`register-load failed: ${r.stderr}`);
}

// The kiosk program with a kiosk token: kiosk(server, token, 'take', 'C').
export function kiosk(server, token, ...argv) {
  return runProgram(server.args.kiosk, ['--server', server.grpc, '--branch', 'demo', '--token', token, ...argv]);
}

// A clerk's counter program session (its own session file).
export async function clerk(server, login, password) {
  const env = { SHOP_QUEUE_TOKEN_FILE: path.join(server.dir, 'session-' + login), HOME: server.dir };
  const base = ['--server', server.grpc, '--branch', 'demo'];
  await runProgram(server.args.counter, [...base, 'login', '--user', login], { input: password + '\n', env });
  return (...argv) => runProgram(server.args.counter, [...base, ...argv], { env });
}

// The live page path /t/TOKEN in a kiosk slip.
export function statusPath(slip) {
  const m = /\/t\/([A-Za-z0-9_-]+)/.exec(slip);
  if (!m) throw new Error('the kiosk slip has no live page link (/t/TOKEN):\n' + slip);
  return '/t/' + m[1];
}

// POST (or any method) with a JSON body; resolves to {status, headers, text, json}.
export async function call(base, urlPath, body, { method = 'POST', headers = {}, raw } = {}) {
  const init = { method, headers: { ...headers } };
  if (raw !== undefined) init.body = raw;
  else if (body !== undefined) init.body = JSON.stringify(body);
  if (init.body !== undefined && !init.headers['Content-Type']) init.headers['Content-Type'] = 'application/json';
  const resp = await fetch(base + urlPath, init);
  const text = await resp.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: resp.status, headers: resp.headers, text, json };
}
