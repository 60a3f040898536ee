/** Numeric formats (fp32, fp16, int8 Qm.n, Q15.16 fixed point), bit helpers and MAC/accumulator semantics. */
export * from './bits';
export * from './fp32';
export * from './fp16';
export * from './fixed';
export * from './format';
export * from './accumulator';
export * from './q1516';
