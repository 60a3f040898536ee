/**
 * Picks the renderer's bridge: `window.faultline` from the Electron preload, or, in a plain browser
 * opened on the web shell's URL, a WebSocket client carrying the page's per-launch token.
 */
import type { FaultlineBridge } from '../../ipc/contract';
import { TOKEN_PARAM, WS_PATH } from '../../ipc/wire';
import { createWsBridge, type SocketLike } from '../../ipc/ws-client';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the web shell. */
    faultline?: FaultlineBridge;
  }
}

let bridge: FaultlineBridge | null = null;

/** The bridge for this page (created once). The token is removed from the address bar after reading. */
export function getBridge(): FaultlineBridge {
  if (bridge) return bridge;
  if (window.faultline) {
    bridge = window.faultline;
    return bridge;
  }
  const params = new URLSearchParams(location.search);
  const token = params.get(TOKEN_PARAM) ?? '';
  if (token) {
    params.delete(TOKEN_PARAM);
    const rest = params.toString();
    history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
  }
  const query = token ? `?${TOKEN_PARAM}=${encodeURIComponent(token)}` : '';
  bridge = createWsBridge(
    `ws://${location.host}${WS_PATH}${query}`,
    // The DOM WebSocket's handler types are narrower than SocketLike's structural ones.
    (u) => new WebSocket(u) as unknown as SocketLike,
  );
  return bridge;
}

/** Which shell this page runs in, as far as the page can tell. */
export function shellKind(): 'electron' | 'web' {
  return window.faultline ? 'electron' : 'web';
}
