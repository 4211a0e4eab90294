// Browser tests of the auditsift HTML report (run: npm ci && node --test).
//
// AUDITSIFT_REPORT=/path/report.html checks a report produced by the CLI; without it the
// report is built from fixtures/basic.json with build-fixture.mjs (same substitution and
// escaping as the Rust side). Expectations are derived from the data embedded in the report,
// plus fixture-specific checks when the fixture is used.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReportFile } from './build-fixture.mjs';
import { launch, openReport, reportData } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE_MODE = !process.env.AUDITSIFT_REPORT;
const HOSTILE = ['<img src=x onerror=alert(1)>', '</script><script>alert(2)</script>'];

let browser, tmp, reportPath, data;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'auditsift-report-test-'));
  reportPath = process.env.AUDITSIFT_REPORT || buildReportFile(join(here, 'fixtures/basic.json'), join(tmp, 'report.html'));
  data = reportData(reportPath);
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function open(path = reportPath) {
  const r = await openReport(browser.context, path);
  assert.equal(r.error, null, `report failed to render: ${r.error}`);
  return r;
}
function assertClean(log) {
  assert.deepEqual(log.pageErrors, [], 'page errors');
  assert.deepEqual(log.consoleErrors, [], 'console errors/warnings');
  assert.deepEqual(log.dialogs, [], 'dialogs or popups');
  assert.ok(log.requests.every((u) => u.startsWith('file:')), `non-file request: ${log.requests.filter((u) => !u.startsWith('file:'))}`);
  assert.equal(log.requests.length, 1, `expected only the report itself to be loaded, got ${log.requests.join(', ')}`);
}
const sessionLabel = (s) => (s.SessionId === '' ? '(no SessionId)' : s.SessionId);
async function sessionRowCount(page) { return page.locator('#sessions-body tr[data-session]').count(); }
async function eventCount(page) { return Number(await page.locator('#ev-viewport').getAttribute('data-count')); }

test('renders with no console errors, no page errors and no network requests', async () => {
  const { page, log } = await open();
  await page.mouse.move(700, 400);
  await page.locator('#tl-canvas').scrollIntoViewIfNeeded();
  const box = await page.locator('#tl-canvas').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -300);
  await page.waitForTimeout(100);
  assertClean(log);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:/);
  // Nothing in the page may refer to an external resource.
  const external = await page.evaluate(() => Array.from(document.querySelectorAll('[src],[href]'))
    .map((e) => e.getAttribute('src') || e.getAttribute('href'))
    .filter((u) => !(u.startsWith('#') || u.startsWith('data:'))));
  assert.deepEqual(external, []);
  await page.close();
});

test('session inventory lists every session', async () => {
  const { page, log } = await open();
  assert.equal(await sessionRowCount(page), data.sessions.length);
  const text = await page.locator('#sessions-body').textContent();
  for (const s of data.sessions) assert.ok(text.includes(sessionLabel(s)), `session ${sessionLabel(s)} missing`);
  assert.match(await page.locator('#session-count').textContent(), new RegExp(`^${data.sessions.length} session`));
  assertClean(log);
  await page.close();
});

