/**
 * Static files of the web shell: the built renderer (out/renderer). It holds no secrets, so it is
 * served without the token, but only regular files really inside the renderer folder: no symlink
 * anywhere below it is followed, FIFOs and devices are never opened for a blocking read, and a file
 * over MAX_STATIC_BYTES is refused before it is read.
 */
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

/** Largest file served, bytes (the renderer bundle is about 4.5 MB). */
export const MAX_STATIC_BYTES = 64 << 20;

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.wasm': 'application/wasm', '.txt': 'text/plain; charset=utf-8',
};

/** A file to send, or the status and reason of a refusal. */
export type StaticResult =
  | { readonly ok: true; readonly body: Buffer; readonly type: string }
  | { readonly ok: false; readonly status: 400 | 403 | 404 | 503; readonly text: string };

const no = (status: 400 | 403 | 404 | 503, text: string): StaticResult => ({ ok: false, status, text });

/** Content type of a served file by extension. */
export function contentType(file: string): string {
  return Object.hasOwn(TYPES, extname(file)) ? TYPES[extname(file)]! : 'application/octet-stream';
}

/**
 * Reads the file a URL path names inside `rendererDir` (`/` is index.html). Refuses a path that
 * leaves the folder (403), crosses a symlink (403, not followed), is not a regular file or is missing
 * (404), is larger than MAX_STATIC_BYTES (403); 503 when the folder has no index.html (not built).
 */
export async function readStatic(rendererDir: string, pathname: string): Promise<StaticResult> {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return no(400, 'bad path encoding');
  }
  if (path.includes('\0')) return no(400, 'bad path');
  let root: string;
  try {
    root = await realpath(rendererDir);
  } catch {
    return no(503, 'renderer not built: run `npm run build`');
  }
  const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
  if (file === root || !file.startsWith(root + sep)) return no(403, 'forbidden path');
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    return (await realpath(resolve(root, 'index.html')).then(() => true, () => false)) ? no(404, 'not found') : no(503, 'renderer not built: run `npm run build`');
  }
  // Any symlink on the way (the file itself or a folder below the root) makes the real path differ.
  if (real !== file) return no(403, 'forbidden: symbolic links are not followed');
  let handle;
  try {
    // O_NOFOLLOW: a symlink swapped in since realpath fails; O_NONBLOCK: a FIFO does not block the open.
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return no(404, 'not found');
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return no(404, 'not found');
    if (st.size > MAX_STATIC_BYTES) return no(403, `forbidden: larger than ${MAX_STATIC_BYTES} bytes`);
    // Read exactly the size checked above, even if the file grows meanwhile.
    const body = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const { bytesRead } = await handle.read(body, got, st.size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { ok: true, body: body.subarray(0, got), type: contentType(file) };
  } finally {
    await handle.close();
  }
}
