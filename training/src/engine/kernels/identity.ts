import * as tf from '@tensorflow/tfjs';

/**
 * Identity that shares the input's memory (one more reference), as the cpu backend's does and
 * wasm's own Reshape does. The stock wasm kernel copies, and the gradient tape clones every
 * tensor it saves for the backward pass: three copies of each convolution's activations per step.
 * tfjs kernels never write their inputs, so sharing is safe.
 */
export function sharingIdentity(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return stock.kernelFunc({ inputs, backend, attrs });
    (backend as tf.KernelBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return { ...stock, kernelFunc };
}

/**
 * Cast to the tensor's own dtype is an identity too, shared the same way: ReLU's gradient casts
 * its float32 mask to float32, which the stock kernel copies.
 */
export function sharingCast(stock: tf.KernelConfig, identity: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (params) => {
    const { x } = params.inputs as { x: tf.TensorInfo };
    const { dtype } = params.attrs as unknown as tf.CastAttrs;
    return (x.dtype === dtype ? identity : stock).kernelFunc(params);
  };
  return { ...stock, kernelFunc };
}
