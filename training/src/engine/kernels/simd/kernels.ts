// @ts-nocheck: AssemblyScript (v128, f32x4, usize, load/store), compiled to kernels.wasm by build.ts, not by tsc.
//
// SIMD loops for the wasm training kernels. The module imports the wasm backend's memory, so
// every pointer here is a byte offset of a tensor on the backend's heap: nothing is copied in or
// out, and the module has no memory or data of its own (simd-kernels.test.ts checks that).
// The convolution loops take the same geometry arguments, in the order of load.ts's ConvGeometry.

/** Zero-or-load: 4 floats at `address`, or zeros when the pixel lies in padding (`inside` false). */
// @ts-ignore: decorator
@inline function loadOrZero(inside: bool, address: usize): v128 {
  return inside ? v128.load(address) : f32x4.splat(0);
}

/**
 * The transposed im2col matrix of NHWC `x`: row (kh, kw, ci), column (n, oh, ow) holds the input
 * pixel that filter tap meets at that output position, 0 in padding. Four output positions at a
 * time: their four-channel pixels are loaded as rows of a 4x4 block, transposed in registers and
 * stored as four-position runs of four rows.
 */
export function im2colTransposed(
  x: usize, cols: usize,
  batch: i32, inHeight: i32, inWidth: i32, channels: i32,
  outHeight: i32, outWidth: i32, filterHeight: i32, filterWidth: i32,
  strideHeight: i32, strideWidth: i32, dilationHeight: i32, dilationWidth: i32, padTop: i32, padLeft: i32,
): void {
  const positions = batch * outHeight * outWidth;
  const rowBytes = <usize>positions << 2;
  const channels4 = channels & ~3;
  let p = 0;
  for (; p + 4 <= positions; p += 4) {
    // Where each of the four positions' windows starts: image row offset, top row, left column.
    const ow0 = p % outWidth, t0 = p / outWidth;
    const ow1 = (p + 1) % outWidth, t1 = (p + 1) / outWidth;
    const ow2 = (p + 2) % outWidth, t2 = (p + 2) / outWidth;
    const ow3 = (p + 3) % outWidth, t3 = (p + 3) / outWidth;
    const ih0 = (t0 % outHeight) * strideHeight - padTop, n0 = (t0 / outHeight) * inHeight;
    const ih1 = (t1 % outHeight) * strideHeight - padTop, n1 = (t1 / outHeight) * inHeight;
    const ih2 = (t2 % outHeight) * strideHeight - padTop, n2 = (t2 / outHeight) * inHeight;
    const ih3 = (t3 % outHeight) * strideHeight - padTop, n3 = (t3 / outHeight) * inHeight;
    const iw0 = ow0 * strideWidth - padLeft, iw1 = ow1 * strideWidth - padLeft;
    const iw2 = ow2 * strideWidth - padLeft, iw3 = ow3 * strideWidth - padLeft;
    for (let kh = 0; kh < filterHeight; kh++) {
      const dh = kh * dilationHeight;
      const r0 = ih0 + dh, r1 = ih1 + dh, r2 = ih2 + dh, r3 = ih3 + dh;
      for (let kw = 0; kw < filterWidth; kw++) {
        const dw = kw * dilationWidth;
        const c0 = iw0 + dw, c1 = iw1 + dw, c2 = iw2 + dw, c3 = iw3 + dw;
        const in0 = <u32>r0 < <u32>inHeight && <u32>c0 < <u32>inWidth;
        const in1 = <u32>r1 < <u32>inHeight && <u32>c1 < <u32>inWidth;
        const in2 = <u32>r2 < <u32>inHeight && <u32>c2 < <u32>inWidth;
        const in3 = <u32>r3 < <u32>inHeight && <u32>c3 < <u32>inWidth;
        const s0 = x + (<usize>(((n0 + r0) * inWidth + c0) * channels) << 2);
        const s1 = x + (<usize>(((n1 + r1) * inWidth + c1) * channels) << 2);
        const s2 = x + (<usize>(((n2 + r2) * inWidth + c2) * channels) << 2);
        const s3 = x + (<usize>(((n3 + r3) * inWidth + c3) * channels) << 2);
        let out = cols + rowBytes * <usize>((kh * filterWidth + kw) * channels) + (<usize>p << 2);
        let ci = 0;
        for (; ci < channels4; ci += 4) {
          const offset = <usize>ci << 2;
          const a = loadOrZero(in0, s0 + offset);
          const b = loadOrZero(in1, s1 + offset);
          const c = loadOrZero(in2, s2 + offset);
          const d = loadOrZero(in3, s3 + offset);
          const ab01 = v128.shuffle<i32>(a, b, 0, 4, 1, 5);
          const ab23 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
          const cd01 = v128.shuffle<i32>(c, d, 0, 4, 1, 5);
          const cd23 = v128.shuffle<i32>(c, d, 2, 6, 3, 7);
          v128.store(out, v128.shuffle<i32>(ab01, cd01, 0, 1, 4, 5));
          v128.store(out + rowBytes, v128.shuffle<i32>(ab01, cd01, 2, 3, 6, 7));
          v128.store(out + 2 * rowBytes, v128.shuffle<i32>(ab23, cd23, 0, 1, 4, 5));
          v128.store(out + 3 * rowBytes, v128.shuffle<i32>(ab23, cd23, 2, 3, 6, 7));
          out += 4 * rowBytes;
        }
        for (; ci < channels; ci++, out += rowBytes) {
          const offset = <usize>ci << 2;
          store<f32>(out, in0 ? load<f32>(s0 + offset) : 0);
          store<f32>(out + 4, in1 ? load<f32>(s1 + offset) : 0);
          store<f32>(out + 8, in2 ? load<f32>(s2 + offset) : 0);
          store<f32>(out + 12, in3 ? load<f32>(s3 + offset) : 0);
        }
      }
    }
  }
  // The last positions % 4 columns, one at a time.
  for (; p < positions; p++) {
    const ow = p % outWidth, t = p / outWidth;
    const ih = (t % outHeight) * strideHeight - padTop, n = (t / outHeight) * inHeight;
    const iw = ow * strideWidth - padLeft;
    for (let kh = 0; kh < filterHeight; kh++) {
      const r = ih + kh * dilationHeight;
      for (let kw = 0; kw < filterWidth; kw++) {
        const c = iw + kw * dilationWidth;
        const inside = <u32>r < <u32>inHeight && <u32>c < <u32>inWidth;
        const source = x + (<usize>(((n + r) * inWidth + c) * channels) << 2);
        let out = cols + rowBytes * <usize>((kh * filterWidth + kw) * channels) + (<usize>p << 2);
        for (let ci = 0; ci < channels; ci++, out += rowBytes) {
          store<f32>(out, inside ? load<f32>(source + (<usize>ci << 2)) : 0);
        }
      }
    }
  }
}

