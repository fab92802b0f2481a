/**
 * @letters/inference/preprocess: the one preprocessing shared by onnxruntime-node, onnxruntime-web and
 * the web demo. Browser-safe: plain TypeScript, no Node modules, no sharp.
 */
export { type RawImage, PreprocessError, MAX_PIXELS, toGray } from './raw-image.ts';
export {
  preprocess,
  preprocessInto,
  type PreprocessInfo,
  PREPROCESSING,
  IMAGE_SIZE,
  INK_BOX,
  MARGIN,
  INK_THRESHOLD,
  MIN_CONTRAST,
} from './letter.ts';
export { areaResample } from './area-resample.ts';
