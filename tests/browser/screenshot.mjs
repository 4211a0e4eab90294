// Takes a screenshot of a report (for docs/):
//   node screenshot.mjs REPORT.html OUT.png [WIDTH HEIGHT [SECTION-ID]]
// With a section id (timeline, exposure...) the page is scrolled to that section first.
import { launch, openReport } from './lib.mjs';

const [report, out, width = '1400', height = '1000', section] = process.argv.slice(2);
if (!report || !out) {
  console.error('usage: node screenshot.mjs REPORT.html OUT.png [WIDTH HEIGHT]');
  process.exit(2);
}
const browser = await launch({ viewport: { width: Number(width), height: Number(height) } });
try {
  const { page, error } = await openReport(browser.context, report);
  if (error) throw new Error(`the report failed to render: ${error}`);
  if (section) {
    await page.locator(`#${section}`).scrollIntoViewIfNeeded();
    await page.evaluate((id) => document.getElementById(id).scrollIntoView(), section);
    await page.waitForTimeout(300);
  }
  await page.screenshot({ path: out, fullPage: false });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