test('session table sorts by a clicked column and filters by text', async () => {
  const { page, log } = await open();
  const records = async () => page.$$eval('#sessions-body tr[data-session] td:nth-child(5)', (tds) => tds.map((td) => Number(td.textContent.replace(/,/g, ''))));
  await page.locator('#sessions-head th[data-col="records"]').click();
  const asc = await records();
  assert.deepEqual(asc, [...asc].sort((a, b) => a - b));
  assert.equal(await page.locator('#sessions-head th[data-col="records"]').getAttribute('aria-sort'), 'ascending');
  await page.locator('#sessions-head th[data-col="records"]').click();
  const desc = await records();
  assert.deepEqual(desc, [...desc].sort((a, b) => b - a));
  // every column is sortable
  assert.equal(await page.locator('#sessions-head th.sortable').count(), await page.locator('#sessions-head th').count());

  if (data.sessions.length > 1) {
    // a filter term that only one session has: its full SessionId (or an IP for the fixture)
    const target = data.sessions.find((s) => s.SessionId !== '') || data.sessions[0];
    const term = FIXTURE_MODE ? '192.0.2.99' : target.SessionId;
    await page.locator('#session-filter').fill(term);
    await page.waitForFunction((n) => document.querySelectorAll('#sessions-body tr[data-session]').length < n, data.sessions.length);
    const n = await sessionRowCount(page);
    assert.ok(n >= 1 && n < data.sessions.length, `filter left ${n} rows`);
    await page.locator('#session-filter').fill('no-such-thing-xyzzy');
    await page.waitForFunction(() => document.querySelectorAll('#sessions-body tr[data-session]').length === 0);
    await page.locator('#session-filter').fill('');
    await page.waitForFunction((n) => document.querySelectorAll('#sessions-body tr[data-session]').length === n, data.sessions.length);
  }
  assertClean(log);
  await page.close();
});

test('clicking a session row highlights it in the timeline and filters the events', async () => {
  const { page, log } = await open();
  assert.equal(await eventCount(page), data.events.length);
  const idx = data.sessions.findIndex((_, i) => data.events.some((e) => e.s === i));
  assert.ok(idx >= 0, 'no session with events');
  const expected = data.events.filter((e) => e.s === idx).length;
  await page.locator(`#sessions-body tr[data-session="${idx}"]`).click();
  await page.waitForFunction((i) => document.getElementById('tl-canvas').getAttribute('data-selected-session') === String(i), idx);
  assert.equal(await eventCount(page), expected);
  assert.match(await page.locator(`#sessions-body tr[data-session="${idx}"]`).getAttribute('class'), /selected/);
  assert.ok(await page.locator('#ev-session-chip').isVisible());
  // rendered rows all belong to that session
  const shown = await page.$$eval('#ev-spacer .ev-row:not([hidden])', (rows) => rows.map((r) => Number(r.getAttribute('data-ev'))));
  assert.ok(shown.length > 0);
  // clicking again clears the selection
  await page.locator(`#sessions-body tr[data-session="${idx}"]`).click();
  await page.waitForFunction(() => document.getElementById('tl-canvas').getAttribute('data-selected-session') === '-1');
  assert.equal(await eventCount(page), data.events.length);
  assertClean(log);
  await page.close();
});

test('events list shows events and the text and operation filters narrow it', async () => {
  const { page, log } = await open();
  assert.ok(data.events.length > 0, 'report has no events');
  const rows = await page.locator('#ev-spacer .ev-row:not([hidden])').count();
  assert.ok(rows > 0 && rows <= data.events.length);
  // operation filter: the first event's operation
  const op = data.events[0].o;
  const nOp = data.events.filter((e) => e.o === op).length;
  const value = await page.$eval('#ev-op', (sel, op) => Array.from(sel.options).find((o) => o.value.startsWith('op:') && o.text.startsWith(op + ' ('))?.value, op);
  assert.ok(value, `operation ${op} not offered`);
  await page.locator('#ev-op').selectOption(value);
  await page.waitForFunction((n) => document.getElementById('ev-viewport').getAttribute('data-count') === String(n), nOp);
  await page.locator('#ev-op').selectOption('');
  // text filter
  const term = FIXTURE_MODE ? 'invoice 4711' : String(data.events[0].u || data.events[0].o);
  await page.locator('#ev-filter').fill(term);
  // the filter is debounced; wait until the count changes (it may legitimately not, outside the fixture)
  await page.waitForFunction((n) => Number(document.getElementById('ev-viewport').getAttribute('data-count')) !== n, data.events.length, { timeout: 3000 })
    .catch((e) => { if (FIXTURE_MODE) throw e; });
  const n = await eventCount(page);
  assert.ok(n >= 1, 'text filter matched nothing');
  if (FIXTURE_MODE) assert.equal(n, 1);
  assertClean(log);
  await page.close();
});

