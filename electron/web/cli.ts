/**
 * Web-shell entry: `npx tsx electron/web/cli.ts [--port N] [--no-open]` or, built,
 * `node out/main/webshell.js`. Prints the tokenised URL; opens it in the default browser unless
 * --no-open (or no opener is installed).
 */
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startWebShell } from './server';
import { installLastResortGuard } from './guard';
import { readAppVersion } from '../services/version';
import { appRootFrom, rendererDirOf, scenariosDirOf } from '../services/paths';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'no-open': { type: 'boolean', default: false },
    renderer: { type: 'string' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port: expected an integer in 0..65535, found ${values.port}`);
  process.exit(2);
}
const root = appRootFrom(import.meta.url);
const rendererDir = values.renderer ?? rendererDirOf(root);
if (!existsSync(join(rendererDir, 'index.html'))) {
  console.error(`renderer not built (${rendererDir}/index.html missing): run \`npm run build\` first`);
  process.exit(1);
}

const shell = await startWebShell({ port, rendererDir, scenariosDir: scenariosDirOf(root), appVersion: readAppVersion(root) }).catch((e: unknown) => {
  console.error(`web shell: could not listen on 127.0.0.1:${port}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
// From here on, an error that escapes a request handler is logged and the shell keeps serving.
installLastResortGuard();
console.log(`Faultline web shell listening on ${shell.origin} (127.0.0.1 only)`);
console.log(`Open: ${shell.url}`);

if (!values['no-open']) {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [shell.url], { stdio: 'ignore', detached: true });
  child.on('error', () => console.log('(no browser opener found: open the URL above yourself)'));
  child.unref();
}

const stop = (): void => {
  void shell.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
