// A strict TypeScript consumer in a browser app (moduleResolution bundler, DOM types): the browser entry.
import { Classifier, type ClassifierOptions, type Prediction } from '@letters/inference';

const options: ClassifierOptions = { wasmPaths: '/ort/', threads: 1, maxBatch: 16 };
const classifier = await Classifier.create(new URL('/model.onnx', location.href), options);
const canvas = document.createElement('canvas');
const [best]: Prediction[] = await classifier.classify(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height));
const fromFile: Prediction[] = await classifier.classify([new Blob([]), canvas]);
console.log(best?.label, fromFile.length);
// @ts-expect-error the Node runtimes are the Node entry's
await Classifier.create('model.onnx', { runtime: 'node' });
// @ts-expect-error file paths are the Node entry's; in a browser a string is not an image
await classifier.classify('scan.png');
await classifier.close();
