import * as tf from '@tensorflow/tfjs';

/**
 * The stock wasm BatchMatMul uses XNNPACK only for batch 1 without transposes and falls back to
 * a naive triple loop otherwise, which is what every Dense layer's backward pass asks for
 * (dy · Wᵀ and xᵀ · dy). Transposing explicitly (a cheap copy) keeps those on XNNPACK.
 */
export function batchMatMulWithTransposes(stock: tf.KernelConfig): tf.KernelConfig {
  const transpose = tf.getKernel(tf.Transpose, 'wasm')!.kernelFunc;
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const batch = (t: tf.TensorInfo) => tf.util.sizeFromShape(t.shape.slice(0, -2));
    if ((!transposeA && !transposeB) || batch(a) !== 1 || batch(b) !== 1) {
      return stock.kernelFunc({ inputs, backend, attrs });
    }
    const swapLast = (t: tf.TensorInfo) => {
      const perm = t.shape.map((_, i) => i);
      perm.push(...perm.splice(-2).reverse());
      return transpose({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
    };
    const a2 = transposeA ? swapLast(a) : a;
    const b2 = transposeB ? swapLast(b) : b;
    const out = stock.kernelFunc({
      inputs: { a: a2, b: b2 },
      backend,
      attrs: { transposeA: false, transposeB: false },
    });
    const wasm = backend as tf.KernelBackend;
    if (a2 !== a) wasm.disposeData(a2.dataId);
    if (b2 !== b) wasm.disposeData(b2.dataId);
    return out;
  };
  return { ...stock, kernelFunc };
}
