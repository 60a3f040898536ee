/** ONNX import: decoding (onnx-proto), conversion to a simulator Network, file reading. */
export * from './proto';
export * from './layout';
export { convertModel, SUPPORTED_OPS, SHAPE_OPS, OPSET_RANGE, type OnnxImport } from './convert';
export * from './file';
