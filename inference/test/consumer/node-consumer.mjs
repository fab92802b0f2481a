// A consumer of the packed packages in plain Node (no TypeScript, no tsx): classifies image files and
// prints the predictions and the probabilities as JSON.
import { Classifier } from '@letters/inference';

const [model, ...files] = process.argv.slice(2);
const classifier = await Classifier.create(model);
const predictions = await classifier.classify(files, { topK: 3 });
const probabilities = await classifier.probabilities(files);
await classifier.close();
process.stdout.write(`${JSON.stringify({ predictions, probabilities: Array.from(probabilities) })}\n`);
