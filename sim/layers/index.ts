/** Layers: shape inference, GEMM lowering, im2col, receptive fields, activations, weight
 * transforms, batch-norm folding, vector-unit ops and the plain JS reference forward pass. */
export * from './types';
export * from './shapes';
export * from './lowering';
export * from './im2col';
export * from './receptive';
export * from './activations';
export * from './weights';
export * from './batchnorm';
export * from './ops';
export * from './reference';
export * from './vectorOps';
