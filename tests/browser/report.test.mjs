// Browser tests of the auditsift HTML report (run: npm ci && node --test).
//
// AUDITSIFT_REPORT=/path/report.html checks a report produced by the CLI; without it the
// report is built from fixtures/basic.json with build-fixture.mjs (same substitution and
// escaping as the Rust side). Expectations are derived from the data embedded in the report,
// plus fixture-specific checks when the fixture is used.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReportFile, buildReportHtml } from './build-fixture.mjs';
import { manyData, mailboxName, sessionId } from './generate.mjs';
import { launch, openReport, rawTexts, reportData } from './lib.mjs';

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
/** Waits until a search of the raw AuditData (if one was asked for) has its raw text. */
async function rawSearchSettled(page) {
  await page.waitForFunction(() => document.getElementById('ev-viewport').getAttribute('data-raw-search') !== 'loading');
}
/** Writes a report of `d` (fixture-shaped data) and opens it. */
async function openBuilt(d, name, options) {
  const p = join(tmp, name);
  writeFileSync(p, buildReportHtml(d, options));
  return open(p);
}
const prettyOf = (raw) => { try { const v = JSON.parse(raw); if (v && typeof v === 'object') return JSON.stringify(v, null, 2); } catch { /* as is */ } return raw; };

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
  await page.locator('#details-raw-missing').waitFor();
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
    await rawSearchSettled(page);
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
  assert.deepEqual(injected, { imgs: 0, scripts: 3, handlers: [], urls: 0 });
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

