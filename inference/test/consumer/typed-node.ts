// A strict TypeScript consumer in Node (module and moduleResolution nodenext): every package's types.
import { compareOutputs, LettersError, withinTolerance, type Comparison } from '@letters/contract';
import { writeFileAtomic } from '@letters/contract/node';
import { exportToOnnx, type ExportReport } from '@letters/export';
import { Classifier, checkRuntimeParity, seededImages, type ClassifierOptions, type Prediction } from '@letters/inference';
import { preprocess, type RawImage } from '@letters/inference/preprocess';
import { buildModel, CONVNET_MODEL, loadDataset, type DatasetSplits } from '@letters/training';
import { startDemoServer, type DemoServer } from '@letters/web-demo';

const options: ClassifierOptions = { runtime: 'web', maxBatch: 8, decode: { maxBytes: 1 << 20 } };
const classifier = await Classifier.create('model.onnx', options);
const predictions: Prediction[] = await classifier.classify(['a.png', new Uint8Array(8)], { topK: 3 });
const pixels: RawImage = { data: new Uint8Array(4), width: 2, height: 2, channels: 1 };
const probabilities: Float32Array = await classifier.probabilities([pixels, preprocess(pixels)]);
const comparison: Comparison = compareOutputs(['a', 'b'], probabilities, probabilities, classifier.classes);
if (!withinTolerance(comparison, 1e-4)) throw new LettersError(predictions[0]!.label, { kind: 'parity' });
// @ts-expect-error wasmPaths belongs to the browser entry
await Classifier.create('model.onnx', { wasmPaths: '/ort/' });
// @ts-expect-error a kind the error type does not have
new LettersError('message', { kind: 'other' });

const parity = await checkRuntimeParity('model.onnx', seededImages(4), { tolerance: 1e-4 });
const data: DatasetSplits = await loadDataset('fixtures');
const { onnx, report }: { onnx: Uint8Array; report: ExportReport } = await exportToOnnx(buildModel(CONVNET_MODEL, { numClasses: 27, seed: 1 }));
await writeFileAtomic('model.onnx', onnx);
const server: DemoServer = await startDemoServer({ models: ['model.onnx'], parity: async () => { throw new Error(`${parity.passed} ${data.train.count} ${report.bytes}`); } });
await server.close();
