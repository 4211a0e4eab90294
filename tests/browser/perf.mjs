// Performance check of the report front end (not a test: prints figures).
//
//   node perf.mjs [N_EVENTS=100000] [--keep]
//   node perf.mjs --report=PATH          (measure a report written by auditsift instead)
//
// Generates N events (~1.5 KB raw AuditData each, as JSON text) over ~300 sessions and 7 days, with
// throttled windows, builds the report with build-fixture.mjs, opens it in headless
// Chromium and prints: file size, load-to-ready time, and the time from an interaction
// (wheel zoom, drag pan, list scroll, filters) to the next painted frame.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReportHtml } from './build-fixture.mjs';
import { launch, openReport, reportData } from './lib.mjs';

const N_ASKED = Number(process.argv.find((a) => /^\d+$/.test(a)) || 100000);
const KEEP = process.argv.includes('--keep');
const GIVEN = (process.argv.find((a) => a.startsWith('--report=')) || '').slice('--report='.length);

function rng(seed) { let s = seed >>> 0; return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296); }
const rnd = rng(42);
const pick = (a) => a[Math.floor(rnd() * a.length)];

function makeData(n) {
  const OPS = [['MailItemsAccessed', 40], ['FileAccessed', 12], ['UserLoggedIn', 8], ['Send', 5], ['HardDelete', 3], ['SoftDelete', 3], ['MoveToDeletedItems', 3],
    ['New-InboxRule', 0.3], ['Set-InboxRule', 0.2], ['FileDownloaded', 5], ['UserLoginFailed', 2], ['Update', 6], ['Create', 4], ['SearchQueryInitiatedExchange', 2]];
  const totalW = OPS.reduce((a, o) => a + o[1], 0);
  const pickOp = () => { let x = rnd() * totalW; for (const [o, w] of OPS) { if ((x -= w) < 0) return o; } return OPS[0][0]; };
  const start = Date.parse('2026-03-01T00:00:00Z'), span = 7 * 864e5;
  const nSess = 300;
  const sessions = [];
  for (let i = 0; i < nSess; i++) {
    const id = i === nSess - 1 ? '' : `${(0x10000000 + i * 7919).toString(16)}-1111-4222-8333-${String(i).padStart(12, '0')}`;
    const user = `user${i % 40}@contoso.com`;
    sessions.push({ SessionId: id, user, ip: `203.0.113.${i % 250}`, first: Infinity, last: -Infinity, ops: {}, n: 0 });
  }
  const filler = 'x'.repeat(500); // raw AuditData ~1.5 KB
  const events = new Array(n);
  const times = Array.from({ length: n }, () => start + Math.floor(rnd() * span / 1000) * 1000).sort((a, b) => a - b);
  for (let k = 0; k < n; k++) {
    const s = Math.floor(Math.pow(rnd(), 2) * nSess), ses = sessions[s], o = pickOp(), t = new Date(times[k]).toISOString().replace('.000Z', 'Z');
    ses.first = Math.min(ses.first, times[k]); ses.last = Math.max(ses.last, times[k]); ses.ops[o] = (ses.ops[o] || 0) + 1; ses.n++;
    const d = o === 'MailItemsAccessed' ? `Bind 1 message <m${k}@mail.example> in \\Inbox` : `Subject: Quarterly report ${k} <img src=x onerror=alert(1)>`;
    const raw = JSON.stringify({
      CreationTime: t.slice(0, -1), Id: `e${k}-0000-4000-8000-000000000000`, Operation: o, OrganizationId: '0f0e0d0c-0b0a-4909-8807-060504030201',
      RecordType: 50, ResultStatus: 'Succeeded', UserKey: '100320000000000', UserType: 0, Version: 1, Workload: 'Exchange', ClientIP: ses.ip,
      UserId: ses.user, AppId: '00000002-0000-0ff1-ce00-000000000000', ClientIPAddress: ses.ip, ClientInfoString: 'Client=OWA;Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
      ExternalAccess: false, InternalLogonType: 0, LogonType: 0, LogonUserSid: 'S-1-5-21-1111111111-2222222222-3333333333-4444', MailboxGuid: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      MailboxOwnerUPN: ses.user, SessionId: ses.SessionId, OperationProperties: [{ Name: 'MailAccessType', Value: 'Bind' }, { Name: 'IsThrottled', Value: 'False' }],
      Folders: [{ FolderItems: [{ InternetMessageId: `<m${k}@mail.example>`, SizeInBytes: 12345 }], Id: 'LgAAAAB', Path: '\\Inbox' }], Pad: filler,
    });
    events[k] = { t, s, o, u: ses.user, ip: ses.ip, w: 'Exchange', r: 'Succeeded', d, raw };
  }
  const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const tot = { Messages: 1000, Folders: 3, Binds: 2000, Syncs: 3, Records: 3000 };
  return {
    tool: 'auditsift 0.1.0', generated: '2026-11-22T22:00:00Z', title: `Perf check: ${n} events`, filters: [],
    input: { files: [{ path: 'big.csv', records: n }], read: n, parsed: n, rejected: 0, duplicates: 0, matched: n, rejects: [] },
    sessions: sessions.filter((s) => s.n).map((s) => ({ SessionId: s.SessionId, FirstSeen: iso(s.first), LastSeen: iso(s.last), Records: s.n, Users: [s.user],
      MailboxOwners: [s.user], ClientIPs: [s.ip], ClientInfoStrings: ['Client=OWA;Mozilla/5.0'], Operations: s.ops })),
    events: events.map((e) => e), // indices must refer to the filtered sessions list: remap below
    exposure: {
      mailboxes: [{ Mailbox: 'user0@contoso.com',
        Contexts: [{ SessionId: sessions[0].SessionId, ClientIPAddress: sessions[0].ip, ClientInfoString: 'Client=OWA', LogonType: 'Owner', UserId: 'user0@contoso.com',
          SyncFolders: [{ Folder: '\\Inbox', Time: iso(start + 3600e3) }],
          Messages: Array.from({ length: 1000 }, (_, i) => ({ InternetMessageId: `<m${i}@mail.example>`, Folder: '\\Inbox', FirstAccess: iso(start + i * 60e3), LastAccess: iso(start + i * 60e3), Accesses: 2 })),
          Throttled: true, Totals: tot }],
        ThrottledWindows: [{ Start: iso(start + 2 * 864e5), End: iso(start + 3 * 864e5), RecordId: 'r1', Sessions: [sessions[0].SessionId] }],
        Totals: tot }],
      Totals: tot,
    },
    _sessionsAll: sessions,
  };
}