test('fixture: raw AuditData is read from its compressed chunks on demand, and a raw search finds what only the raw text holds', { skip: !FIXTURE_MODE }, async () => {
  const fixture = JSON.parse(readFileSync(join(here, 'fixtures/basic.json'), 'utf8'));
  const html = buildReportHtml(fixture, { chunkBytes: 400 });
  // The raw texts are out of the data element, in several chunks, and read back whole.
  const chunks = JSON.parse(/<script id="auditsift-raw" type="application\/json">([\s\S]*?)<\/script>/.exec(html)[1]).chunks;
  assert.ok(chunks.length >= 4, `${chunks.length} chunks`);
  assert.deepEqual(rawTexts(html), fixture.events.map((e) => (typeof e.raw === 'string' ? e.raw : null)));
  assert.ok(!/"raw"/.test(/<script id="auditsift-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html)[1].replace(/"rejects":\[[^\]]*\]/, '')));
  const { page, log } = await openBuilt(fixture, 'chunked.html', { chunkBytes: 400 });
  // every event's details, in an order that jumps between chunks
  const order = fixture.events.map((_, i) => i).sort((a, b) => (a * 7) % 19 - (b * 7) % 19);
  for (const i of order) {
    await page.evaluate((i) => window.__auditsift.openDetails(i), i);
    const raw = fixture.events[i].raw;
    if (typeof raw !== 'string') {
      await page.locator('#details-raw-missing').waitFor();
    } else {
      await page.waitForFunction((i) => document.getElementById('details').getAttribute('data-ev') === String(i) && document.getElementById('details-raw'), i);
      assert.equal(await page.locator('#details-raw').textContent(), prettyOf(raw), `event ${i}`);
    }
    assert.ok((await page.locator('#details-fields').textContent()).includes(fixture.events[i].id));
  }
  await page.keyboard.press('Escape');
  // "CreationTime" is in every JSON raw text and in no field: the fields alone find nothing, the
  // raw text (decompressed on the first such search) finds each of those events.
  const expected = fixture.events.filter((e) => typeof e.raw === 'string' && e.raw.toLowerCase().includes('creationtime')).length;
  assert.ok(expected >= 10);
  await page.locator('#ev-filter').fill('creationtime');
  await page.waitForFunction(() => document.getElementById('ev-viewport').getAttribute('data-count') === '0');
  await page.locator('#ev-filter-raw').check();
  await rawSearchSettled(page);
  assert.equal(await page.locator('#ev-viewport').getAttribute('data-raw-search'), 'ready');
  assert.equal(await eventCount(page), expected);
  await page.locator('#ev-filter').fill('0000-2026-03-02t06:54:24z creationtime');
  await page.waitForFunction(() => document.getElementById('ev-viewport').getAttribute('data-count') === '1');
  assertClean(log);
  await page.close();

  // Events out of time order are sorted by the page; each still gets its own raw text.
  const reversed = { ...fixture, events: [...fixture.events].reverse() };
  const r = await openBuilt(reversed, 'chunked-reversed.html', { chunkBytes: 400 });
  for (const i of [0, 6, 12, 18]) {
    await r.page.evaluate((i) => window.__auditsift.openDetails(i), i);
    await r.page.waitForFunction((i) => document.getElementById('details').getAttribute('data-ev') === String(i) && document.querySelector('#details-raw, #details-raw-missing'), i);
    const fields = await r.page.locator('#details-fields').textContent();
    const named = fixture.events.filter((e) => fields.includes(e.id));
    assert.equal(named.length, 1, `details name ${named.length} fixture events: ${fields}`);
    const ev = named[0];
    assert.equal(ev, fixture.events[i], 'the page sorted the events back into time order');
    if (typeof ev.raw === 'string') assert.equal(await r.page.locator('#details-raw').textContent(), prettyOf(ev.raw));
    else assert.ok(await r.page.locator('#details-raw-missing').isVisible());
  }
  assertClean(r.log);
  await r.page.close();
});

test('fixture: data in the older shape, with raw AuditData on each event, still shows it', { skip: !FIXTURE_MODE }, async () => {
  const fixture = JSON.parse(readFileSync(join(here, 'fixtures/basic.json'), 'utf8'));
  const { page, log } = await openBuilt(fixture, 'inline-raw.html', { inlineRaw: true });
  const i = fixture.events.findIndex((e) => e.o === 'New-InboxRule');
  await page.evaluate((i) => window.__auditsift.openDetails(i), i);
  assert.equal(await page.locator('#details-raw').textContent(), prettyOf(fixture.events[i].raw));
  await page.locator('#ev-filter-raw').check();
  await page.locator('#ev-filter').fill('creationtime');
  await rawSearchSettled(page);
  await page.waitForFunction((n) => document.getElementById('ev-viewport').getAttribute('data-count') === String(n),
    fixture.events.filter((e) => typeof e.raw === 'string' && e.raw.includes('CreationTime')).length);
  assertClean(log);
  await page.close();
});

test('many mailboxes: each is built when first opened, and every throttling warning is shown', { skip: !FIXTURE_MODE }, async () => {
  const d = manyData({ sessions: 14, mailboxes: 14, contexts: [13, 2, 3], messages: 70, throttled: [1, 8] });
  const { page, log } = await openBuilt(d, 'mailboxes.html');
  const mbs = d.exposure.Mailboxes;
  const box = (m) => page.locator(`#exposure-body details.mailbox[data-mailbox="${m}"]`);
  assert.equal(await page.locator('#exposure-body details.mailbox').count(), mbs.length);
  const text = await page.locator('#exposure-body').textContent();
  for (const m of mbs) assert.ok(text.includes(m.Mailbox), `${m.Mailbox} missing`);
  // every throttled window has its warning, in its mailbox, which is open and built
  const warnings = page.locator('#exposure-body .throttle-warning[role="note"]');
  assert.equal(await warnings.count(), 2);
  assert.match(await page.locator('#mailbox-index').textContent(), new RegExp(`14 mailboxes, 2 with an evidence gap \\(${mailboxName(1)}, ${mailboxName(8)}\\)`));
  for (const m of [1, 8]) {
    assert.equal(await box(m).getAttribute('open'), '');
    assert.match(await box(m).locator('.throttle-warning[role="note"]').textContent(), /Bind auditing was throttled for 24 h from .+ UTC to .+ UTC: any mail in this mailbox may have been read without a record\./);
    assert.equal(await box(m).locator('.context').count(), mbs[m].Contexts.length);
  }
  // the others are closed, summarised, and have nothing built yet
  assert.equal(await box(0).getAttribute('open'), null);
  assert.equal(await box(0).locator('.context').count(), 0);
  assert.match(await box(0).locator('summary').textContent(), /94 messages bound .* 13 access contexts/);
  // opening one builds its contexts a page at a time, then all of them; each message is listed
  await box(0).locator('summary').click();
  await box(0).locator('.context').first().waitFor();
  const firstPage = await box(0).locator('.context').count();
  assert.ok(firstPage > 0 && firstPage < 13, `${firstPage} contexts at first`);
  await box(0).getByRole('button', { name: 'Show all 13' }).click();
  assert.equal(await box(0).locator('.context').count(), 13);
  const rows = page.locator('#msgs-0-0 tbody tr');
  assert.ok((await rows.count()) < 70);
  await box(0).locator('[data-context="0"]').getByRole('button', { name: 'Show all 70' }).click();
  assert.equal(await rows.count(), 70);
  const listed = await page.locator('#msgs-0-0').textContent();
  for (const msg of mbs[0].Contexts[0].Messages) assert.ok(listed.includes(msg.InternetMessageId));
  // closing and opening again keeps what was built
  await box(0).locator('summary').click();
  await box(0).locator('summary').click();
  assert.equal(await box(0).locator('.context').count(), 13);
  // the mailbox filter
  await page.locator('#mailbox-filter').fill(mailboxName(7));
  await page.waitForFunction(() => document.querySelectorAll('#exposure-body details.mailbox:not([hidden])').length === 1);
  assert.ok(await box(7).isVisible());
  await page.locator('#mailbox-filter').fill('');
  await page.waitForFunction((n) => document.querySelectorAll('#exposure-body details.mailbox:not([hidden])').length === n, mbs.length);
  // printing opens and builds every mailbox, and closes again those it opened
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  assert.equal(await page.locator('#exposure-body details.mailbox:not([open])').count(), 0);
  for (let m = 0; m < mbs.length; m++) assert.ok((await box(m).locator('.context').count()) > 0, `mailbox ${m} not built for printing`);
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  assert.equal(await box(2).getAttribute('open'), null);
  assert.equal(await box(1).getAttribute('open'), '');
  assertClean(log);
  await page.close();
});

test('many sessions: the table shows a page at a time, more on scrolling, and sorts and filters them all', { skip: !FIXTURE_MODE }, async () => {
  const d = manyData({ sessions: 230, mailboxes: 2 });
  const { page, log } = await openBuilt(d, 'sessions.html');
  const shown = () => sessionRowCount(page);
  const first = await shown();
  assert.ok(first > 0 && first < 230, `${first} rows at first`);
  assert.match(await page.locator('#session-count').textContent(), /^230 sessions/);
  assert.ok(await page.locator('#sessions-more').isVisible());
  // scrolling the table to its end adds rows
  await page.locator('#sessions-wrap').evaluate((w) => { w.scrollTop = w.scrollHeight; });
  await page.waitForFunction((n) => document.querySelectorAll('#sessions-body tr[data-session]').length > n, first);
  // sorting sorts all sessions, not only those shown: the most records first
  await page.locator('#sessions-head th[data-col="records"]').click();
  await page.locator('#sessions-head th[data-col="records"]').click();
  assert.equal(await page.locator('#sessions-body tr[data-session]').first().getAttribute('data-session'), '229');
  assert.ok((await shown()) < 230);
  // a filter searches all sessions
  await page.locator('#session-filter').fill(sessionId(3));
  await page.waitForFunction(() => document.querySelectorAll('#sessions-body tr[data-session]').length === 1);
  assert.equal(await page.locator('#sessions-body tr[data-session]').getAttribute('data-session'), '3');
  assert.ok(await page.locator('#sessions-more').isHidden());
  await page.locator('#session-filter').fill('');
  await page.waitForFunction((n) => document.querySelectorAll('#sessions-body tr[data-session]').length === n, first);
  // "Show all" shows every session, and selecting one from the end of the table filters the events
  await page.locator('#sessions-more-all').click();
  assert.equal(await shown(), 230);
  const text = await page.locator('#sessions-body').textContent();
  for (const s of d.sessions) assert.ok(text.includes(s.SessionId));
  await page.locator('#sessions-body tr[data-session="3"]').click();
  assert.equal(await eventCount(page), 4);
  assertClean(log);
  await page.close();
});
