/**
 * Launches Debian's Chromium through playwright-core with the flags this closed, root-run machine needs.
 */
import { chromium, type Browser } from 'playwright-core';

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
