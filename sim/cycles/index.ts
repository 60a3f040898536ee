/** Cycle model: per-layer and per-network cycles, folds, utilization and SRAM access counts. */
export * from './cycles';
export { networkGemms } from './network';
