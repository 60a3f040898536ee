/**
 * Starts the built app exactly as `npm start` serves it on a machine without the Electron binary:
 * `node out/main/webshell.js --port 0 --no-open` (what scripts/start.mjs spawns), with its own user
 * directory (FAULTLINE_USER_DIR) so tests never touch ~/.faultline. The page URL is read from the
 * line the shell prints. The tests therefore exercise out/ (bundled main + built renderer), not the
 * source tree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appRootFrom } from '../../electron/services/paths';

/** Repository root. */
export const ROOT = appRootFrom(new URL('./x', import.meta.url).href);
/** Screenshots written by the suite. */
export const SHOTS = join(ROOT, 'test-results');

/** A running built app. */
export interface BuiltApp {
  /** URL to open (as printed by the shell, token included). */
  readonly url: string;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** The user directory given to the app (scenarios are saved in `<userDir>/scenarios`). */
  readonly userDir: string;
  /** Everything the process printed. */
  readonly output: () => string;
  /** Stops the process (SIGTERM, then SIGKILL after 3 s). */
  close(): Promise<void>;
}

/** Spawns out/main/webshell.js and resolves once it printed its URL (fails after `timeoutMs`). */
export async function startBuiltApp(timeoutMs = 30_000): Promise<BuiltApp> {
  const entry = join(ROOT, 'out', 'main', 'webshell.js');
  if (!existsSync(entry) || !existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) throw new Error('out/ missing: run `npm run build` (scripts/e2e.mjs builds when stale)');
  const userDir = mkdtempSync(join(tmpdir(), 'faultline-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [entry, '--port', '0', '--no-open'], {
    cwd: ROOT, env: { ...process.env, FAULTLINE_USER_DIR: userDir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the built web shell printed no URL within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (b: Buffer): void => {
      out += b.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out.split('\n').find((l) => /^Open:/i.test(l.trim())) ?? '');
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (b: Buffer) => { out += b.toString(); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the built web shell exited (${code}):\n${out}`)); });
  });
  const origin = new URL(url).origin;
  return {
    url, origin, userDir, output: () => out,
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) { resolve(); return; }
      const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => { clearTimeout(kill); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}
