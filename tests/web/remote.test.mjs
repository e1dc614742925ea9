// The online SIM replacement at phone width against a real queue-server with
// the demo register: apply with two real image files (a PNG and a JPEG drawn
// by Chromium's canvas) and see the reference, an answer lost on the way
// answered again with the same reference; a reviewer (made with `queue-server
// staff-add`) approves and posts the card with the terminal counter program
// (`counter review`); the status page shows each step; a wrong code
// leaves attempts, the right code and answer activate the card; the notices
// are in the outbox for the number and the contact on record. Refusals: a
// text file named .jpg and bad fields at once under their fields, a file over
// 5 MB refused before sending, a number under its holder's own lock in words;
// an application withdrawn on its status page.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ROOT, parseArgs, requirePlaywright, run, step, startServer, launchBrowser, newPage, assertNoProblems, screenshot,
  staffAdd, registerLoad, clerk, runProgram, call,
} from './lib.mjs';

const args = parseArgs();
requirePlaywright();

// The demo register's people (server/config/demo_register.json's _comment).
const IVANOV = { phone: '+7 916 123-45-67', name: 'Ivanov Ivan Ivanovich', doc: '4509 123456', contact: 'ivanov.demo@example.com',
  topUp: '500', called: '+7 903 111-22-33' };
const PETROVA = { phone: '+7 916 234-56-78', name: 'Petrova Anna Sergeevna' };
const SOKOLOV = { phone: '+7 916 345-67-89', name: 'Sokolov Pavel Andreevich', doc: '75 1234567' };  // NO SIM CHANGE
const TRACKING = 'RA123456789RU';

// A PNG and a JPEG as a phone would make them, drawn by Chromium (valid
// chunks and CRCs; SOI, SOF, SOS, EOI) and large enough for the server's check.
async function makeImages(browser) {
  const p = await browser.newPage();
  const out = await p.evaluate(async () => {
    function draw(w, h, title, hue) {
      const c = document.createElement('canvas');
      c.width = w; c.height = h;
      const g = c.getContext('2d');
      const grad = g.createLinearGradient(0, 0, w, h);
      grad.addColorStop(0, `hsl(${hue}, 45%, 82%)`);
      grad.addColorStop(1, `hsl(${hue + 40}, 45%, 62%)`);
      g.fillStyle = grad;
      g.fillRect(0, 0, w, h);
      const img = g.getImageData(0, 0, w, h);
      for (let i = 0; i < img.data.length; i += 4) {
        const n = (Math.random() - 0.5) * 24;
        img.data[i] += n; img.data[i + 1] += n; img.data[i + 2] += n;
      }
      g.putImageData(img, 0, 0);
      g.fillStyle = '#fff';
      g.fillRect(w * 0.06, h * 0.2, w * 0.3, h * 0.6);
      g.fillStyle = '#334155';
      g.beginPath(); g.arc(w * 0.21, h * 0.42, h * 0.12, 0, Math.PI * 2); g.fill();
      g.fillRect(w * 0.12, h * 0.56, w * 0.18, h * 0.2);
      g.font = `bold ${Math.round(h / 10)}px sans-serif`;
      g.fillText(title, w * 0.42, h * 0.35);
      g.font = `${Math.round(h / 16)}px sans-serif`;
      g.fillText('4509 123456', w * 0.42, h * 0.5);
      g.fillText('IVANOV IVAN', w * 0.42, h * 0.62);
      return c;
    }
    async function base64(c, type, quality) {
      const blob = await new Promise((r) => c.toBlob(r, type, quality));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      return btoa(s);
    }
    return { png: await base64(draw(800, 600, 'PASSPORT', 200), 'image/png'), jpeg: await base64(draw(640, 480, 'SELFIE', 20), 'image/jpeg', 0.9) };
  });
  await p.close();
  const png = Buffer.from(out.png, 'base64');
  const jpeg = Buffer.from(out.jpeg, 'base64');
  assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'a PNG');
  assert.equal(jpeg.subarray(0, 3).toString('hex'), 'ffd8ff', 'a JPEG');
  assert.equal(jpeg.subarray(-2).toString('hex'), 'ffd9', 'the JPEG ends with EOI');
  assert.ok(png.length > 1024 && png.length < 5 * 1024 * 1024 && jpeg.length > 1024, `sizes ${png.length} ${jpeg.length}`);
  return {
    document: { name: 'passport.png', mimeType: 'image/png', buffer: png },
    selfie: { name: 'selfie.jpg', mimeType: 'image/jpeg', buffer: jpeg },
  };
}

