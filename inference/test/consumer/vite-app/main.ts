// A web page that embeds the classifier through a bundler: draws a letter, classifies it in the page.
import { Classifier } from '@letters/inference';

declare global {
  interface Window {
    result?: { label: string; probabilities: number[]; pixels: number[]; width: number; height: number } | { error: string };
  }
}

const canvas = document.getElementById('pad') as HTMLCanvasElement;
const context = canvas.getContext('2d')!;
context.fillStyle = '#ffffff';
context.fillRect(0, 0, canvas.width, canvas.height);
context.strokeStyle = '#111111';
context.lineWidth = 16;
context.lineCap = 'round';
context.beginPath();
// A "T": the bar, then the stem.
context.moveTo(50, 50);
context.lineTo(150, 50);
context.moveTo(100, 50);
context.lineTo(100, 160);
context.stroke();

try {
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  const classifier = await Classifier.create('./model.onnx');
  const [prediction] = await classifier.classify(pixels);
  const probabilities = await classifier.probabilities(pixels);
  await classifier.close();
  window.result = { label: prediction!.label, probabilities: Array.from(probabilities), pixels: Array.from(pixels.data), width: pixels.width, height: pixels.height };
} catch (error) {
  window.result = { error: error instanceof Error ? error.message : String(error) };
}
