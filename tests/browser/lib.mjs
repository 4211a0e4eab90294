// Shared helpers for the report browser tests and perf script.
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
  await page.waitForFunction(() => window.__auditsiftReady === true || typeof window.__auditsiftError === 'string', null, { timeout, polling: 50 });
  const loadMs = Date.now() - t0;
  const error = await page.evaluate(() => window.__auditsiftError || null);
  return { page, log, url, loadMs, error };
}

/** The data embedded in a report file (what the page itself will JSON.parse). */
export function reportData(reportPath) {
  const html = readFileSync(reportPath, 'utf8');
  const m = /<script id="auditsift-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error(`no auditsift-data script in ${reportPath}`);
  return JSON.parse(m[1]);
}