async function formReady(page) {
  await page.waitForFunction(() => document.getElementById('operator').options.length > 1 &&
    document.getElementById('pickup-branch').options.length > 1, null, { timeout: 10000 });
}

async function previewsShown(page) {
  await page.waitForFunction(() => ['doc-photo', 'selfie-photo'].every((id) => {
    const img = document.getElementById(id + '-img');
    return !document.getElementById(id + '-preview').hidden && img.complete && img.naturalWidth > 0;
  }), null, { timeout: 10000 });
}

async function fillForm(page, who, { operator = 'megafon', reason = 'REPLACEMENT_REASON_LOST', doc = who.doc,
  docType = 'DOCUMENT_TYPE_RU_PASSPORT', name = who.name } = {}) {
  await page.fill('#phone', who.phone);
  await page.selectOption('#operator', operator);
  await page.selectOption('#reason', reason);
  await page.fill('#full-name', name);
  await page.selectOption('#doc-type', docType);
  await page.fill('#doc-number', doc);
  await page.check('#delivery-post');
  await page.check('#consent');
}

async function errorText(page, id) {
  await page.waitForFunction((i) => document.getElementById(i).textContent.trim().length > 0, id, { timeout: 15000 });
  return (await page.textContent('#' + id)).trim();
}

// The masks the server shows (server/domain/common/personal_data.cc).
function maskEmail(e) { const [local, domain] = e.split('@'); return local[0] + '*'.repeat(local.length - 1) + '@' + domain; }

