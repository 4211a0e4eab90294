// Shared helpers for the report browser tests and perf script.
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** A Chromium with a fresh temporary profile. Close with the returned close(). */
export async function launch({ viewport = { width: 1400, height: 900 } } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'auditsift-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport,
    serviceWorkers: 'block', acceptDownloads: false,
  });
  // Belt and braces: anything that is not the report file itself is refused.
  await context.route(/^(?!file:)/, (route) => route.abort('blockedbyclient'));
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens a report and records console errors, page errors, requests and dialogs. */
export async function openReport(context, reportPath, { timeout = 120000 } = {}) {
  const page = await context.newPage();
  const log = { consoleErrors: [], pageErrors: [], requests: [], dialogs: [] };
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') log.consoleErrors.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => log.pageErrors.push(String(e && e.message || e)));
  page.on('request', (r) => log.requests.push(r.url()));
  page.on('dialog', (d) => { log.dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  page.on('popup', (p) => log.dialogs.push(`popup: ${p.url()}`));
  const url = pathToFileURL(reportPath).href;
  const t0 = Date.now();
  // Not 'domcontentloaded': the page is built and usable before the browser has read the raw
  // AuditData at the end of the file, and that is when an analyst can start working.
  await page.goto(url, { waitUntil: 'commit', timeout });
  await page.waitForFunction(() => window.__auditsiftReady === true || typeof window.__auditsiftError === 'string', null, { timeout, polling: 50 });
  const loadMs = Date.now() - t0;
  const error = await page.evaluate(() => window.__auditsiftError || null);
  return { page, log, url, loadMs, error };
}

/**
 * The data embedded in a report file (what the page itself will JSON.parse), with each event's
 * raw AuditData read back from the raw document onto the event as "raw" (unless raw is false).
 */
export function reportData(reportPath, { raw = true } = {}) {
  const html = readFileSync(reportPath, 'utf8');
  const m = /<script id="auditsift-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error(`no auditsift-data script in ${reportPath}`);
  const data = JSON.parse(m[1]);
  if (raw) {
    const texts = rawTexts(html);
    if (texts) texts.forEach((t, i) => { if (typeof t === 'string' && data.events[i]) data.events[i].raw = t; });
  }
  return data;
}

/** The raw texts of a report's raw document, in event order (null: the report has none). */
export function rawTexts(html) {
  const m = /<script id="auditsift-raw" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no auditsift-raw script in the report');
  const doc = JSON.parse(m[1]);
  if (doc === null) return null;
  if (doc.encoding !== 'gzip+base64') throw new Error(`unknown raw encoding ${doc.encoding}`);
  return doc.chunks.flatMap((c, k) => {
    const texts = JSON.parse(gunzipSync(Buffer.from(c.z, 'base64')).toString('utf8'));
    if (!Array.isArray(texts) || texts.length !== c.n) throw new Error(`raw chunk ${k}: ${texts.length} texts, not ${c.n}`);
    return texts;
  });
}
