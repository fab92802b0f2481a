/**
 * ONNX QuantizeLinear / DequantizeLinear arithmetic as onnxruntime computes it, and the choice of scale
 * and zero point from a value range as onnxruntime.quantization makes it:
 * q = saturate(roundHalfToEven(x / scale) + zeroPoint), x' = (q - zeroPoint) * scale, in float32.
 */

export type QuantType = 'int8' | 'uint8' | 'int32';

/** The integers each type holds. */
export const QUANT_LIMITS: Readonly<Record<QuantType, readonly [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int32: [-2147483648, 2147483647],
};

/**
 * Weights are int8 in [-64, 64] (7 bits, onnxruntime's reduce_range): the u8s8 kernels of CPUs
 * without VNNI add two products in 16 bits, which full-range int8 weights can overflow.
 */
export const WEIGHT_RANGE: readonly [number, number] = [-64, 64];

/** Rounds to the nearest integer, ties to the even one (std::nearbyint under the default rounding mode). */
export function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return fraction < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** One value through QuantizeLinear: float32 division, rounding half to even, then saturation. */
export function quantizeValue(x: number, scale: number, zeroPoint: number, type: QuantType): number {
  const [low, high] = QUANT_LIMITS[type];
  const q = roundHalfToEven(Math.fround(Math.fround(x) / Math.fround(scale))) + zeroPoint;
  return Math.min(high, Math.max(low, q));
}

/** One value through DequantizeLinear, in float32. */
export function dequantizeValue(q: number, scale: number, zeroPoint: number): number {
  return Math.fround((q - zeroPoint) * Math.fround(scale));
}

export interface QuantParams {
  /** float32. */
  readonly scale: number;
  readonly zeroPoint: number;
}

/**
 * Scale and zero point mapping [min, max] onto [qmin, qmax]. The range always contains 0, so that 0
 * (padding, ReLU's zeros) is exact; symmetric ranges center on 0 with a zero point of 0.
 * An empty range (all values 0) gets scale 1.
 */
export function quantParams(min: number, max: number, [qmin, qmax]: readonly [number, number], symmetric: boolean): QuantParams {
  let low = Math.min(min, 0);
  let high = Math.max(max, 0);
  if (symmetric) {
    const absMax = Math.max(-low, high);
    [low, high] = [-absMax, absMax];
  }
  if (high === low) return { scale: 1, zeroPoint: 0 };
  const scale = Math.fround((high - low) / (qmax - qmin));
  const zeroPoint = symmetric ? 0 : Math.min(qmax, Math.max(qmin, roundHalfToEven(qmin - low / scale)));
  return { scale, zeroPoint };
}

/** Activations: uint8, asymmetric over the calibrated range. */
export const activationParams = (min: number, max: number): QuantParams => quantParams(min, max, QUANT_LIMITS.uint8, false);

/**
 * Per-channel symmetric int8 weights: one scale per slice along `axis` of a tensor with `dims`.
 * Returns the int8 values and the scales.
 */
export function quantizePerChannel(
  values: Float32Array,
  dims: readonly number[],
  axis: number,
): { quantized: Int8Array; scales: Float32Array } {
  const channels = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => Math.floor(i / inner) % channels;
  const absMax = new Float32Array(channels);
  values.forEach((v, i) => {
    const c = channelOf(i);
    absMax[c] = Math.max(absMax[c]!, Math.abs(v));
  });
  const scales = Float32Array.from(absMax, (m) => quantParams(-m, m, WEIGHT_RANGE, true).scale);
  const quantized = Int8Array.from(values, (v, i) => quantizeValue(v, scales[channelOf(i)]!, 0, 'int8'));
  return { quantized, scales };
}
