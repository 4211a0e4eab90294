// Builds a report HTML from src/report/assets exactly the way the Rust side
// (`auditsift report`) does, so the front end can be tested without the CLI.
//
//   node build-fixture.mjs DATA.json OUT.html
//
// Contract (see docs/report-data.md):
//  * the template holds each placeholder exactly once: /*AUDITSIFT_CSS*/ inside
//    <style>, /*AUDITSIFT_JS*/ inside <script>, {{AUDITSIFT_DATA}} inside
//    <script id="auditsift-data" type="application/json">;
//  * the data JSON is escaped: < > & U+2028 U+2029 become \u003c \u003e \u0026
//    \u2028 \u2029, so it can never close its script element;
//  * substitution is a single pass over the template: substituted text is never
//    searched for placeholders again (equivalently: replace CSS, then JS, then DATA).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ASSETS = resolve(here, '../../src/report/assets');

export const PLACEHOLDERS = { css: '/*AUDITSIFT_CSS*/', js: '/*AUDITSIFT_JS*/', data: '{{AUDITSIFT_DATA}}' };

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

/** data: an object (serialized with JSON.stringify) or an already-serialized JSON string. */
export function buildReportHtml(data, assets = loadAssets()) {
  const json = escapeJson(typeof data === 'string' ? data : JSON.stringify(data));
  const subst = { [PLACEHOLDERS.css]: assets.css, [PLACEHOLDERS.js]: assets.js, [PLACEHOLDERS.data]: json };
  const re = /\/\*AUDITSIFT_CSS\*\/|\/\*AUDITSIFT_JS\*\/|\{\{AUDITSIFT_DATA\}\}/g;
  return assets.html.replace(re, (m) => subst[m]); // function replacer: no "$&" surprises
}

export function buildReportFile(dataPath, outPath) {
  const html = buildReportHtml(readFileSync(dataPath, 'utf8').trim());
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
