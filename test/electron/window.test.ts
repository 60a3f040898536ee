/** The desktop window's secure options, the CSP (header and meta tag) and the sender/navigation check. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CSP, META_CSP, WEB_PREFERENCES, WINDOW_OPTIONS, isAppUrl, windowOptions, allowPermission } from '../../electron/main/security';
import { shellCsp } from '../../electron/web/server';

const directives = (csp: string): Map<string, string[]> =>
  new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]));

describe('BrowserWindow options', () => {
  it('isolate, sandbox and deny Node in the renderer', () => {
    expect(WINDOW_OPTIONS.webPreferences).toBe(WEB_PREFERENCES);
    expect(WEB_PREFERENCES.contextIsolation).toBe(true);
    expect(WEB_PREFERENCES.sandbox).toBe(true);
    expect(WEB_PREFERENCES.nodeIntegration).toBe(false);
    expect(WEB_PREFERENCES.nodeIntegrationInWorker).toBe(false);
    expect(WEB_PREFERENCES.nodeIntegrationInSubFrames).toBe(false);
    expect(WEB_PREFERENCES.webSecurity).toBe(true);
    expect(WEB_PREFERENCES.allowRunningInsecureContent).toBe(false);
    expect(WEB_PREFERENCES.webviewTag).toBe(false);
    expect(WEB_PREFERENCES.experimentalFeatures).toBe(false);
    expect(WEB_PREFERENCES.disableBlinkFeatures).toBe('Auxclick');
  });

  it('fit a 1280x800 screen and keep the secure flags when the preload is added', () => {
    expect([WINDOW_OPTIONS.width, WINDOW_OPTIONS.height]).toEqual([1280, 800]);
    const full = windowOptions('/app/out/preload/index.cjs');
    expect(full.webPreferences).toEqual({ ...WEB_PREFERENCES, preload: '/app/out/preload/index.cjs' });
  });

  it('grant no permissions', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) expect(allowPermission(p)).toBe(false);
  });
});

describe('Content-Security-Policy', () => {
  const d = directives(CSP);
  it('allows scripts only from the app, no eval, no remote hosts', () => {
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(CSP).not.toContain('unsafe-eval');
    expect(CSP).not.toMatch(/https?:\/\//);
    expect(d.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:*']);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
  });

  it('is the same policy in renderer/index.html (minus frame-ancestors, which meta tags cannot carry)', () => {
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(META_CSP);
    expect(directives(META_CSP).has('frame-ancestors')).toBe(false);
    expect(directives(META_CSP).size).toBe(d.size - 1);
  });

  it('is narrowed to the shell port in the web shell', () => {
    expect(directives(shellCsp(4321)).get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:4321']);
  });
});

describe('isAppUrl (IPC sender and navigation check)', () => {
  const app = 'file:///opt/faultline/out/renderer/index.html';
  it('accepts the app entry file, with any hash or query', () => {
    expect(isAppUrl(app, app)).toBe(true);
    expect(isAppUrl(app + '#/scenarios', app)).toBe(true);
  });
  it('refuses other files, remote pages, empty and malformed senders', () => {
    expect(isAppUrl('file:///etc/passwd', app)).toBe(false);
    expect(isAppUrl('file:///opt/faultline/out/renderer/other.html', app)).toBe(false);
    expect(isAppUrl('https://example.com/', app)).toBe(false);
    expect(isAppUrl('', app)).toBe(false);
    expect(isAppUrl(undefined, app)).toBe(false);
    expect(isAppUrl(null, app)).toBe(false);
    expect(isAppUrl('not a url', app)).toBe(false);
  });
  it('in development accepts only the dev server origin', () => {
    const dev = 'http://localhost:5173/';
    expect(isAppUrl('http://localhost:5173/#/demo', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('http://evil.localhost:5173/', dev)).toBe(false);
    expect(isAppUrl('file:///opt/faultline/out/renderer/index.html', dev)).toBe(false);
  });
});