/** The first output row (or column) whose window tap at `tapOffset` (kh · dilation) lies inside the input. */
// @ts-ignore: decorator
@inline function firstInside(pad: i32, tapOffset: i32, stride: i32): i32 {
  const need = pad - tapOffset;
  return need <= 0 ? 0 : (need + stride - 1) / stride;
}

/** The last such output row (or column), or -1 if none; `outSize` bounds it. */
// @ts-ignore: decorator
@inline function lastInside(inSize: i32, pad: i32, tapOffset: i32, stride: i32, outSize: i32): i32 {
  const room = inSize - 1 + pad - tapOffset;
  return room < 0 ? -1 : min(room / stride, outSize - 1);
}

/**
 * dL/dfilter (HWIO) of an NHWC convolution computed directly: for each filter row (kh, kw, ci)
 * and block of 16 output channels, sums x(position + tap) · dy(position) over one image's
 * output positions in four SIMD registers, then adds that image's sum to `dw` (so float32 sums
 * stay short). Meant for filters with few taps · input channels (first layers), where the
 * matmul formulation spends its time moving data. Only positions whose tap lies inside the
 * input are visited (the bounds are worked out per tap), so the inner loop has no branches.
 */
export function conv2dFilterGradient(
  x: usize, dy: usize, dw: usize, outChannels: i32,
  batch: i32, inHeight: i32, inWidth: i32, inChannels: i32, outHeight: i32, outWidth: i32,
  filterHeight: i32, filterWidth: i32,
  strideHeight: i32, strideWidth: i32, dilationHeight: i32, dilationWidth: i32, padTop: i32, padLeft: i32,
): void {
  memory.fill(dw, 0, <usize>(filterHeight * filterWidth * inChannels * outChannels) << 2);
  const pixelBytes = <usize>inChannels << 2;
  const gradientBytes = <usize>outChannels << 2;
  const xStride = <usize>strideWidth * pixelBytes;
  for (let n = 0; n < batch; n++) {
    for (let kh = 0; kh < filterHeight; kh++) {
      const tapRow = kh * dilationHeight;
      const ohFirst = firstInside(padTop, tapRow, strideHeight);
      const ohLast = lastInside(inHeight, padTop, tapRow, strideHeight, outHeight);
      for (let kw = 0; kw < filterWidth; kw++) {
        const tapColumn = kw * dilationWidth;
        const owFirst = firstInside(padLeft, tapColumn, strideWidth);
        const owLast = lastInside(inWidth, padLeft, tapColumn, strideWidth, outWidth);
        const iwFirst = owFirst * strideWidth - padLeft + tapColumn;
        for (let ci = 0; ci < inChannels; ci++) {
          const row = dw + (<usize>(((kh * filterWidth + kw) * inChannels + ci) * outChannels) << 2);
          for (let co = 0; co < outChannels; ) {
            const width = outChannels - co >= 16 ? 16 : outChannels - co >= 4 ? 4 : 1;
            let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0), acc2 = f32x4.splat(0), acc3 = f32x4.splat(0);
            let accScalar: f32 = 0;
            for (let oh = ohFirst; oh <= ohLast; oh++) {
              const ih = oh * strideHeight - padTop + tapRow;
              let pixel = x + <usize>(((n * inHeight + ih) * inWidth + iwFirst) * inChannels + ci) * 4;
              let g = dy + <usize>(((n * outHeight + oh) * outWidth + owFirst) * outChannels + co) * 4;
              if (width === 16) {
                for (let ow = owFirst; ow <= owLast; ow++, pixel += xStride, g += gradientBytes) {
                  const value = f32x4.splat(load<f32>(pixel));
                  acc0 = f32x4.add(acc0, f32x4.mul(value, v128.load(g)));
                  acc1 = f32x4.add(acc1, f32x4.mul(value, v128.load(g, 16)));
                  acc2 = f32x4.add(acc2, f32x4.mul(value, v128.load(g, 32)));
                  acc3 = f32x4.add(acc3, f32x4.mul(value, v128.load(g, 48)));
                }
              } else if (width === 4) {
                for (let ow = owFirst; ow <= owLast; ow++, pixel += xStride, g += gradientBytes) {
                  acc0 = f32x4.add(acc0, f32x4.mul(f32x4.splat(load<f32>(pixel)), v128.load(g)));
                }
              } else {
                for (let ow = owFirst; ow <= owLast; ow++, pixel += xStride, g += gradientBytes) {
                  accScalar += load<f32>(pixel) * load<f32>(g);
                }
              }
            }
            const out = row + (<usize>co << 2);
            if (width === 1) {
              store<f32>(out, load<f32>(out) + accScalar);
            } else {
              v128.store(out, f32x4.add(v128.load(out), acc0));
              if (width === 16) {
                v128.store(out, f32x4.add(v128.load(out, 16), acc1), 16);
                v128.store(out, f32x4.add(v128.load(out, 32), acc2), 32);
                v128.store(out, f32x4.add(v128.load(out, 48), acc3), 48);
              }
            }
            co += width;
          }
        }
      }
    }
  }
}

