// Simulation worker bootstrap: plain JS so it starts in any Node process (tsx, vitest, built
// main), then loads the TypeScript entry through tsx once per worker thread.
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker-entry.ts', import.meta.url);