test('clicking an event opens the details panel with its raw AuditData', async () => {
  const { page, log } = await open();
  const i = data.events.findIndex((e) => typeof e.raw === 'string' && e.raw.length > 0);
  assert.ok(i >= 0, 'no event with raw AuditData');
  // from the events list: filter down to that event's operation + user, then click its row
  await page.evaluate((i) => { const vp = document.getElementById('ev-viewport'); vp.scrollTop = Math.max(0, i * 24 - 100); }, i);
  const row = page.locator(`#ev-spacer .ev-row[data-ev="${i}"]`);
  await row.waitFor();
  await row.click();
  await page.locator('#details').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#details').getAttribute('data-ev'), String(i));
  const raw = data.events[i].raw;
  let expected = raw;
  try { const v = JSON.parse(raw); if (v && typeof v === 'object') expected = JSON.stringify(v, null, 2); } catch { /* as is */ }
  assert.equal(await page.locator('#details-raw').textContent(), expected);
  assert.ok((await page.locator('#details-fields').textContent()).includes(String(data.events[i].o)));
  await page.keyboard.press('Escape');
  await page.locator('#details').waitFor({ state: 'hidden' });

  // from the timeline: click the event's mark
  await page.locator('#tl-canvas').scrollIntoViewIfNeeded();
  const pt = await page.evaluate((i) => window.__auditsift.eventPoint(i), i);
  assert.ok(pt, 'event not drawn on the timeline');
  await page.mouse.click(pt.x, pt.y);
  await page.locator('#details').waitFor({ state: 'visible' });
  const shownEv = Number(await page.locator('#details').getAttribute('data-ev'));
  assert.equal(data.events[shownEv].t.slice(0, 16), data.events[i].t.slice(0, 16), 'timeline click opened an event far from the mark');
  assertClean(log);
  await page.close();
});

test('fixture: non-JSON raw is shown as is and missing raw is explained', { skip: !FIXTURE_MODE }, async () => {
  const { page, log } = await open();
  const nonJson = data.events.findIndex((e) => e.raw && e.raw.startsWith('not json'));
  const missing = data.events.findIndex((e) => !('raw' in e));
  await page.evaluate((i) => window.__auditsift.openDetails(i), nonJson);
  assert.equal(await page.locator('#details-raw').textContent(), data.events[nonJson].raw);
  await page.evaluate((i) => window.__auditsift.openDetails(i), missing);
  assert.ok(await page.locator('#details-raw-missing').isVisible());
  assertClean(log);
  await page.close();
});

test('attacker-chosen strings are shown as literal text and never executed', async () => {
  const { page, log } = await open();
  const present = HOSTILE.filter((h) => JSON.stringify(data).includes(JSON.stringify(h).slice(1, -1)));
  if (FIXTURE_MODE) assert.deepEqual(present, HOSTILE, 'fixture must contain the hostile strings');
  await page.locator('#rejects summary').click();
  for (const h of present) {
    // header, sessions, exposure and rejects are in the DOM; events are virtualised, so filter for them
    await page.locator('#ev-filter-raw').check();
    await page.locator('#ev-filter').fill(h);
    await page.waitForTimeout(300);
    if ((await eventCount(page)) > 0) await page.locator('#ev-spacer .ev-row:not([hidden])').first().click();
    const text = await page.evaluate(() => document.body.textContent);
    assert.ok(text.includes(h), `literal ${h} not shown`);
  }
  if (FIXTURE_MODE) {
    assert.equal(await page.locator('#report-title').textContent(), data.title);
    assert.ok((await page.title()).includes(data.title));
    assert.ok((await page.locator('#report-filters').textContent()).includes(HOSTILE[1]));
    assert.ok((await page.locator('#sessions-body').textContent()).includes(HOSTILE[0]));
    assert.ok((await page.locator('#exposure-body').textContent()).includes(HOSTILE[0]));
    assert.ok((await page.locator('#exposure-body').textContent()).includes(HOSTILE[1]));
  }
  const injected = await page.evaluate(() => ({
    imgs: document.querySelectorAll('img, iframe, object, embed, svg script, link[rel=stylesheet], link[rel=preload]').length,
    scripts: document.scripts.length,
    handlers: Array.from(document.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes).filter((a) => /^on/i.test(a.name)).map((a) => e.tagName + '.' + a.name)),
    urls: Array.from(document.querySelectorAll('[src], [srcset], [action], [formaction], [data]')).length,
  }));
  assert.deepEqual(injected, { imgs: 0, scripts: 2, handlers: [], urls: 0 });
  await page.waitForTimeout(200);
  assert.deepEqual(log.dialogs, [], 'a dialog fired');
  assertClean(log);
  await page.close();
});

