// Public API of @letters/inference in browsers: the Classifier on onnxruntime-web (WebAssembly),
// reading pixels, ImageData, Blobs, bitmaps and canvases. Same preprocessing and results as in Node.
export * from './index.ts';
export { Classifier, type ClassifierInput, type ClassifierOptions } from './classifier/browser.ts';
export type { BrowserImage } from './classifier/decode-browser.ts';
