/** SCALE-Sim topology CSV and .cfg parsing, topology -> GEMM conversion, per-layer report CSV. */
export * from './types';
export { CONV_COLUMNS, GEMM_COLUMNS, lineFail, parseTopology, scaleSimOutDim, topologyLayerToGemm } from './csv';
export { parseScaleSimConfig } from './cfg';
export { REPORT_COLUMNS, cycleReportCsv, splitCsvLine, type ReportColumn } from './report';
export { topologyToGemms } from './network';