test('exposure section warns about throttled windows', async () => {
  const { page, log } = await open();
  const mailboxes = data.exposure?.Mailboxes || [];
  const windows = mailboxes.flatMap((m) => m.ThrottledWindows || []);
  if (!data.exposure) {
    assert.ok(await page.locator('#exposure-none').isVisible());
  } else {
    const warnings = page.locator('#exposure-body .throttle-warning[role="note"]');
    assert.equal(await warnings.count(), windows.length);
    if (windows.length) {
      const text = await warnings.first().textContent();
      assert.match(text, /Bind auditing was throttled for .+ from .+ UTC to .+ UTC: any mail in this mailbox may have been read without a record\./);
      assert.ok(await page.locator('#gap-banner').isVisible());
    }
    for (const m of mailboxes) {
      assert.ok((await page.locator('#exposure-body').textContent()).includes(m.Mailbox));
    }
  }
  if (FIXTURE_MODE) {
    assert.match(await page.locator('#exposure-body .throttle-warning[role="note"]').first().textContent(),
      /throttled for 24 h from 2026-03-02 08:00:00 UTC to 2026-03-03 08:00:00 UTC: any mail in this mailbox may have been read without a record/);
    assert.ok((await page.locator('#exposure-body').textContent()).includes('whole folder exposed'));
    assert.equal(await page.locator('#msgs-0-0 tbody tr').count(), 2);
  }
  assertClean(log);
  await page.close();
});

test('timeline zooms with the wheel and buttons, pans by dragging, and resets', async () => {
  const { page, log } = await open();
  const canvas = page.locator('#tl-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const view = async () => (await canvas.getAttribute('data-view')).split(',').map(Number);
  const [a0, a1] = await view();
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await page.waitForFunction((v) => document.getElementById('tl-canvas').getAttribute('data-view') !== v, `${a0},${a1}`);
  const [b0, b1] = await view();
  assert.ok(b1 - b0 < a1 - a0, 'wheel did not zoom in');
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForTimeout(50);
  const [c0, c1] = await view();
  assert.ok(c0 > b0 && Math.abs((c1 - c0) - (b1 - b0)) < 2, 'drag did not pan');
  await page.locator('#tl-zoom-in').click();
  await page.waitForTimeout(50);
  const [d0, d1] = await view();
  assert.ok(d1 - d0 < c1 - c0);
  await page.locator('#tl-reset').click();
  await page.waitForTimeout(50);
  assert.deepEqual(await view(), [a0, a1]);
  await page.locator('#tl-mode-ip').check();
  await page.waitForTimeout(50);
  await page.locator('#tl-mode-session').check();
  assertClean(log);
  await page.close();
});

test('fixture: an empty report (no events, exposure null) renders cleanly', { skip: !FIXTURE_MODE }, async () => {
  const p = buildReportFile(join(here, 'fixtures/empty.json'), join(tmp, 'empty.html'));
  const { page, log } = await open(p);
  assert.ok(await page.locator('#exposure-none').isVisible());
  assert.equal(await eventCount(page), 0);
  assert.equal(await sessionRowCount(page), 0);
  assertClean(log);
  await page.close();
});

test('fixture: printing works and includes the events table', { skip: !FIXTURE_MODE }, async () => {
  const { page, log } = await open();
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  assert.equal(await page.locator('#ev-print tbody tr').count(), data.events.length);
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ format: 'A4', landscape: true });
  assert.ok(pdf.length > 10000);
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  assertClean(log);
  await page.close();
});
