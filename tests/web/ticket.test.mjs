// The live ticket page at phone width against a real queue-server: four
// tickets of one service from the kiosk; the fourth's page says "3 ahead";
// counter 2 calls and serves the first three (the page counts down without a
// reload), then calls the fourth: "Your turn: Counter 2", still the same page.
import assert from 'node:assert/strict';
import {
  parseArgs, requirePlaywright, run, step, startServer, launchBrowser, newPage, assertNoProblems, screenshot,
  deviceIssue, staffAdd, kiosk, clerk, statusPath, call,
} from './lib.mjs';

const args = parseArgs();
requirePlaywright();
const SERVICE = 'C';  // consultation: serving it opens no SIM case

async function textOf(page, selector) { return ((await page.textContent(selector)) || '').trim(); }

async function waitText(page, selector, expected, timeout = 10000) {
  try {
    await page.waitForFunction(({ selector, expected }) => {
      const node = document.querySelector(selector);
      return node && node.offsetParent !== null && node.textContent.includes(expected);
    }, { selector, expected }, { timeout });
  } catch (e) {
    throw new Error(`"${expected}" did not appear in ${selector} (it says "${await textOf(page, selector)}")`);
  }
}

run('web_ticket', async () => {
  const server = await startServer(args);
  const kioskToken = deviceIssue(server, 'kiosk', 'hall-1');
  staffAdd(server, 'clerk2', 'clerk', 'clerk2-secret');

  step('take four tickets at the kiosk');
  const slips = [];
  for (let i = 0; i < 4; i++) slips.push((await kiosk(server, kioskToken, '--lang', 'en', 'take', SERVICE)).stdout);
  const livePath = statusPath(slips[3]);
  const token = livePath.slice(3);
  const status = await call(server.base, '/api/v1/TicketStatusService/GetTicketStatus', { token });
  assert.equal(status.status, 200, status.text);
  const number = status.json.status.displayNumber;
  assert.equal(status.json.status.position, 3, 'the API says 3 ahead');

  const browser = await launchBrowser();
  const page = await newPage(browser, { width: 360, height: 740 }, { locale: 'ru-RU' });
  let navigations = 0;
  page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations++; });

  step(`open ${livePath}`);
  await page.goto(server.base + livePath);
  await waitText(page, '#main-line', '3 ahead');  // the ticket's language (English), not the browser's
  assert.equal(await textOf(page, '#number'), number);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.ok((await textOf(page, '#service')).length > 0, 'the service name is shown');
  assert.match(await textOf(page, '#sub-line'), /wait/i);
  await page.evaluate(() => { window.__sameDocument = 'still here'; });
  const navigationsBefore = navigations;
  await screenshot(page, args.screenshots, 'web-ticket-waiting.png');

  step('counter 2 opens and serves the first three');
  const counter = await clerk(server, 'clerk2', 'clerk2-secret');
  await counter('--counter', '2', 'open', '--services', SERVICE);
  for (let left = 2; left >= 0; left--) {
    await counter('--counter', '2', 'next');
    await waitText(page, '#main-line', left > 0 ? `${left} ahead` : 'You are next');
    await counter('--counter', '2', 'start');
    await counter('--counter', '2', 'done');
  }

  step('counter 2 calls the fourth');
  await counter('--counter', '2', 'next');
  await waitText(page, '#turn', 'Your turn: Counter 2');
  assert.ok(await page.isVisible('#called'), 'the call is shown');
  assert.equal(await page.evaluate(() => window.__sameDocument), 'still here', 'no reload');
  assert.equal(navigations, navigationsBefore, 'no navigation');
  await screenshot(page, args.screenshots, 'web-ticket-called.png');

  step('served and done: the page says the ticket is finished');
  await counter('--counter', '2', 'start');
  await waitText(page, '#main-line', 'Being served at Counter 2');
  await counter('--counter', '2', 'done');
  await waitText(page, '#notice', 'This ticket is finished');

  step('an unknown token: the link is no longer valid');
  const other = await newPage(browser, { width: 360, height: 740 }, { locale: 'en-US' });
  await other.goto(server.base + '/t/NoSuchToken0123456789');
  await waitText(other, '#notice', 'This link is no longer valid');

  step('the server goes away: "Reconnecting…", the last state stays');
  const fifth = statusPath((await kiosk(server, kioskToken, '--lang', 'ru', 'take', SERVICE)).stdout);
  const live = await newPage(browser, { width: 360, height: 740 }, { locale: 'en-US' });
  await live.goto(server.base + fifth);
  await waitText(live, '#main-line', 'Вы следующий');  // Russian, as taken
  await server.stop();
  await waitText(live, '#banner', 'переподключение');
  assert.ok(await live.isVisible('#number'), 'the number stays on screen');
  assertNoProblems(page);
  assertNoProblems(other);
  assertNoProblems(live);
});
