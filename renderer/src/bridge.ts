/**
 * Picks the renderer's bridge: `window.faultline` from the Electron preload, or, in a plain browser
 * opened on the web shell's URL (`http://127.0.0.1:PORT/#token=…`), a WebSocket client that offers
 * the per-launch token as a subprotocol. The token is read from the URL fragment (never sent over
 * HTTP) when this module loads, kept in sessionStorage (this tab and port only) for reloads, and
 * removed from the address bar. No cookie is involved.
 */
import type { FaultlineBridge } from '../../ipc/contract';
import { TOKEN_PARAM, TOKEN_STORAGE_KEY, WS_PATH, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '../../ipc/wire';
import { createWsBridge, type SocketLike } from '../../ipc/ws-client';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the web shell. */
    faultline?: FaultlineBridge;
  }
}

let bridge: FaultlineBridge | null = null;

/** Takes the token out of the URL (`#token=…`, or the older `?token=…`) into sessionStorage. */
function captureToken(): string {
  if (typeof location === 'undefined') return '';
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const query = new URLSearchParams(location.search);
  const fromUrl = hash.get(TOKEN_PARAM) ?? query.get(TOKEN_PARAM);
  if (fromUrl !== null) {
    query.delete(TOKEN_PARAM);
    const rest = query.toString();
    history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${hash.has(TOKEN_PARAM) ? '' : location.hash}`);
    try {
      sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      /* storage disabled: the token lives in memory for this page only */
    }
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

const token = typeof window !== 'undefined' && !window.faultline ? captureToken() : '';

/** The bridge for this page (created once). */
export function getBridge(): FaultlineBridge {
  if (bridge) return bridge;
  if (window.faultline) {
    bridge = window.faultline;
    return bridge;
  }
  // Subprotocol values are HTTP tokens: a token of other characters is simply not offered (refused).
  const protocols = /^[A-Za-z0-9_-]+$/.test(token) ? [WS_PROTOCOL, `${WS_TOKEN_PROTOCOL_PREFIX}${token}`] : [WS_PROTOCOL];
  bridge = createWsBridge(
    `ws://${location.host}${WS_PATH}`,
    // The DOM WebSocket's handler types are narrower than SocketLike's structural ones.
    (u) => new WebSocket(u, protocols) as unknown as SocketLike,
  );
  return bridge;
}

/** Which shell this page runs in, as far as the page can tell. */
export function shellKind(): 'electron' | 'web' {
  return window.faultline ? 'electron' : 'web';
}
