// The booking page at phone width against a real queue-server: book a slot and
// see the code; find it by code and phone, move it, cancel it; a slot that
// fills up meanwhile is refused next to the slot picker; a bad phone is
// refused under the phone field.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  parseArgs, requirePlaywright, run, step, startServer, launchBrowser, newPage, assertNoProblems, screenshot, call,
} from './lib.mjs';

const args = parseArgs();
requirePlaywright();
const PHONE = '+7 916 000-11-22';

async function slotsReady(page, select) {
  await page.waitForFunction((sel) => {
    const s = document.querySelector(sel);
    return s && s.options.length > 0 && s.value !== '';
  }, select, { timeout: 10000 });
}

run('web_booking', async () => {
  const server = await startServer(args);
  const browser = await launchBrowser();
  const page = await newPage(browser, { width: 360, height: 740 });

  step('open /book at 360x740');
  await page.goto(server.base + '/book?lang=en');
  await slotsReady(page, '#slot');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  const branches = (await call(server.base, '/api/v1/BookingService/ListBranches', {})).json.branches;
  assert.ok(branches.length > 0, 'ListBranches has a branch');
  await page.fill('#name', 'Anna Petrova');
  await page.fill('#phone', PHONE);
  await page.fill('#email', 'anna@example.com');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `nothing wider than the phone (scrollWidth ${width})`);
  await screenshot(page, args.screenshots, 'web-book.png');

  step('keyboard: every control is reachable with Tab and shows its focus');
  await page.focus('#branch');
  const order = [];
  for (let i = 0; i < 7; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return el.id + (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 ? '' : ' (no focus ring)');
    }));
  }
  assert.deepEqual(order, ['service', 'day', 'slot', 'name', 'phone', 'email', 'book-btn'], 'tab order and focus rings');
  assert.equal(await page.getAttribute('label[for=phone]', 'for'), 'phone');

  step('book the first free slot');
  const chosen = await page.inputValue('#slot');
  await page.click('#book-btn');
  await page.waitForSelector('#confirmation:not([hidden])', { timeout: 10000 });
  const code = (await page.textContent('#conf-code')).trim();
  assert.match(code, /^[A-Z0-9]{4}-?[A-Z0-9]{4}$/, 'a booking code is shown');
  assert.ok(await page.evaluate(() => document.getElementById('conf-qr').naturalWidth > 0), 'the QR code image loaded');
  assert.equal(await page.getAttribute('#conf-qr', 'src'), '/qr.svg?text=' + encodeURIComponent(code));
  assert.match(await page.getAttribute('#conf-ics', 'href'), /^blob:/);
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.click('#conf-ics')]);
  assert.match(download.suggestedFilename(), /\.ics$/);
  const ics = { text: fs.readFileSync(await download.path(), 'utf8') };
  assert.match(ics.text, new RegExp('UID:' + code + '@queue'));
  const startUtc = chosen.replace(/[-:]/g, '').replace(/\.\d+/, '');
  assert.ok(ics.text.includes('DTSTART:' + startUtc), `the .ics starts at the slot (${startUtc}):\n${ics.text}`);
  assert.match(ics.text, /DTEND:\d{8}T\d{6}Z/);
  assert.match(ics.text, /LOCATION:/);
  const when = await page.textContent('#conf-when');
  assert.ok(when.length > 5, 'the local date and time are shown');
  await screenshot(page, args.screenshots, 'web-book-confirmation.png');

  step('my booking: find by code and phone');
  await page.fill('#my-code', code);
  await page.fill('#my-phone', PHONE);
  await page.click('#find-btn');
  await page.waitForSelector('#my-result:not([hidden])', { timeout: 10000 });
  assert.equal((await page.textContent('#my-code-shown')).trim(), code);
  assert.equal((await page.textContent('#my-state')).trim(), 'active');
  await slotsReady(page, '#my-slot');

  step('move it to another free slot');
  const target = await page.evaluate((current) => {
    const s = document.getElementById('my-slot');
    for (const o of s.options) if (o.value && o.value !== current) return o.value;
    return '';
  }, chosen);
  assert.ok(target, 'another free slot is offered');
  await page.selectOption('#my-slot', target);
  await page.click('#move-btn');
  await page.waitForFunction(() => document.getElementById('my-done').textContent.includes('moved'), null, { timeout: 10000 });
  let got = await call(server.base, '/api/v1/BookingService/GetBooking', { code, phone: PHONE });
  assert.equal(got.status, 200);
  assert.equal(new Date(got.json.booking.startTime).getTime(), new Date(target).getTime(), 'the booking moved');
  await screenshot(page, args.screenshots, 'web-my-booking.png');

  step('cancel it, with a confirmation');
  await page.click('#cancel-btn');
  await page.waitForSelector('#cancel-confirm:not([hidden])');
  await page.click('#cancel-yes');
  await page.waitForFunction(() => document.getElementById('my-done').textContent.includes('cancelled'), null, { timeout: 10000 });
  assert.equal((await page.textContent('#my-state')).trim(), 'cancelled');
  got = await call(server.base, '/api/v1/BookingService/GetBooking', { code, phone: PHONE });
  assert.equal(got.json.booking.state, 'BOOKING_STATE_CANCELLED');

  step('a slot that fills up meanwhile: refused next to the slot picker');
  await page.goto(server.base + '/book?lang=en');
  await slotsReady(page, '#slot');
  const full = await page.inputValue('#slot');
  const branchId = await page.inputValue('#branch');
  const prefix = await page.inputValue('#service');
  const day = full.slice(0, 10);
  const listed = await call(server.base, '/api/v1/BookingService/ListSlots',
    { branchId, servicePrefix: prefix, fromDate: await page.inputValue('#day'), toDate: await page.inputValue('#day') });
  assert.equal(listed.status, 200, listed.text);
  const slot = listed.json.slots.find((s) => new Date(s.startTime).getTime() === new Date(full).getTime());
  assert.ok(slot, `ListSlots has the slot ${full} (${day})`);
  for (let i = 0; i < (slot.seatsLeft || 0); i++) {
    const r = await call(server.base, '/api/v1/BookingService/CreateBooking', {
      branchId, servicePrefix: prefix, startTime: slot.startTime, name: 'Filler ' + i,
      phone: `+7 916 111-22-${String(30 + i)}`, requestId: 'fill-' + i + '-' + Date.now(),
    });
    assert.equal(r.status, 200, 'filling the slot: ' + r.text);
  }
  await page.fill('#name', 'Boris');
  await page.fill('#phone', '+7 916 222-33-44');
  await page.selectOption('#slot', full).catch(() => {});
  await page.click('#book-btn');
  await page.waitForFunction(() => document.getElementById('slot-err').textContent.trim().length > 0, null, { timeout: 10000 });
  const slotErr = await page.textContent('#slot-err');
  assert.match(slotErr, /fully booked/, 'the refusal is in words next to the slot picker: ' + slotErr);
  assert.ok(await page.isHidden('#confirmation'), 'no confirmation for a full slot');
  await screenshot(page, args.screenshots, 'web-book-slot-full.png');

  step('a bad phone: refused under the phone field');
  await slotsReady(page, '#slot');
  await page.fill('#phone', '12');
  await page.click('#book-btn');
  await page.waitForFunction(() => document.getElementById('phone-err').textContent.trim().length > 0, null, { timeout: 10000 });
  assert.match(await page.textContent('#phone-err'), /Russian mobile number/);
  assert.equal(await page.getAttribute('#phone', 'aria-invalid'), 'true');
  assert.ok(await page.isHidden('#confirmation'));
  await page.focus('#phone');
  await screenshot(page, args.screenshots, 'web-book-errors.png');
  assertNoProblems(page);

  step('over the rate limit: "too many attempts, retry in N s"; the server gone: a retry message');
  const limited = await startServer(args, { configOptions: { bookingApi: { per_address_per_minute: 1, burst: 4 } } });
  const zh = await newPage(browser, { width: 360, height: 740 }, { locale: 'ru-RU' });
  await zh.goto(limited.base + '/book?lang=zh');
  await slotsReady(zh, '#slot');  // ListBranches and ListSlots: 2 of 4
  await zh.fill('#name', '王伟');
  await zh.fill('#phone', PHONE);
  for (let i = 0; i < 3; i++) await call(limited.base, '/api/v1/BookingService/ListBranches', {});
  await zh.click('#book-btn');
  await zh.waitForFunction(() => document.getElementById('form-err').textContent.trim() !== '', null, { timeout: 10000 });
  assert.match(await zh.textContent('#form-err'), /尝试次数过多，请 \d+ 秒后重试/);
  await limited.stop();
  await zh.click('#book-btn');
  await zh.waitForFunction(() => /无法连接服务器/.test(document.getElementById('form-err').textContent), null, { timeout: 10000 });
  assertNoProblems(zh);
});