/**
 * dL/dx of 2x2 max pooling at stride 2 without padding, four channels per SIMD operation: each
 * output's gradient goes to the first maximum of its window in row-major order (strict
 * comparisons), chosen with comparison masks instead of branches. Rows or columns left over by
 * odd sizes get 0.
 */
export function maxPool2x2Gradient(
  x: usize, dy: usize, dx: usize,
  batch: i32, inHeight: i32, inWidth: i32, channels: i32, outHeight: i32, outWidth: i32,
): void {
  if (2 * outHeight < inHeight || 2 * outWidth < inWidth) {
    memory.fill(dx, 0, <usize>(batch * inHeight * inWidth * channels) << 2);
  }
  const pixelBytes = <usize>channels << 2;
  const rowBytes = <usize>(inWidth * channels) << 2;
  const channels4 = channels & ~3;
  let g = dy;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const upperRow = <usize>((n * inHeight + 2 * oh) * inWidth * channels) << 2;
      for (let ow = 0; ow < outWidth; ow++) {
        // Window corners: upper left (a), upper right (b), lower left (d), lower right (e).
        const pa = upperRow + <usize>(2 * ow) * pixelBytes;
        const pb = pa + pixelBytes;
        const pd = pa + rowBytes;
        const pe = pd + pixelBytes;
        let c = 0;
        for (; c < channels4; c += 4, g += 16) {
          const offset = <usize>c << 2;
          const a = v128.load(x + pa + offset);
          const b = v128.load(x + pb + offset);
          const d = v128.load(x + pd + offset);
          const e = v128.load(x + pe + offset);
          const grad = v128.load(g);
          const upperRight = f32x4.gt(b, a);
          const lowerRight = f32x4.gt(e, d);
          // The lower row wins only if its maximum beats both upper values (ties stay upper).
          const lower = v128.or(v128.and(f32x4.gt(d, a), f32x4.gt(d, b)), v128.and(f32x4.gt(e, a), f32x4.gt(e, b)));
          const upperGrad = v128.andnot(grad, lower);
          const lowerGrad = v128.and(grad, lower);
          v128.store(dx + pa + offset, v128.andnot(upperGrad, upperRight));
          v128.store(dx + pb + offset, v128.and(upperGrad, upperRight));
          v128.store(dx + pd + offset, v128.andnot(lowerGrad, lowerRight));
          v128.store(dx + pe + offset, v128.and(lowerGrad, lowerRight));
        }
        for (; c < channels; c++, g += 4) {
          const offset = <usize>c << 2;
          const a = load<f32>(x + pa + offset);
          const b = load<f32>(x + pb + offset);
          const d = load<f32>(x + pd + offset);
          const e = load<f32>(x + pe + offset);
          const grad = load<f32>(g);
          const upperRight = b > a;
          const lowerRight = e > d;
          const lower = (d > a && d > b) || (e > a && e > b);
          store<f32>(dx + pa + offset, !lower && !upperRight ? grad : 0);
          store<f32>(dx + pb + offset, !lower && upperRight ? grad : 0);
          store<f32>(dx + pd + offset, lower && !lowerRight ? grad : 0);
          store<f32>(dx + pe + offset, lower && lowerRight ? grad : 0);
        }
      }
    }
  }
}

