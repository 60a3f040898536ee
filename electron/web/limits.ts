/** Load limits shared by the web shell and Electron main (no imports: main bundles it cheaply). */

/** Most requests one connection (WebSocket client or Electron window) may have in flight; the excess gets a `busy` reply. */
export const MAX_IN_FLIGHT = 16;
/** Most WebSocket connections the web shell keeps open at once; further handshakes get 503. */
export const MAX_CONNECTIONS = 32;
