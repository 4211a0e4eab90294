// Builds a report HTML from src/report/assets exactly the way the Rust side
// (`auditsift report`) does, so the front end can be tested without the CLI.
//
//   node build-fixture.mjs DATA.json OUT.html
//
// Contract (see docs/report-data.md):
//  * the template holds each placeholder exactly once: /*AUDITSIFT_CSS*/ inside
//    <style>, /*AUDITSIFT_JS*/ inside <script>, {{AUDITSIFT_DATA}} inside
//    <script id="auditsift-data" type="application/json">, {{AUDITSIFT_RAW}} inside
//    <script id="auditsift-raw" type="application/json">;
//  * the events' "raw" strings are taken out of the data and go in the raw document: chunks of
//    consecutive events, each a gzip-compressed JSON array of strings (null: no raw text) in
//    base64; the raw document is null when no event has raw text;
//  * both JSON documents are escaped: < > & U+2028 U+2029 become \u003c \u003e \u0026
//    \u2028 \u2029, so they can never close their script element;
//  * substitution is a single pass over the template: substituted text is never
//    searched for placeholders again (equivalently: replace CSS, then JS, then DATA, then RAW).
import { gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ASSETS = resolve(here, '../../src/report/assets');

export const PLACEHOLDERS = { css: '/*AUDITSIFT_CSS*/', js: '/*AUDITSIFT_JS*/', data: '{{AUDITSIFT_DATA}}', raw: '{{AUDITSIFT_RAW}}' };

/** The raw document for the events' raw texts (docs/report-data.md); chunks end at chunkBytes. */
export function rawDocument(raws, chunkBytes = 1 << 20) {
  if (!raws.some((r) => typeof r === 'string')) return null;
  const chunks = [];
  let start = 0, bytes = 0;
  const flush = (end) => {
    const texts = raws.slice(start, end).map((r) => (typeof r === 'string' ? r : null));
    chunks.push({ n: texts.length, z: gzipSync(Buffer.from(JSON.stringify(texts))).toString('base64') });
    start = end; bytes = 0;
  };
  raws.forEach((r, i) => { bytes += typeof r === 'string' ? Buffer.byteLength(r) : 0; if (bytes >= chunkBytes) flush(i + 1); });
  if (start < raws.length) flush(raws.length);
  return { encoding: 'gzip+base64', chunks };
}

/** Same escaping as the Rust side applies to the serialized JSON. */
export function escapeJson(json) {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function countOf(hay, needle) {
  let n = 0;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length)) n++;
  return n;
}

export function loadAssets(dir = ASSETS) {
  const a = {
    html: readFileSync(join(dir, 'report.html'), 'utf8'),
    css: readFileSync(join(dir, 'report.css'), 'utf8'),
    js: readFileSync(join(dir, 'report.js'), 'utf8'),
  };
  for (const [k, p] of Object.entries(PLACEHOLDERS)) {
    if (countOf(a.html, p) !== 1) throw new Error(`report.html must contain ${p} exactly once`);
    if (a.css.includes(p) || a.js.includes(p)) throw new Error(`asset contains placeholder ${p} (${k})`);
  }
  if (/<\/style/i.test(a.css)) throw new Error('report.css must not contain "</style"');
  if (/<\/script|<!--/i.test(a.js)) throw new Error('report.js must not contain a script end tag or "<!--"');
  return a;
}

/**
 * data: an object or its JSON text, with each event's raw AuditData (if any) as "raw", the way
 * the fixtures hold it. Options: chunkBytes (raw chunk size); inlineRaw: leave "raw" on the events
 * (the older shape, which the page still reads) instead of building the raw document.
 */
export function buildReportHtml(data, { assets = loadAssets(), chunkBytes, inlineRaw = false } = {}) {
  const d = typeof data === 'string' ? JSON.parse(data) : structuredClone(data);
  let raw = null;
  if (!inlineRaw) {
    const events = Array.isArray(d.events) ? d.events : [];
    raw = rawDocument(events.map((e) => e && e.raw), chunkBytes);
    for (const e of events) if (e && typeof e === 'object') delete e.raw;
  }
  const subst = {
    [PLACEHOLDERS.css]: assets.css, [PLACEHOLDERS.js]: assets.js,
    [PLACEHOLDERS.data]: escapeJson(JSON.stringify(d)), [PLACEHOLDERS.raw]: escapeJson(JSON.stringify(raw)),
  };
  const re = /\/\*AUDITSIFT_CSS\*\/|\/\*AUDITSIFT_JS\*\/|\{\{AUDITSIFT_DATA\}\}|\{\{AUDITSIFT_RAW\}\}/g;
  return assets.html.replace(re, (m) => subst[m]); // function replacer: no "$&" surprises
}

export function buildReportFile(dataPath, outPath, options = {}) {
  const html = buildReportHtml(readFileSync(dataPath, 'utf8').trim(), options);
  writeFileSync(outPath, html);
  return outPath;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dataPath, outPath] = process.argv.slice(2);
  if (!dataPath || !outPath) {
    console.error('usage: node build-fixture.mjs DATA.json OUT.html');
    process.exit(2);
  }
  buildReportFile(dataPath, outPath);
  console.log(`wrote ${outPath}`);
}