/**
 * The adjoint of im2col: adds each row (n, oh, ow) of `cols` [positions, KH·KW·C] back into the
 * NHWC pixels its taps were gathered from (`dx` is overwritten), four channels per operation.
 */
export function col2im(
  cols: usize, dx: usize,
  batch: i32, inHeight: i32, inWidth: i32, channels: i32,
  outHeight: i32, outWidth: i32, filterHeight: i32, filterWidth: i32,
  strideHeight: i32, strideWidth: i32, dilationHeight: i32, dilationWidth: i32, padTop: i32, padLeft: i32,
): void {
  memory.fill(dx, 0, <usize>(batch * inHeight * inWidth * channels) << 2);
  const channels4 = channels & ~3;
  const pixelBytes = <usize>channels << 2;
  let column = cols;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight - padTop + kh * dilationHeight;
          const rowInside = <u32>ih < <u32>inHeight;
          for (let kw = 0; kw < filterWidth; kw++, column += pixelBytes) {
            const iw = ow * strideWidth - padLeft + kw * dilationWidth;
            if (!rowInside || <u32>iw >= <u32>inWidth) continue;
            const pixel = dx + (<usize>(((n * inHeight + ih) * inWidth + iw) * channels) << 2);
            let c = 0;
            for (; c < channels4; c += 4) {
              const offset = <usize>c << 2;
              v128.store(pixel + offset, f32x4.add(v128.load(pixel + offset), v128.load(column + offset)));
            }
            for (; c < channels; c++) {
              const offset = <usize>c << 2;
              store<f32>(pixel + offset, load<f32>(pixel + offset) + load<f32>(column + offset));
            }
          }
        }
      }
    }
  }
}

/**
 * Column sums of a float32 [rows, columns] matrix, times `scale`, into `out`. Accumulates in
 * float64 (`sums`: room for `columns` doubles), so it is at least as accurate as the cpu
 * backend's float32 sum.
 */
