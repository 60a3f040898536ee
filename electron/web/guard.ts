/**
 * Last-resort guard of the web shell process: an error that escapes every handler (a bug in a
 * service callback, a late worker message) is logged with a timestamp and the shell keeps serving,
 * so no request, authenticated or not, can stop it. Installed by electron/web/cli.ts only.
 */

/** Installs process-wide handlers for uncaught exceptions and unhandled rejections; returns an uninstaller. */
export function installLastResortGuard(log: (line: string) => void = (l) => console.error(l)): () => void {
  const report = (kind: string) => (e: unknown): void => {
    const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
    log(`web shell: ${kind} (kept running) at ${new Date().toISOString()}: ${text}`);
  };
  const onException = report('uncaught exception');
  const onRejection = report('unhandled rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
