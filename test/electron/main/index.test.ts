/**
 * Electron main with a fake `electron` module (no binary needed): the window gets the secure options,
 * new windows and foreign navigations are denied, every response carries the CSP, remote requests are
 * cancelled, and IPC is served only to the app's own frame.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ELECTRON_INVOKE } from '../../../ipc/wire';
import { CSP, WEB_PREFERENCES } from '../../../electron/main/security';
import { MAX_IN_FLIGHT } from '../../../electron/web/limits';
import { listModels } from '../../../models/registry';

type Fn = (...args: never[]) => unknown;
const fake = vi.hoisted(() => {
  const state = {
    windows: [] as { options: Record<string, unknown>; handlers: Record<string, Fn>; openHandler?: Fn; loaded?: string }[],
    ipcHandle: {} as Record<string, Fn>,
    ipcOn: {} as Record<string, Fn>,
    headers: undefined as Fn | undefined,
    before: undefined as Fn | undefined,
    permission: undefined as Fn | undefined,
    sandboxed: false,
  };
  class BrowserWindow {
    static getAllWindows = () => state.windows;
    webContents: Record<string, unknown>;
    constructor(options: Record<string, unknown>) {
      const rec: (typeof state.windows)[number] = { options, handlers: {} };
      state.windows.push(rec);
      this.webContents = {
        setWindowOpenHandler: (h: Fn) => (rec.openHandler = h),
        on: (ev: string, h: Fn) => (rec.handlers[ev] = h),
        closeDevTools: () => {},
      };
    }
    once() {}
    loadFile(path: string) {
      state.windows[state.windows.length - 1].loaded = path;
      return Promise.resolve();
    }
    loadURL(url: string) {
      return this.loadFile(url);
    }
  }
  const electron = {
    app: { enableSandbox: () => (state.sandboxed = true), whenReady: () => Promise.resolve(), on: () => {} },
    BrowserWindow,
    ipcMain: { handle: (ch: string, h: Fn) => (state.ipcHandle[ch] = h), on: (ch: string, h: Fn) => (state.ipcOn[ch] = h) },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (h: Fn) => (state.headers = h), onBeforeRequest: (h: Fn) => (state.before = h) },
        setPermissionRequestHandler: (h: Fn) => (state.permission = h),
        setPermissionCheckHandler: () => {},
      },
    },
  };
  return { state, electron };
});
vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const s = fake.state;
let appFile = '';

beforeAll(async () => {
  await import('../../../electron/main/index');
  await new Promise((r) => setTimeout(r, 0));
  appFile = 'file://' + String(s.windows[0]?.loaded);
});

const sender = (url: string) => ({ senderFrame: { url }, sender: { id: 1, isDestroyed: () => false, send: () => {}, once: () => {} } });

describe('electron main (fake electron)', () => {
  it('enables the sandbox and opens one window with the secure options and the CommonJS preload', () => {
    expect(s.sandboxed).toBe(true);
    expect(s.windows).toHaveLength(1);
    const prefs = s.windows[0].options['webPreferences'] as Record<string, unknown>;
    expect(prefs).toMatchObject(WEB_PREFERENCES);
    expect(String(prefs['preload'])).toMatch(/preload[/\\]index\.cjs$/);
    expect(s.windows[0].loaded).toMatch(/out[/\\]renderer[/\\]index\.html$/);
  });

  it('denies new windows and navigation away from the app', () => {
    const w = s.windows[0];
    expect(w.openHandler?.()).toEqual({ action: 'deny' });
    const prevent = vi.fn();
    (w.handlers['will-navigate'] as (e: unknown, url: string) => void)({ preventDefault: prevent }, 'https://example.com/');
    expect(prevent).toHaveBeenCalledTimes(1);
    const allow = vi.fn();
    (w.handlers['will-navigate'] as (e: unknown, url: string) => void)({ preventDefault: allow }, appFile + '#/demo');
    expect(allow).not.toHaveBeenCalled();
  });

  it('disables DevTools in the built app', () => {
    const prefs = s.windows[0].options['webPreferences'] as Record<string, unknown>;
    expect(prefs['devTools']).toBe(false);
    expect(typeof s.windows[0].handlers['devtools-opened']).toBe('function');
  });

  it('allows navigation (top level, frames, redirects) only to the app\'s own file URL, not to any file:', () => {
    const w = s.windows[0];
    const dir = appFile.slice(0, appFile.lastIndexOf('/'));
    const blocked = (ev: string, url: string): boolean => {
      const prevent = vi.fn();
      const h = w.handlers[ev] as (e: unknown, url?: string) => void;
      if (ev === 'will-frame-navigate') h({ preventDefault: prevent, url });
      else h({ preventDefault: prevent }, url);
      return prevent.mock.calls.length > 0;
    };
    for (const ev of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      for (const url of ['file:///etc/passwd', `${dir}/other.html`, `${dir}/../main/index.js`, 'file:///', 'https://example.com/']) {
        expect(blocked(ev, url), `${ev} ${url}`).toBe(true);
      }
      expect(blocked(ev, appFile), `${ev} app`).toBe(false);
      expect(blocked(ev, `${appFile}#/scenarios`), `${ev} app view`).toBe(false);
    }
  });

  it('lets the page load only files inside out/renderer, and only its own page at top level', () => {
    const dir = appFile.slice(0, appFile.lastIndexOf('/'));
    const cancelled = (url: string, resourceType = 'script') => {
      let r: { cancel: boolean } | undefined;
      (s.before as (d: unknown, cb: (r: { cancel: boolean }) => void) => void)({ url, resourceType }, (x) => (r = x));
      return r?.cancel;
    };
    expect(cancelled(`${dir}/assets/index.js`)).toBe(false);
    expect(cancelled('file:///etc/passwd', 'image')).toBe(true);
    expect(cancelled(`${dir}/../main/index.js`)).toBe(true);
    expect(cancelled(`${dir}/%2e%2e/main/index.js`)).toBe(true);
    expect(cancelled(appFile, 'mainFrame')).toBe(false);
    expect(cancelled(`${dir}/assets/index.js`, 'mainFrame')).toBe(true);
    expect(cancelled(appFile, 'subFrame')).toBe(true);
    expect(cancelled('devtools://devtools/bundled/inspector.html')).toBe(true);
  });

  it('adds the CSP to every response and cancels remote requests', () => {
    let out: unknown;
    (s.headers as (d: unknown, cb: (r: unknown) => void) => void)({ responseHeaders: { A: ['b'] } }, (r) => (out = r));
    expect(out).toEqual({ responseHeaders: { A: ['b'], 'Content-Security-Policy': [CSP] } });
    const verdict = (url: string) => {
      let r: unknown;
      (s.before as (d: unknown, cb: (r: unknown) => void) => void)({ url }, (x) => (r = x));
      return r;
    };
    expect(verdict('https://example.com/x.js')).toEqual({ cancel: true });
    expect(verdict('http://127.0.0.1:8080/')).toEqual({ cancel: true });
    expect(verdict(appFile)).toEqual({ cancel: false });
    let granted: unknown;
    (s.permission as (w: unknown, p: string, cb: (g: boolean) => void) => void)(null, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
  });

  it('serves IPC to the app frame only, validating payloads', async () => {
    const handle = s.ipcHandle[ELECTRON_INVOKE] as (e: unknown, env: unknown) => Promise<unknown>;
    await expect(handle(sender('https://evil.example/'), { id: '1', channel: 'catalog.models', payload: {} })).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringContaining('sender') },
    });
    await expect(handle(sender(appFile), { id: '2', channel: 'catalog.models', payload: {} })).resolves.toEqual({
      ok: true,
      value: listModels().map((m) => ({ ...m })),
    });
    await expect(handle(sender(appFile), { id: '3', channel: 'catalog.models', payload: [] })).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
  });

  it('answers busy beyond MAX_IN_FLIGHT requests in flight from one window', async () => {
    const handle = s.ipcHandle[ELECTRON_INVOKE] as (e: unknown, env: unknown) => Promise<unknown>;
    const calls = Array.from({ length: MAX_IN_FLIGHT + 2 }, (_, i) => handle(sender(appFile), { id: `b${i}`, channel: 'app.version', payload: {} }));
    const replies = (await Promise.all(calls)) as { ok: boolean; error?: { code: string } }[];
    expect(replies.filter((r) => r.ok)).toHaveLength(MAX_IN_FLIGHT);
    expect(replies.slice(MAX_IN_FLIGHT).map((r) => r.error?.code)).toEqual(['busy', 'busy']);
    await expect(handle(sender(appFile), { id: 'after', channel: 'app.version', payload: {} })).resolves.toMatchObject({ ok: true });
  });
});