export function sumRows(x: usize, rows: i32, columns: i32, out: usize, sums: usize, scale: f64): void {
  const columns4 = columns & ~3;
  memory.fill(sums, 0, <usize>columns << 3);
  let row = x;
  for (let r = 0; r < rows; r++) {
    let c = 0;
    for (; c < columns4; c += 4) {
      const v = v128.load(row + (<usize>c << 2));
      const low = sums + (<usize>c << 3);
      const high = low + 16;
      v128.store(low, f64x2.add(v128.load(low), f64x2.promote_low_f32x4(v)));
      v128.store(high, f64x2.add(v128.load(high), f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 0, 1))));
    }
    for (; c < columns; c++) {
      const sum = sums + (<usize>c << 3);
      store<f64>(sum, load<f64>(sum) + <f64>load<f32>(row + (<usize>c << 2)));
    }
    row += <usize>columns << 2;
  }
  for (let c = 0; c < columns; c++) store<f32>(out + (<usize>c << 2), <f32>(load<f64>(sums + (<usize>c << 3)) * scale));
}

/**
 * Batch normalization with per-channel statistics over a [rows, channels] tensor:
 * out = (x - mean) · scale / sqrt(variance + epsilon) + offset. The per-channel factor is worked
 * out once into `factors` (room for `channels` floats). `offset` and `scale` are used only when
 * `hasOffset` / `hasScale` (pointer 0 is a valid heap address).
 */
export function batchNorm(
  x: usize, out: usize, rows: i32, channels: i32,
  mean: usize, variance: usize, offset: usize, scale: usize, hasOffset: bool, hasScale: bool, epsilon: f32,
  factors: usize,
): void {
  for (let c = 0; c < channels; c++) {
    const at = <usize>c << 2;
    const gain: f32 = hasScale ? load<f32>(scale + at) : 1;
    store<f32>(factors + at, gain / Mathf.sqrt(load<f32>(variance + at) + epsilon));
  }
  const channels4 = channels & ~3;
  const zero = f32x4.splat(0);
  let input = x;
  let output = out;
  for (let r = 0; r < rows; r++) {
    let c = 0;
    for (; c < channels4; c += 4) {
      const at = <usize>c << 2;
      const shift = hasOffset ? v128.load(offset + at) : zero;
      const centred = f32x4.sub(v128.load(input + at), v128.load(mean + at));
      v128.store(output + at, f32x4.add(f32x4.mul(centred, v128.load(factors + at)), shift));
    }
    for (; c < channels; c++) {
      const at = <usize>c << 2;
      const shift: f32 = hasOffset ? load<f32>(offset + at) : 0;
      store<f32>(output + at, (load<f32>(input + at) - load<f32>(mean + at)) * load<f32>(factors + at) + shift);
    }
    input += <usize>channels << 2;
    output += <usize>channels << 2;
  }
}

/** Operation codes of `channelwise`, as in channelwise.ts. */
// @ts-ignore: decorator
@inline function operate(op: i32, a: v128, b: v128): v128 {
  if (op === 0) return f32x4.add(a, b);
  if (op === 1) return f32x4.sub(a, b);
  if (op === 2) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

// @ts-ignore: decorator
@inline function operateScalar(op: i32, a: f32, b: f32): f32 {
  if (op === 0) return a + b;
  if (op === 1) return a - b;
  if (op === 2) return a * b;
  return a / b;
}

/**
 * A binary operation between a [rows, channels] tensor and a per-channel vector (a bias, a
 * BatchNorm factor): out = x op vector, or vector op x when `vectorFirst`.
 */
export function channelwise(
  op: i32, x: usize, vector: usize, out: usize, rows: i32, channels: i32, vectorFirst: bool,
): void {
  const channels4 = channels & ~3;
  const rowBytes = <usize>channels << 2;
  let input = x;
  let output = out;
  for (let r = 0; r < rows; r++, input += rowBytes, output += rowBytes) {
    let c = 0;
    for (; c < channels4; c += 4) {
      const at = <usize>c << 2;
      const a = v128.load(input + at);
      const v = v128.load(vector + at);
      v128.store(output + at, vectorFirst ? operate(op, v, a) : operate(op, a, v));
    }
    for (; c < channels; c++) {
      const at = <usize>c << 2;
      const a = load<f32>(input + at);
      const v = load<f32>(vector + at);
      store<f32>(output + at, vectorFirst ? operateScalar(op, v, a) : operateScalar(op, a, v));
    }
  }
}
