/**
 * ONNX's own backend node tests (Debian package libonnx-testdata) through the importer and the
 * golden engine: every single-node test of a supported operator either matches ONNX's expected
 * output (fp32: |got - want| <= 1e-5 + 1e-4*|want|; uint8/int8 codes within one code) or is one of
 * the refusals listed below, each refused with the node's name, op type and what is supported.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_OPS } from '../../../models/onnx';
import { NODE_DIR, runNodeTest, supportedNodeTests } from './nodeSuite';

/** Node tests the importer refuses, by reason (docs/README-onnx.md lists the same). */
const REFUSED: Readonly<Record<string, readonly string[]>> = {
  // the simulator network has one runtime input: a second runtime operand becomes a constant, and
  // these constants vary along the batch axis (or the op concatenates two runtime tensors)
  'varies along the batch / two runtime operands': [
    'test_add', 'test_add_uint8', 'test_gemm_default_matrix_bias',
    'test_concat_1d_axis_0', 'test_concat_1d_axis_negative_1', 'test_concat_2d_axis_0', 'test_concat_2d_axis_1', 'test_concat_2d_axis_negative_1',
    'test_concat_2d_axis_negative_2', 'test_concat_3d_axis_0', 'test_concat_3d_axis_1', 'test_concat_3d_axis_2', 'test_concat_3d_axis_negative_1',
    'test_concat_3d_axis_negative_2', 'test_concat_3d_axis_negative_3',
  ],
  'runtime operand transposed': ['test_gemm_all_attributes', 'test_gemm_transposeA'],
  'batched MatMul (rank 3/4)': ['test_matmul_3d', 'test_matmul_4d', 'test_qlinearmatmul_3D'],
  '3-D tensors (rank 5)': ['test_averagepool_3d_default', 'test_maxpool_3d_default'],
  'count_include_pad=1 with padding': ['test_averagepool_2d_pads_count_include_pad', 'test_averagepool_2d_precomputed_pads_count_include_pad'],
  'pool dilations': ['test_maxpool_2d_dilations'],
  'second output (indices, mask, running statistics)': [
    'test_maxpool_with_argmax_2d_precomputed_pads', 'test_maxpool_with_argmax_2d_precomputed_strides', 'test_dropout_default_mask', 'test_dropout_default_mask_ratio',
    'test_batchnorm_epsilon_training_mode', 'test_batchnorm_example_training_mode',
  ],
  'training-mode Dropout': [
    'test_training_dropout', 'test_training_dropout_default', 'test_training_dropout_default_mask', 'test_training_dropout_mask', 'test_training_dropout_zero_ratio',
    'test_training_dropout_zero_ratio_mask',
  ],
  'optional / sequence types': ['test_identity_opt', 'test_identity_sequence'],
  'Flatten mixing batch and image axes': [
    'test_flatten_axis0', 'test_flatten_axis2', 'test_flatten_axis3', 'test_flatten_negative_axis1', 'test_flatten_negative_axis2', 'test_flatten_negative_axis4',
  ],
  'Reshape other than flatten / unchanged': [
    'test_reshape_allowzero_reordered', 'test_reshape_extended_dims', 'test_reshape_negative_dim', 'test_reshape_negative_extended_dims', 'test_reshape_one_dim',
    'test_reshape_reordered_all_dims', 'test_reshape_reordered_last_dims', 'test_reshape_zero_and_negative_dim', 'test_reshape_zero_dim',
  ],
  'Softmax over a non-channel axis': ['test_softmax_axis_0', 'test_softmax_axis_2', 'test_softmax_default_axis', 'test_softmax_negative_axis'],
  'Transpose that moves data': [
    'test_transpose_all_permutations_1', 'test_transpose_all_permutations_2', 'test_transpose_all_permutations_3', 'test_transpose_all_permutations_4',
    'test_transpose_all_permutations_5', 'test_transpose_default',
  ],
};
const refusedSet = new Set(Object.values(REFUSED).flat());

/** Supported operators whose node tests all need two runtime inputs: checked against onnxruntime-node instead (opsRuntime.test.ts). */
const COVERED_ELSEWHERE = new Set(['Concat', 'Constant']);

const present = existsSync(NODE_DIR);

describe('ONNX backend node tests (libonnx-testdata)', () => {
  it('finds the node tests', () => {
    if (!present) {
      throw new Error(`ONNX node tests not found at ${NODE_DIR}: install the Debian package libonnx-testdata (apt-get install libonnx-testdata; .ci/run does)`);
    }
    expect(supportedNodeTests().length).toBeGreaterThan(100);
  });

  const tests = present ? supportedNodeTests() : [];
  for (const { test, op } of tests) {
    it(`${op}: ${test}`, () => {
      const outcomes = runNodeTest(test, op);
      expect(outcomes.length).toBeGreaterThan(0);
      for (const o of outcomes) {
        if (refusedSet.has(test)) {
          expect(o.status, o.status === 'pass' ? `${test} passes now: remove it from REFUSED` : '').toBe('refused');
          if (o.status === 'refused' && !o.reason.startsWith('graph.input')) {
            expect(o.reason).toMatch(new RegExp(`^node '[^']+' \\(${op}\\): .+ \\(supported: .+\\)$`));
          }
        } else {
          expect(o.status === 'pass' ? 'pass' : `${o.status}: ${o.reason}`).toBe('pass');
        }
      }
    });
  }

  it('every supported operator passes at least one of its node tests', () => {
    if (!present) return;
    const passing = new Set(tests.filter((t) => !refusedSet.has(t.test)).map((t) => t.op));
    const missing = SUPPORTED_OPS.filter((op) => !passing.has(op) && !COVERED_ELSEWHERE.has(op));
    expect(missing).toEqual([]);
  });
});
