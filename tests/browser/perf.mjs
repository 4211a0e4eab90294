// Performance check of the report front end (not a test: prints figures).
//
//   node perf.mjs [N_EVENTS=100000] [--keep]
//
// Generates N events (~1.5 KB raw AuditData each, as JSON text) over ~300 sessions and 7 days, with
// throttled windows, builds the report with build-fixture.mjs, opens it in headless
// Chromium and prints: file size, load-to-ready time, and the time from an interaction
// (wheel zoom, drag pan, list scroll, filters) to the next painted frame.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReportHtml } from './build-fixture.mjs';
import { launch, openReport } from './lib.mjs';

const N = Number(process.argv.find((a) => /^\d+$/.test(a)) || 100000);
const KEEP = process.argv.includes('--keep');

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
const path = join(tmp, 'report.html');
let t = Date.now();
const data = fix(makeData(N));
writeFileSync(path, buildReportHtml(data));
console.log(`generated ${N} events, ${data.sessions.length} sessions; report ${(statSync(path).size / 1048576).toFixed(1)} MiB in ${Date.now() - t} ms`);

const browser = await launch({ viewport: { width: 1600, height: 1000 } });
try {
  const { page, log, loadMs, error } = await openReport(browser.context, path, { timeout: 300000 });
  if (error) throw new Error(error);
  const st = await page.evaluate(() => ({ parseMs: window.__auditsiftStats.parseMs, renderMs: window.__auditsiftStats.renderMs, drawMs: window.__auditsiftStats.drawMs() }));
  console.log(`load-to-ready: ${loadMs} ms (in page: JSON.parse ${st.parseMs.toFixed(0)} ms, build+first render ${st.renderMs.toFixed(0)} ms, timeline draw ${st.drawMs.toFixed(1)} ms)`);

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
    ['text filter "quarterly report 4711" (first time, builds search index)', `document.getElementById('ev-filter').value = 'quarterly report 4711'; document.getElementById('ev-filter').dispatchEvent(new Event('input'))`, 400],
    ['text filter "user7@"', `document.getElementById('ev-filter').value = 'user7@'; document.getElementById('ev-filter').dispatchEvent(new Event('input'))`, 400],
    ['text filter incl. raw AuditData "m4711@"', `document.getElementById('ev-filter').value = 'm4711@'; const c = document.getElementById('ev-filter-raw'); c.checked = true; c.dispatchEvent(new Event('change'))`, 0],
    ['operation filter HardDelete', `document.getElementById('ev-filter-raw').checked = false; document.getElementById('ev-filter').value = ''; const s = document.getElementById('ev-op'); s.value = Array.from(s.options).find(o => o.text.startsWith('HardDelete')).value; s.dispatchEvent(new Event('change'))`, 0],
    ['clear filters', `const s = document.getElementById('ev-op'); s.value = ''; s.dispatchEvent(new Event('change'))`, 0],
  ];
  for (const [name, src, wait] of filters) {
    await frame(src);
    if (wait) await page.waitForTimeout(wait);
    const r = await page.evaluate(() => ({ f: window.__auditsiftStats.filterMs(), n: document.getElementById('ev-viewport').getAttribute('data-count') }));
    console.log(`${name}: filter ${r.f.toFixed(1)} ms -> ${r.n} rows`);
  }
  await page.locator('#sessions').scrollIntoViewIfNeeded();
  const selT = Date.now();
  await page.locator('#sessions-body tr[data-session]').first().click();
  console.log(`session row click (highlight + filter): ${Date.now() - selT} ms incl. CDP; filter ${(await page.evaluate(() => window.__auditsiftStats.filterMs())).toFixed(1)} ms`);
  const sortT = await frame(`document.querySelector('#sessions-head th[data-col="records"]').click()`);
  console.log(`session table sort: ${sortT.ms.toFixed(1)} ms`);
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
