// The report page in headless Chromium: report_demo_db writes a demo week,
// `queue-server report` writes it as CSV and as HTML (the real command
// line), and the page opened from a file must render its charts and
// figures with no request leaving the file (no scripts, no external
// references). Screenshots (screen and print) go to --screenshots.
//
//   node report.test.mjs --server BIN --demo BIN --screenshots DIR
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import {
  ROOT, requirePlaywright, run, step, launchBrowser, newPage, assertNoProblems, screenshot, onCleanup,
} from './lib.mjs';

const args = {
  server: path.join(ROOT, 'build/server/queue-server'),
  demo: path.join(ROOT, 'build/tests/web/report_demo_db'),
  screenshots: path.join(ROOT, 'build/screenshots'),
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '');
  if (!(key in args) || argv[i + 1] === undefined) throw new Error('usage: --server BIN --demo BIN --screenshots DIR');
  args[key] = argv[i + 1];
}

function runOk(bin, list) {
  const r = spawnSync(bin, list, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(bin)} ${list.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r;
}

requirePlaywright();
run('report page', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-test-'));
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  const db = path.join(dir, 'queue.db');
  step('writing the demo week');
  runOk(args.demo, [db]);

  const report = (extra) => ['report', '--db', db, '--branch', 'demo', ...extra];
  step('CSV to standard output');
  const csv = runOk(args.server, report(['--from', '2026-03-02', '--to', '2026-03-06'])).stdout;
  const lines = csv.trimEnd().split('\r\n');
  assert.match(lines[0], /^scope,key,period_start,period_end,issued,served,/);
  assert.match(lines[1], /^branch,demo,2026-03-02,2026-03-06,\d+,\d+,/);
  assert.ok(lines.some((l) => l.startsWith('clerk,anna,2026-03-02,2026-03-06,')), 'a line for clerk anna');
  assert.ok(lines.some((l) => l.startsWith('service,R,')), 'a line for service R');

  step('refusals: bad dates, an unknown branch');
  const bad = spawnSync(args.server, report(['--from', '2026-03-06', '--to', '2026-03-02']), { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /to_date/);
  const nowhere = spawnSync(args.server, ['report', '--db', db, '--branch', 'nowhere', '--from', '2026-03-02', '--to', '2026-03-02'], { encoding: 'utf8' });
  assert.equal(nowhere.status, 1);

  const pages = [
    { name: 'report.png', file: path.join(dir, 'week.html'), extra: ['--from', '2026-03-02', '--to', '2026-03-06'] },
    { name: 'report-hours.png', file: path.join(dir, 'day.html'), extra: ['--from', '2026-03-04', '--to', '2026-03-04', '--by', 'hour'] },
  ];
  const browser = await launchBrowser();
  for (const p of pages) {
    step(`HTML: ${p.extra.join(' ')}`);
    runOk(args.server, report([...p.extra, '--format', 'html', '--out', p.file]));
    const html = fs.readFileSync(p.file, 'utf8');
    assert.ok(!/<script/i.test(html), 'no script');
    assert.ok(!/https?:\/\//i.test(html), 'no external reference');

    const page = await newPage(browser, { width: 1100, height: 900 });
    const url = pathToFileURL(p.file).href;
    const requests = [];
    await page.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      requests.push(route.request().url());
      return route.abort();
    });
    await page.goto(url);
    assert.deepEqual(requests, [], 'the page asked for nothing beyond itself');
    assert.equal(await page.locator('script').count(), 0);
    const charts = page.locator('svg.chart');
    assert.ok(await charts.count() >= 3, 'three charts');
    for (let i = 0; i < await charts.count(); ++i) {
      const box = await charts.nth(i).boundingBox();
      assert.ok(box && box.width > 600 && box.height > 100, `chart ${i} is drawn (${JSON.stringify(box)})`);
      assert.ok(await charts.nth(i).locator('rect').count() > 3, `chart ${i} has bars`);
    }
    const text = await page.locator('body').innerText();
    assert.match(text, /Demo shop, Tverskaya 1/);
    assert.match(text, /Замена SIM-карты/);
    assert.match(text, /补办SIM卡/);
    assert.match(text, /anna/);
    assert.match(text, /tickets issued/);
    // The headline figure matches the CSV of the same period.
    if (p.name === 'report.png') {
      const issued = lines[1].split(',')[4];
      const card = await page.locator('.card', { hasText: 'tickets issued' }).locator('b').innerText();
      assert.equal(card, issued);
    }
    assertNoProblems(page);
    const shot = await screenshot(page, args.screenshots, p.name);
    assert.ok(fs.statSync(shot).size > 20000, 'a real picture');
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, args.screenshots, p.name.replace('.png', '-print.png'));
  }
});
