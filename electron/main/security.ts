/**
 * Security settings of the desktop shell, kept free of runtime Electron imports so tests can assert
 * them without the Electron binary: window options, the Content-Security-Policy, and the checks
 * applied to IPC senders and navigations.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { fileURLToPath } from 'node:url';
import { resolve, sep } from 'node:path';

/**
 * Content-Security-Policy of the renderer (Electron response header, web-shell header and the meta tag
 * in renderer/index.html all carry this string). Scripts only from the app itself, no eval, no remote
 * content; `connect-src` allows the web shell's loopback WebSocket. Styles allow inline attributes
 * (Svelte `style:` directives, graph libraries) but no remote sheets.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:*",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The CSP as delivered by the `<meta http-equiv>` tag in renderer/index.html: the same policy minus
 * `frame-ancestors`, which browsers ignore (and warn about) in a meta tag; headers carry it instead.
 */
export const META_CSP = CSP.split('; ')
  .filter((d) => !d.startsWith('frame-ancestors'))
  .join('; ');

/** Secure webPreferences of the main window (the preload path is added at run time). */
export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  spellcheck: false,
  /** No DevTools in the built app; electron/main/index.ts turns them on only under the dev server. */
  devTools: false,
  /** Middle-click must not open links in new windows (electronegativity AUXCLICK_JS_CHECK). */
  disableBlinkFeatures: 'Auxclick',
} as const satisfies BrowserWindowConstructorOptions['webPreferences'];

/** Options of the main window, sized for 1280x800 screens (pixels), minus the run-time preload path. */
export const WINDOW_OPTIONS = {
  width: 1280,
  height: 800,
  minWidth: 960,
  minHeight: 600,
  show: false,
  title: 'Faultline',
  backgroundColor: '#f6f7f9',
  autoHideMenuBar: true,
  webPreferences: WEB_PREFERENCES,
} as const satisfies BrowserWindowConstructorOptions;

/** Full window options with the preload script at `preloadPath` (absolute path). */
export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return { ...WINDOW_OPTIONS, webPreferences: { ...WEB_PREFERENCES, preload: preloadPath } };
}

/**
 * True when `url` belongs to the app itself: the exact renderer entry file (file: URL, query and hash
 * ignored) or, in development, the same origin as the dev-server URL. Used for IPC sender checks
 * (event.senderFrame.url) and for navigation decisions.
 */
export function isAppUrl(url: string | undefined | null, appUrl: string): boolean {
  if (!url) return false;
  let u: URL;
  let app: URL;
  try {
    u = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') return u.protocol === 'file:' && u.pathname === app.pathname;
  if (app.protocol === 'http:' || app.protocol === 'https:') return u.origin === app.origin;
  return false;
}

/**
 * True when `url` is a file the renderer may load: a `file:` URL naming a path inside `rendererDir`
 * (absolute path of out/renderer), after resolving `.` and `..`. Any other `file:` URL (the user's
 * files, /etc, the app's own sources) is refused by the session's request filter.
 */
export function isAppResource(url: string | undefined | null, rendererDir: string): boolean {
  if (!url) return false;
  let path: string;
  try {
    const u = new URL(url);
    if (u.protocol !== 'file:' || (u.host !== '' && u.host !== 'localhost')) return false;
    path = resolve(fileURLToPath(u));
  } catch {
    return false;
  }
  const root = resolve(rendererDir);
  return path.startsWith(root + sep);
}

/** Permissions the renderer may get from the session permission handler: none. */
export function allowPermission(_permission: string): boolean {
  return false;
}