function fix(data) {
  // drop sessions without events and remap event indices
  const map = new Map(); let j = 0;
  data._sessionsAll.forEach((s, i) => { if (s.n) map.set(i, j++); });
  for (const e of data.events) e.s = map.get(e.s);
  delete data._sessionsAll;
  return data;
}

const tmp = mkdtempSync(join(tmpdir(), 'auditsift-perf-'));
let path = join(tmp, 'report.html');
let N = N_ASKED;
if (GIVEN) {
  path = GIVEN;
  const given = reportData(path, { raw: false });
  N = given.events.length;
  console.log(`report ${path}: ${N} events, ${given.sessions.length} sessions, ${(statSync(path).size / 1048576).toFixed(1)} MiB`);
} else {
  const t = Date.now();
  const data = fix(makeData(N));
  writeFileSync(path, buildReportHtml(data));
  console.log(`generated ${N} events, ${data.sessions.length} sessions; report ${(statSync(path).size / 1048576).toFixed(1)} MiB in ${Date.now() - t} ms`);
}

const browser = await launch({ viewport: { width: 1600, height: 1000 } });
try {
  const { page, log, loadMs, error } = await openReport(browser.context, path, { timeout: 300000 });
  if (error) throw new Error(error);
  const st = await page.evaluate(() => { const s = window.__auditsiftStats; return { startedAt: s.startedAt, readyAt: s.readyAt, parseMs: s.parseMs, renderMs: s.renderMs, phases: s.phases, drawMs: s.drawMs() }; });
  const ms = (v, d = 0) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '?'); // '?': a report from before these figures
  const phases = Object.entries(st.phases || {}).map(([k, v]) => `${k} ${ms(v)}`).join(', ');
  console.log(`load-to-ready: ${loadMs} ms (in page: script started at ${ms(st.startedAt)} ms, ready at ${ms(st.readyAt)} ms; JSON.parse ${ms(st.parseMs)} ms, build+first render ${ms(st.renderMs)} ms [${phases}], timeline draw ${ms(st.drawMs, 1)} ms)`);
  const dcl = await page.evaluate(() => new Promise((r) => { const f = () => r(performance.getEntriesByType('navigation')[0].domContentLoadedEventStart); if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', f); else f(); }));
  console.log(`whole file read and parsed (DOMContentLoaded): ${dcl.toFixed(0)} ms after navigation start`);

  // time from an action to the second animation frame after it (i.e. the result is on screen)
  // (a string expression is evaluated by the debugger protocol, so the page's CSP is untouched)
  const frame = (src) => page.evaluate(`(async () => {
    const t0 = performance.now();
    { ${src}; }
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return { ms: performance.now() - t0, draw: window.__auditsiftStats.drawMs(), filter: window.__auditsiftStats.filterMs() };
  })()`);
  const stats = (xs) => { const s = [...xs].sort((a, b) => a - b); return `median ${s[Math.floor(s.length / 2)].toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms`; };

  await page.locator('#tl-canvas').scrollIntoViewIfNeeded();
  const zoom = [], zoomDraw = [];
  for (let k = 0; k < 12; k++) {
    const r = await frame(`document.getElementById('tl-canvas').dispatchEvent(new WheelEvent('wheel', { deltaY: ${k < 8 ? -250 : 250}, clientX: 900, clientY: 300, bubbles: true, cancelable: true }))`);
    zoom.push(r.ms); zoomDraw.push(r.draw);
  }
  console.log(`timeline wheel zoom (12 steps, dense and sparse): to next frame ${stats(zoom)}; canvas draw ${stats(zoomDraw)}`);
  await page.locator('#tl-reset').click();
  const box = await page.locator('#tl-canvas').boundingBox();
  const panT = Date.now();
  await page.mouse.move(box.x + 900, box.y + 100); await page.mouse.down();
  for (let k = 0; k < 30; k++) await page.mouse.move(box.x + 900 - k * 15, box.y + 100);
  await page.mouse.up();
  const panDraw = await page.evaluate(() => window.__auditsiftStats.drawMs());
  console.log(`timeline drag pan at full range: 30 moves in ${Date.now() - panT} ms (incl. CDP round trips); last draw ${panDraw.toFixed(1)} ms`);

  await page.locator('#events').scrollIntoViewIfNeeded();
  const scroll = [];
  for (let k = 0; k < 20; k++) {
    const r = await frame(`document.getElementById('ev-viewport').scrollTop = ${Math.floor((k + 1) * 2400 * N / 100000 / 20 * 1000)}; document.getElementById('ev-viewport').dispatchEvent(new Event('scroll'))`);
    scroll.push(r.ms);
  }
  const bottom = await frame(`document.getElementById('ev-viewport').scrollTop = 1e9`);
  const lastRow = await page.locator('#ev-spacer .ev-row:not([hidden])').last().getAttribute('data-ev');
  console.log(`events list jump-scroll (20 jumps across ${N} rows): ${stats(scroll)}; to bottom ${bottom.ms.toFixed(1)} ms (last row shown: event ${lastRow})`);

  const filters = [
    ['text filter "quarterly report 4711" (first time; the search text is built while idle after loading)', `document.getElementById('ev-filter').value = 'quarterly report 4711'; document.getElementById('ev-filter').dispatchEvent(new Event('input'))`, 400],
    ['text filter "user7@"', `document.getElementById('ev-filter').value = 'user7@'; document.getElementById('ev-filter').dispatchEvent(new Event('input'))`, 400],
    ['text filter incl. raw AuditData "m4711@" (first time: decompresses all raw AuditData)', `document.getElementById('ev-filter').value = 'm4711@'; const c = document.getElementById('ev-filter-raw'); c.checked = true; c.dispatchEvent(new Event('change'))`, 0],
    ['text filter incl. raw AuditData "m4712@"', `document.getElementById('ev-filter').value = 'm4712@'; document.getElementById('ev-filter').dispatchEvent(new Event('input'))`, 400],
    ['operation filter HardDelete', `document.getElementById('ev-filter-raw').checked = false; document.getElementById('ev-filter').value = ''; const s = document.getElementById('ev-op'); s.value = Array.from(s.options).find(o => o.text.startsWith('HardDelete')).value; s.dispatchEvent(new Event('change'))`, 0],
    ['clear filters', `const s = document.getElementById('ev-op'); s.value = ''; s.dispatchEvent(new Event('change'))`, 0],
  ];
  for (const [name, src, wait] of filters) {
    const t = Date.now();
    await frame(src);
    if (wait) await page.waitForTimeout(wait);
    // a search of the raw text waits for it to be decompressed (once), then filters again
    await page.waitForFunction(() => document.getElementById('ev-viewport').getAttribute('data-raw-search') !== 'loading', null, { timeout: 120000, polling: 20 });
    const r = await page.evaluate(() => ({ f: window.__auditsiftStats.filterMs(), n: document.getElementById('ev-viewport').getAttribute('data-count'), raw: document.getElementById('ev-viewport').getAttribute('data-raw-search') }));
    console.log(`${name}: filter ${r.f.toFixed(1)} ms -> ${r.n} rows${r.raw ? ` (raw ${r.raw}; ${Date.now() - t - wait} ms to the result incl. CDP)` : ''}`);
  }
  const detT = await page.evaluate(`(async () => {
    const t0 = performance.now();
    window.__auditsift.openDetails(${Math.floor(N / 2) + 7});
    while (!document.querySelector('#details-raw, #details-raw-missing, #details-raw-error')) await new Promise((r) => setTimeout(r, 2));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const ms = performance.now() - t0;
    document.getElementById('details-close').click();
    return ms;
  })()`);
  console.log(`event details with its raw AuditData (decompresses one chunk): ${detT.toFixed(1)} ms`);
  if (await page.locator('details.mailbox:not([open])').count()) {
    const mb = await frame(`document.querySelector('details.mailbox:not([open]) summary').click()`);
    const mbCtx = await page.evaluate(() => document.querySelectorAll('details.mailbox[open] .context').length);
    console.log(`open a collapsed mailbox (builds its access contexts): ${mb.ms.toFixed(1)} ms (${mbCtx} context cards in open mailboxes)`);
  } else console.log('open a collapsed mailbox: none is collapsed');
  await page.locator('#sessions').scrollIntoViewIfNeeded();
  const selT = Date.now();
  await page.locator('#sessions-body tr[data-session]').first().click();
  console.log(`session row click (highlight + filter): ${Date.now() - selT} ms incl. CDP; filter ${(await page.evaluate(() => window.__auditsiftStats.filterMs())).toFixed(1)} ms`);
  const sortT = await frame(`document.querySelector('#sessions-head th[data-col="records"]').click()`);
  console.log(`session table sort: ${sortT.ms.toFixed(1)} ms`);
  const more = await frame(`const w = document.getElementById('sessions-wrap'); if (w) { w.scrollTop = w.scrollHeight; w.dispatchEvent(new Event('scroll')); }`);
  console.log(`session table scrolled to its end (adds a page of rows): ${more.ms.toFixed(1)} ms (${await page.locator('#sessions-body tr[data-session]').count()} rows shown)`);
  const sf = await frame(`const f = document.getElementById('session-filter'); f.value = 'user3'; f.dispatchEvent(new Event('input'))`);
  console.log(`session table filter: ${sf.ms.toFixed(1)} ms (+120 ms debounce)`);
  const mem = await page.evaluate(() => performance.memory ? (performance.memory.usedJSHeapSize / 1048576).toFixed(0) + ' MiB' : 'n/a');
  console.log(`JS heap used: ${mem}`);
  const bad = [...log.pageErrors, ...log.consoleErrors, ...log.dialogs, ...log.requests.filter((u) => !u.startsWith('file:'))];
  console.log(bad.length ? `PROBLEMS: ${bad.join(' | ')}` : 'no console errors, no dialogs, no network requests');
} finally {
  await browser.close();
  if (KEEP) console.log(`kept ${path}`); else rmSync(tmp, { recursive: true, force: true });
}
