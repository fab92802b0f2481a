import { LettersError } from '@letters/training';
import { INPUT_NAME, OUTPUT_NAME } from './types.ts';

/** Refuses a model whose input or output names differ from the ONNX contract, naming what it has. */
export function checkContract(source: string, inputNames: readonly string[], outputNames: readonly string[]): void {
  if (!inputNames.includes(INPUT_NAME) || !outputNames.includes(OUTPUT_NAME)) {
    throw new LettersError(
      `${source}: expected input "${INPUT_NAME}" and output "${OUTPUT_NAME}", the model has inputs ` +
        `[${inputNames.join(', ')}] and outputs [${outputNames.join(', ')}]; export it with \`letters export\``,
    );
  }
}
