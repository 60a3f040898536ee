/**
 * Electron main process: one secure window, the CSP on every response, navigation and new windows
 * denied, and the contract's services behind one ipcMain handler that checks the sender frame and
 * validates every payload (electron/services/dispatch.ts). Requires the Electron binary; where it is
 * missing, scripts/start.mjs runs the web shell instead.
 */
import { app, BrowserWindow, ipcMain, session, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { connectServices } from '../services';
import type { Connection } from '../services/dispatch';
import { readAppVersion } from '../services/version';
import { appRootFrom, rendererDirOf, scenariosDirOf } from '../services/paths';
import { ELECTRON_CANCEL, ELECTRON_INVOKE, ELECTRON_PUSH, errorReply } from '../../ipc/wire';
import { allowPermission, CSP, isAppResource, isAppUrl, windowOptions } from './security';
import { MAX_IN_FLIGHT } from '../web/limits';

const root = appRootFrom(import.meta.url);
const devUrl = process.env['ELECTRON_RENDERER_URL'];
const appUrl = devUrl ?? pathToFileURL(join(rendererDirOf(root), 'index.html')).href;
const appVersion = readAppVersion(root);
const connections = new Map<number, Connection>();

function connectionFor(contents: WebContents): Connection {
  let c = connections.get(contents.id);
  if (!c) {
    c = connectServices(
      { shell: 'electron', appVersion, scenariosDir: scenariosDirOf(root), electronVersion: process.versions.electron ?? null, nodeVersion: process.versions.node },
      (push) => {
        if (!contents.isDestroyed()) contents.send(ELECTRON_PUSH, push);
      },
    );
    connections.set(contents.id, c);
    contents.once('destroyed', () => {
      c?.close();
      connections.delete(contents.id);
    });
  }
  return c;
}

function trusted(event: IpcMainInvokeEvent | Electron.IpcMainEvent): boolean {
  return isAppUrl(event.senderFrame?.url, appUrl);
}

function installIpc(): void {
  ipcMain.handle(ELECTRON_INVOKE, async (event, envelope: unknown) => {
    if (!trusted(event)) return errorReply('bad-request', 'sender: IPC accepted only from the app window');
    const conn = connectionFor(event.sender);
    // Same bound as the web shell's per-connection cap.
    if (conn.inFlight() >= MAX_IN_FLIGHT) {
      return errorReply('busy', `busy: this window already has ${MAX_IN_FLIGHT} requests in flight (the limit); wait for a reply before sending more`);
    }
    return conn.invoke(envelope);
  });
  ipcMain.on(ELECTRON_CANCEL, (event, msg: unknown) => {
    if (!trusted(event)) return;
    const id = (msg as { id?: unknown } | null)?.id;
    if (typeof id === 'string') connectionFor(event.sender).cancel(id);
  });
}

function installSessionPolicy(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  // No remote content and no file outside out/renderer: a top-level load must be the app's own page,
  // subresources must be files of the built renderer (or the dev server in development).
  const rendererDir = rendererDirOf(root);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const url = details.url;
    const dev = devUrl !== undefined && isAppUrl(url, devUrl);
    const allowed =
      details.resourceType === 'mainFrame' ? isAppUrl(url, appUrl)
      : details.resourceType === 'subFrame' ? false
      : dev || isAppResource(url, rendererDir) || url.startsWith('data:') || url.startsWith('blob:') || (devUrl !== undefined && url.startsWith('devtools:'));
    callback({ cancel: !allowed });
  });
  ses.setPermissionRequestHandler((_wc, permission, cb) => cb(allowPermission(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => allowPermission(permission));
}

function createWindow(): void {
  const preload = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
  const opts = windowOptions(preload);
  // The secure flags are spelled out here too (same values as WEB_PREFERENCES) so the static check
  // (scripts/electronegativity.mjs) sees them at the BrowserWindow call site.
  const win = new BrowserWindow({
    ...opts,
    webPreferences: {
      ...opts.webPreferences,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      disableBlinkFeatures: 'Auxclick',
      // DevTools only under the electron-vite dev server, never in the built app.
      devTools: devUrl !== undefined,
    },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // Navigation (top level, frames, redirects) only to the app's own page: its exact file URL.
  const stayOnApp = (event: { preventDefault(): void }, url: string): void => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  };
  win.webContents.on('will-navigate', stayOnApp);
  win.webContents.on('will-frame-navigate', (event) => stayOnApp(event, event.url));
  win.webContents.on('will-redirect', stayOnApp);
  if (devUrl === undefined) win.webContents.on('devtools-opened', () => win.webContents.closeDevTools());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(join(rendererDirOf(root), 'index.html'));
}

app.enableSandbox();
void app.whenReady().then(() => {
  installSessionPolicy();
  installIpc();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
