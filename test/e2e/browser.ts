/**
 * Launches Debian's Chromium through playwright-core with the flags this closed, root-run machine needs.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

/** Path of the system Chromium (Debian package `chromium`); override with FAULTLINE_CHROMIUM. */
export const CHROMIUM = process.env['FAULTLINE_CHROMIUM'] ?? '/usr/bin/chromium';

/** Launch flags: no sandbox (root in CI), no background network traffic, headless. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-gpu',
  '--headless',
];

/** Starts a headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Opens a 1280x800 page that records console errors and warnings and page errors into `problems`
 * (and failed requests too when `requestFailures` is set), so each test can assert there were none. */
export async function watchedPage(browser: Browser, problems: string[], requestFailures = false): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  if (requestFailures) page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return page;
}
