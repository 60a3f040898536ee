/**
 * SCALE-Sim topology and config types. Topology rows keep SCALE-Sim's convolution form (a GEMM-mode
 * row M,N,K becomes ifmap M x K, filter 1 x K, 1 channel, N filters, stride 1, as SCALE-Sim does).
 */
import type { Failure, Success } from '../result';
import type { ArraySpec } from '../types';

/** One layer of a SCALE-Sim topology file (all dimensions in elements / pixels). */
export interface TopologyLayer {
  readonly name: string;
  readonly ifmapH: number;
  readonly ifmapW: number;
  readonly filterH: number;
  readonly filterW: number;
  readonly channels: number;
  readonly numFilters: number;
  readonly strideH: number;
  readonly strideW: number;
  /** 1-based line number in the source file. */
  readonly line: number;
}

/** A parsed topology: 'conv' (SCALE-Sim conv CSV) or 'gemm' (SCALE-Sim M,N,K CSV). */
export interface Topology {
  readonly kind: 'conv' | 'gemm';
  readonly layers: readonly TopologyLayer[];
}

/** A parse failure located in the source text. */
export interface LineFailure extends Failure {
  /** 1-based line number (0 when the whole file is at fault, e.g. empty or too large). */
  readonly line: number;
  /** Column (CSV header name) or key (cfg) at fault, when one is. */
  readonly column?: string;
}

/** Result of a located parse. */
export type LineResult<T> = Success<T> | LineFailure;

/** A SCALE-Sim .cfg file: the array spec it describes plus the fields we do not model. */
export interface ScaleSimConfig {
  /** [general] run_name. */
  readonly runName: string;
  /** Array rows/cols, dataflow, SRAM sizes (filter -> weightKiB) and banks; format fp32 (not in .cfg). */
  readonly spec: ArraySpec;
  /** [architecture_presets] IfmapOffset, FilterOffset, OfmapOffset (addresses; not modeled). */
  readonly offsets: { readonly ifmap: number; readonly filter: number; readonly ofmap: number };
  /** [architecture_presets] Bandwidth (words/cycle; not modeled: memory is ideal). */
  readonly bandwidth: readonly number[];
  /** [run_presets] InterfaceBandwidth: 'CALC' or 'USER'. */
  readonly interfaceBandwidth: string;
  /** [network_presets] TopologyCsvLoc when present. */
  readonly topologyCsv?: string;
}

/** Limits that make hostile inputs end in an error instead of exhausting memory or time. */
export const TOPOLOGY_LIMITS = {
  /** Largest input accepted, characters. */
  maxChars: 4 * 1024 * 1024,
  /** Longest line, characters. */
  maxLineChars: 1024,
  /** Most layers after depthwise ("DP") expansion. */
  maxLayers: 20000,
  /** Largest ifmap height/width, channel count, filter count (elements). */
  maxDim: 1 << 20,
  /** Largest GEMM dimension M, N or K in GEMM-mode files. */
  maxGemmDim: 1 << 26,
} as const;
