// Piscina worker bootstrap: plain JS so it loads in any Node process (tsx CLI, vitest, plain
// node), then imports the TypeScript entry through tsx once per worker thread.
import { tsImport } from 'tsx/esm/api';

const entry = await tsImport('./worker-entry.ts', import.meta.url);

/** Runs one trial task in this worker (see worker-entry.ts). */
export default entry.handle;