run('web_remote', async () => {
  const server = await startServer(args);
  registerLoad(server);
  const browser = await launchBrowser();
  const images = await makeImages(browser);

  step('open /apply at 360x740 and fill it in with two photos');
  const page = await newPage(browser, { width: 360, height: 740 });
  await page.goto(server.base + '/apply?lang=en');
  await formReady(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  const operators = await page.$$eval('#operator option', (os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(operators, ['beeline', 'megafon', 'tele2'], 'the fee table\'s operators');
  assert.equal(await page.getAttribute('#doc-photo', 'accept'), 'image/jpeg,image/png');
  assert.notEqual(await page.getAttribute('#doc-photo', 'capture'), null, 'the camera is offered');
  await fillForm(page, IVANOV);
  await page.setInputFiles('#doc-photo', images.document);
  await page.setInputFiles('#selfie-photo', images.selfie);
  await previewsShown(page);
  assert.match(await page.textContent('#doc-photo-size'), /File size: [\d.]+ (KB|MB)/);
  assert.match(await page.textContent('#selfie-photo-size'), /File size: [\d.]+ (KB|MB)/);
  let width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `nothing wider than the phone (scrollWidth ${width})`);
  await screenshot(page, args.screenshots, 'web-apply.png');

  step('the first answer is lost on the way: the retry gets the same reference');
  const sent = [];
  page.on('request', (r) => { if (r.url().endsWith('/RemoteService/ApplyForReplacement')) sent.push(JSON.parse(r.postData()).requestId); });
  let firstReference = '';
  await page.route('**/api/v1/RemoteService/ApplyForReplacement', async (route) => {
    const resp = await route.fetch();
    firstReference = (await resp.json()).reference || '';
    await route.abort('connectionreset');
  });
  await page.click('#apply-btn');
  assert.match(await errorText(page, 'form-err'), /Cannot reach the server/);
  assert.match(firstReference, /^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/, 'the server took the application');
  await page.unroute('**/api/v1/RemoteService/ApplyForReplacement');
  await page.click('#apply-btn');
  await page.waitForSelector('#done:not([hidden])', { timeout: 30000 });
  const reference = (await page.textContent('#done-ref')).trim();
  assert.equal(reference, firstReference, 'the retry answers with the first reference');
  assert.equal(sent.length, 2);
  assert.equal(sent[0], sent[1], 'one request id for the form, sent again on the retry');
  assert.match(sent[0], /^apply-[0-9a-f]{32}$/);
  assert.match(await page.textContent('#done'), /Keep it: you need it to follow the application and to activate/);
  const link = await page.getAttribute('#done-link', 'href');
  assert.equal(link, '/apply/status?lang=en#' + reference, 'the status link carries the reference in the fragment');
  width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the reference fits the phone (scrollWidth ${width})`);
  await screenshot(page, args.screenshots, 'web-apply-done.png');
  assertNoProblems(page);

  step('a reviewer approves and posts the card with the terminal counter program (counter review)');
  staffAdd(server, 'rev1', 'reviewer', 'rev1-secret-pass');
  const reviewer = await clerk(server, 'rev1', 'rev1-secret-pass');
  const queue = (await reviewer('review', 'list')).stdout;
  const line = queue.split('\n').find((l) => /\+7\*+4567/.test(l));
  assert.ok(line, 'the application waits for review:\n' + queue);
  const caseId = /^\s*(\d+)\s/.exec(line)[1];
  const approved = (await reviewer('review', 'approve', caseId)).stdout;
  assert.match(approved, /awaiting dispatch/i, 'a calm application: one reviewer approves:\n' + approved);
  const register = JSON.parse(fs.readFileSync(path.join(ROOT, 'server/config/demo_register.json'), 'utf8'));
  const card = register.stock.find((c) => c.operator === 'megafon' && c.branch === 'demo');
  const dispatched = (await reviewer('review', 'dispatch', caseId, '--iccid', card.iccid, '--tracking', TRACKING)).stdout;
  const codeLine = /^ {8}([A-Z0-9]{4}-?[A-Z0-9]{4})$/m.exec(dispatched);
  assert.ok(codeLine, 'the envelope\'s code is printed once:\n' + dispatched);
  const code = codeLine[1];

  step('the status page shows each step, the tracking number and the activation form');
  await page.click('#done-link');
  await page.waitForSelector('#app-section:not([hidden])', { timeout: 10000 });
  assert.equal(new URL(page.url()).hash, '#' + reference);
  assert.equal((await page.textContent('#state-line')).trim(), 'The card is on its way: activate it');
  assert.equal((await page.textContent('#app-tracking')).trim(), TRACKING);
  const steps = await page.$$eval('#steps li', (ls) => ls.map((l) => l.querySelector('.what').textContent));
  assert.deepEqual(steps, ['Application received', 'Application approved', 'Card posted, tracking number ' + TRACKING]);
  const times = await page.$$eval('#steps li .when', (ls) => ls.map((l) => l.textContent));
  assert.ok(times.every((t) => /\d{2}:\d{2}/.test(t)), 'each step has its time: ' + times);
  assert.match(await page.textContent('#times-in'), /Europe\/Moscow/);
  assert.ok(await page.isVisible('#activate-form'));
  assert.ok(await page.isHidden('#withdraw-btn'), 'no withdrawal once posted');
  width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `nothing wider than the phone (scrollWidth ${width})`);
  await screenshot(page, args.screenshots, 'web-apply-status.png');

  step('a wrong code: refused, attempts left shown');
  const answerFor = async () => (/top-up/.test(await page.textContent('#question')) ? IVANOV.topUp : IVANOV.called);
  const wrong = (code[0] === 'A' ? 'B' : 'A') + code.slice(1);
  await page.fill('#code', wrong);
  await page.fill('#answer', await answerFor());
  await page.click('#activate-btn');
  assert.match(await errorText(page, 'activate-err'), /wrong\. Attempts left: 2\./);
  await page.waitForFunction(() => document.querySelectorAll('#steps li').length === 4, null, { timeout: 10000 });
  assert.match(await page.textContent('#steps li:last-child .what'), /Wrong code or answer \(2 attempts left\)/);
  await screenshot(page, args.screenshots, 'web-apply-activate.png');

  step('the right code and answer: the new card is active');
  await page.fill('#code', code.toLowerCase());  // typed as it comes
  await page.fill('#answer', await answerFor());
  await page.click('#activate-btn');
  await page.waitForSelector('#done-box:not([hidden])', { timeout: 10000 });
  assert.equal((await page.textContent('#done-title')).trim(), 'Your new card is active');
  assert.equal((await page.textContent('#state-line')).trim(), 'Done: the new card is active');
  assert.ok(await page.isHidden('#activate-form'));
  const last = await page.$$eval('#steps li .what', (ls) => ls.map((l) => l.textContent).slice(-2));
  assert.deepEqual(last, ['Code and answer accepted', 'New card active, old card blocked']);
  await screenshot(page, args.screenshots, 'web-apply-activated.png');
  assertNoProblems(page);

  step('the notices: to the number and to the contact on record');
  const outbox = await runProgram(server.args.server, ['outbox', '--db', server.db, '--config', server.config]);
  const rows = outbox.stdout.split('\n').filter((l) => /^\d+\s/.test(l)).map((l) => l.trim().split(/\s+/));
  const recipients = rows.map((r) => r[2] + ' ' + r[4]);
  assert.ok(recipients.includes('email ' + maskEmail(IVANOV.contact)), 'an e-mail to the contact on record:\n' + outbox.stdout);
  assert.ok(recipients.includes('sms +7******4567'), 'an SMS to the number:\n' + outbox.stdout);
  const got = await call(server.base, '/api/v1/RemoteService/GetApplicationStatus', { reference });
  assert.equal(got.json.status.state, 'APPLICATION_STATE_CLOSED');

  step('refusals: a text file named .jpg and bad fields, all at once under their fields');
  const form = await newPage(browser, { width: 360, height: 740 });
  await form.goto(server.base + '/apply?lang=en');
  await formReady(form);
  await fillForm(form, PETROVA, { doc: '12', name: 'Anna 2000' });
  await form.setInputFiles('#doc-photo', { name: 'passport.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('This is a text file, not a photo.\n'.repeat(100)) });
  await form.setInputFiles('#selfie-photo', images.selfie);
  await form.click('#apply-btn');
  assert.match(await errorText(form, 'doc-photo-err'), /not a JPEG or PNG photo/);
  assert.match(await errorText(form, 'doc-number-err'), /does not fit the chosen document/);
  assert.match(await errorText(form, 'full-name-err'), /only letters/);
  assert.equal(await form.getAttribute('#doc-photo', 'aria-invalid'), 'true');
  assert.equal((await form.textContent('#phone-err')).trim(), '', 'the good fields are not blamed');
  assert.ok(await form.isHidden('#done'));
  await form.evaluate(() => window.scrollTo(0, 0));
  await screenshot(form, args.screenshots, 'web-apply-errors.png');

  step('a photo over 5 MB is refused on the page, before anything is sent');
  const posts = [];
  form.on('request', (r) => { if (r.url().endsWith('/ApplyForReplacement')) posts.push(r.url()); });
  await form.setInputFiles('#selfie-photo', { name: 'huge.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(5 * 1024 * 1024 + 1, 0xff) });
  assert.match(await errorText(form, 'selfie-photo-err'), /over 5 MB \(5 MB\)/);
  await form.click('#apply-btn');
  await form.waitForTimeout(300);
  assert.equal(posts.length, 0, 'nothing sent with a photo over 5 MB');

  step('a number under its holder\'s own lock: refused in words');
  await fillForm(form, SOKOLOV, { docType: 'DOCUMENT_TYPE_FOREIGN_PASSPORT' });
  await form.setInputFiles('#doc-photo', images.document);
  await form.setInputFiles('#selfie-photo', images.selfie);
  await form.click('#apply-btn');
  // One answer for every reason (the holder's lock is not told to whoever applies).
  assert.match(await errorText(form, 'phone-err'), /cannot be replaced online now\. The holder can replace it at any of our shops/);
  assert.ok(await form.isHidden('#done'));
  assertNoProblems(form);

  step('an application waiting for review can be withdrawn on its status page');
  await fillForm(form, { ...PETROVA, doc: '4512 654321' });
  await form.setInputFiles('#doc-photo', images.document);
  await form.setInputFiles('#selfie-photo', images.selfie);
  await form.click('#apply-btn');
  await form.waitForSelector('#done:not([hidden])', { timeout: 30000 });
  await form.click('#done-link');
  await form.waitForSelector('#app-section:not([hidden])', { timeout: 10000 });
  assert.equal((await form.textContent('#state-line')).trim(), 'Being reviewed');
  assert.ok(await form.isHidden('#activate-form'));
  await form.click('#withdraw-btn');
  await form.click('#withdraw-yes');
  await form.waitForFunction(() => document.getElementById('app-ok').textContent.includes('withdrawn'), null, { timeout: 10000 });
  assert.equal((await form.textContent('#state-line')).trim(), 'Closed without a new card');
  assert.equal((await form.textContent('#steps li:last-child .what')).trim(), 'You withdrew the application');
  assert.ok(await form.isHidden('#withdraw-btn'));
  assertNoProblems(form);

  step('the form in Russian fits the phone');
  const ru = await newPage(browser, { width: 360, height: 740 }, { locale: 'ru-RU' });
  await ru.goto(server.base + '/apply');
  await formReady(ru);
  assert.equal(await ru.getAttribute('html', 'lang'), 'ru');
  await ru.check('#delivery-pickup');
  width = await ru.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `nothing wider than the phone in Russian (scrollWidth ${width})`);
  await screenshot(ru, args.screenshots, 'web-apply-ru.png');
  assertNoProblems(ru);

  step('the pages in Chinese: the glyphs render');
  const zh = await newPage(browser, { width: 360, height: 740 }, { locale: 'zh-CN' });
  await zh.goto(server.base + '/apply/status?lang=zh#' + reference);
  await zh.waitForSelector('#app-section:not([hidden])', { timeout: 10000 });
  assert.equal((await zh.textContent('#state-line')).trim(), '完成：新卡已激活');
  await screenshot(zh, args.screenshots, 'web-apply-status-zh.png');
  assertNoProblems(zh);
}, { timeoutMs: 170000 });
