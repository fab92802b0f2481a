import type * as tf from '@tensorflow/tfjs';

/**
 * Where each filter tap meets the input, for every output position of an NHWC convolution:
 * entry (n, oh, ow, kh, kw) holds the offset of input pixel (n, ih, iw, 0), or -1 where the tap
 * falls in padding. im2col and its adjoint col2im both walk this table, so the index arithmetic
 * (strides, dilations, padding) is written once. Training asks for the same few layer shapes
 * every step, so the last tables are kept.
 */
export function patchOffsets(info: tf.backend_util.Conv2DInfo): Int32Array {
  const key = JSON.stringify([
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
    info.dilationHeight, info.dilationWidth, info.padInfo.top, info.padInfo.left,
  ]);
  let offsets = recent.get(key);
  if (offsets === undefined) {
    if (recent.size >= keptTables) recent.delete(recent.keys().next().value!);
    recent.set(key, (offsets = computeOffsets(info)));
  }
  return offsets;
}

/** Enough for a deep convnet's layers, with and without a short last batch. */
const keptTables = 32;
const recent = new Map<string, Int32Array>();

function computeOffsets(info: tf.backend_util.Conv2DInfo): Int32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const offsets = new Int32Array(batchSize * outHeight * outWidth * filterHeight * filterWidth);
  let t = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight - padTop + kh * dilationHeight;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth - padLeft + kw * dilationWidth;
            const inside = ih >= 0 && ih < inHeight && iw >= 0 && iw < inWidth;
            offsets[t++] = inside ? ((n * inHeight + ih) * inWidth + iw) * inChannels : -1;
          }
        }
      }
    }
  }
  return offsets;
}
