// The web board at 1280x720 against a real queue-server: opened with a board
// token (kept in a cookie, the address bar cleaned), it shows a counter's call
// within a second of the call returning, with the waiting counts beside it.
import assert from 'node:assert/strict';
import {
  parseArgs, requirePlaywright, run, step, startServer, launchBrowser, newPage, assertNoProblems, screenshot,
  deviceIssue, staffAdd, kiosk, clerk,
} from './lib.mjs';

const args = parseArgs();
requirePlaywright();
const SERVICE = 'C';

run('web_board', async () => {
  const server = await startServer(args);
  const kioskToken = deviceIssue(server, 'kiosk', 'hall-1');
  const boardToken = deviceIssue(server, 'board', 'tv-1');
  staffAdd(server, 'clerk2', 'clerk', 'clerk2-secret');
  const counter = await clerk(server, 'clerk2', 'clerk2-secret');
  await counter('--counter', '2', 'open', '--services', SERVICE);

  step('tickets: two of C, one of R');
  const first = (await kiosk(server, kioskToken, 'take', SERVICE)).stdout;
  await kiosk(server, kioskToken, 'take', SERVICE);
  await kiosk(server, kioskToken, 'take', 'R');
  const number = /\b(C\d{3,})\b/.exec(first);
  assert.ok(number, 'the slip shows the number:\n' + first);

  const browser = await launchBrowser();
  const page = await newPage(browser, { width: 1280, height: 720 });

  step('a refused token says so');
  const refused = await newPage(browser, { width: 1280, height: 720 });
  await refused.goto(server.base + '/board/demo');
  await refused.waitForFunction(() => document.body.getAttribute('data-connection') === 'refused', null, { timeout: 10000 });

  step('open /board/demo?token=...');
  await page.goto(server.base + '/board/demo?token=' + encodeURIComponent(boardToken));
  assert.equal(new URL(page.url()).pathname, '/board/demo');
  assert.equal(new URL(page.url()).search, '', 'the token left the address bar');
  const cookies = await page.context().cookies();
  const cookie = cookies.find((c) => c.name === 'board_token');
  assert.ok(cookie && cookie.httpOnly, 'the token is kept in an HttpOnly cookie');
  await page.waitForFunction(() => document.body.getAttribute('data-connection') === 'connected', null, { timeout: 10000 });
  await page.waitForFunction((prefix) => {
    return Array.from(document.querySelectorAll('#waiting li')).some((li) =>
      li.querySelector('.pfx').textContent === prefix && li.querySelector('.count').textContent === '2');
  }, SERVICE, { timeout: 10000 });

  step('counter 2 calls the next ticket; the board shows it within a second');
  await page.evaluate((expected) => {
    window.__shownAt = 0;
    const check = () => {
      if (!window.__shownAt && document.getElementById('newest-number').textContent === expected) window.__shownAt = Date.now();
    };
    new MutationObserver(check).observe(document.getElementById('newest'), { subtree: true, childList: true, characterData: true });
  }, number[1]);
  await counter('--counter', '2', 'next');
  const returned = Date.now();
  await page.waitForFunction(() => window.__shownAt > 0, null, { timeout: 5000 });
  const shownAt = await page.evaluate(() => window.__shownAt);
  const delay = Math.max(0, shownAt - returned);
  step(`shown ${delay} ms after the call returned`);
  assert.ok(delay < 1000, `the call appeared ${delay} ms after the call returned (limit 1000 ms)`);
  assert.equal(await page.textContent('#newest-counter'), 'Counter 2');
  assert.ok(await page.evaluate(() => document.getElementById('newest').classList.contains('flash')), 'the newest call is highlighted');
  await page.waitForFunction((prefix) => {
    return Array.from(document.querySelectorAll('#waiting li')).some((li) =>
      li.querySelector('.pfx').textContent === prefix && li.querySelector('.count').textContent === '1');
  }, SERVICE, { timeout: 5000 });

  step('a second call moves the first to the recent list');
  await counter('--counter', '2', 'start');
  await counter('--counter', '2', 'done');
  await counter('--counter', '2', 'next');
  await page.waitForFunction((first) => document.getElementById('newest-number').textContent !== first &&
    document.querySelector('#recent li .num') && document.querySelector('#recent li .num').textContent === first,
  number[1], { timeout: 5000 });
  await page.waitForTimeout(3000);  // the highlight is over
  await screenshot(page, args.screenshots, 'web-board.png');

  step('readable at 360 px');
  await page.setViewportSize({ width: 360, height: 740 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `nothing wider than the phone (scrollWidth ${width})`);
  await screenshot(page, args.screenshots, 'web-board-phone.png');

  step('the server goes away: the board says it is reconnecting and keeps the calls');
  await server.stop();
  await page.waitForFunction(() => document.body.getAttribute('data-connection') === 'reconnecting', null, { timeout: 10000 });
  assert.ok(await page.isVisible('#conn'), 'the reconnecting line is shown');
  assert.ok((await page.textContent('#newest-number')).length > 0, 'the last call stays');
  assertNoProblems(page);
});
