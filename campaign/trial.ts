/**
 * The real TrialRunner on the simulator engine. NOT WIRED YET: sim/engine/run.ts, models/io and
 * models/data are being written in parallel; until they land this runner refuses to run.
 */
import type { TrialRunner } from './types';

/** Builds the engine-backed TrialRunner (loads models and data lazily, once per process). */
export function createEngineRunner(): TrialRunner {
  return async () => {
    throw new Error('the engine-backed trial runner is not wired yet (waiting for sim/engine/run.ts and models/io)');
  };
}
