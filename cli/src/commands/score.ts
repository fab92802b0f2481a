import { once } from 'node:events';
import { LettersError } from '@letters/contract';
import { checkOutput, openFileAtomic, readHead } from '@letters/contract/node';
import { Classifier, DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, scoreFiles } from '@letters/inference';
import { progressBar } from '@letters/training';
import { command } from '../command.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { classifierCliOptions, onnxModelArgument, positiveInteger } from '../options.ts';
import { findImageFiles } from '../score/find-files.ts';
import { CSV_HEADER, formatRow, isScoreOutput, printableName, type ScoreFormat } from '../score/rows.ts';

interface Output {
  readonly stream: NodeJS.WritableStream;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

/** Rows go to `--out` under a temporary name renamed at the end, or to stdout. */
async function openOutput(out: string | undefined): Promise<Output> {
  if (out === undefined) return { stream: process.stdout, finish: async () => {}, abort: async () => {} };
  const file = await openFileAtomic(out).catch((error: Error) => {
    throw new LettersError(`--out ${out}: cannot write (${error.message}); choose another path`, { cause: error });
  });
  return { stream: file.stream, finish: file.commit, abort: file.abort };
}

/** Writes respecting back-pressure, so a slow disk or pipe bounds memory too. */
async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** `letters score`. */
export const score = command(
  (y) =>
    y
      .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'Image files, directories (every file below) or quoted globs' })
      .option('model', onnxModelArgument)
      .option('format', { choices: ['csv', 'jsonl'] as const, describe: 'Row format [default: csv, jsonl with --json]' })
      .option('out', { alias: 'o', type: 'string', describe: 'Write the rows to this file (atomically) instead of stdout' })
      .option('top-k', { type: 'number', default: 5, describe: 'Classes listed per file' })
      .option('concurrency', { type: 'number', default: 16, describe: 'Files decoded at the same time' })
      .option('max-bytes', { type: 'number', default: DEFAULT_MAX_BYTES, describe: 'Skip larger files' })
      .option('max-pixels', { type: 'number', default: DEFAULT_MAX_PIXELS, describe: 'Skip images with more pixels (decompression bombs)' })
      .option('runtime', { choices: ['node', 'web'] as const, default: 'node' as const })
      .options(classifierCliOptions)
      .example("$0 score scans/ 'more/**/*.jpg' --model models/tuned.onnx --out scores.csv", '')
      .epilog(`Exit codes: 0 every file scored; ${EXIT_CODES.partial} some files could not be read (listed on stderr, the rest are scored); 1 or 2 nothing was scored (bad model, options or inputs).`),
  async (args) => {
    const format: ScoreFormat = args.format ?? (args.json ? 'jsonl' : 'csv');
    const options = {
      batchSize: positiveInteger('batch-size', args.batchSize)!,
      concurrency: positiveInteger('concurrency', args.concurrency)!,
      topK: positiveInteger('top-k', args.topK)!,
      limits: { maxBytes: positiveInteger('max-bytes', args.maxBytes), maxPixels: positiveInteger('max-pixels', args.maxPixels) },
    };
    const { files, problems } = await findImageFiles(args.inputs);
    if (args.out !== undefined) {
      const recognise = async (path: string) => isScoreOutput((await readHead(path, CSV_HEADER.length)).toString('utf8'));
      await checkOutput(args.out, { kind: 'file', of: 'a letters score output', recognise }, { option: '--out', inputs: [args.model, ...files] });
    }
    const classifier = await Classifier.create(args.model, { runtime: args.runtime, threads: args.threads, maxBatch: options.batchSize });
    const output = await openOutput(args.out);
    // No bar between rows printed on a terminal; rows piped elsewhere leave stderr to the bar.
    const total = files.length + problems.length;
    const bar = progressBar({ label: 'score', total: files.length, unit: 'files', quiet: args.quiet || (args.out === undefined && process.stdout.isTTY) });
    const failures = [...problems];
    const started = performance.now();
    try {
      if (format === 'csv') await write(output.stream, CSV_HEADER);
      for await (const result of scoreFiles(classifier, files, options)) {
        if (result.error !== undefined) failures.push(printableName(result.error));
        else await write(output.stream, formatRow(format, result.file, result.prediction));
        bar.tick();
      }
      await output.finish();
    } catch (error) {
      await output.abort();
      throw error;
    } finally {
      bar.stop();
      await classifier.close();
    }
    const seconds = (performance.now() - started) / 1000;
    for (const failure of failures) process.stderr.write(`letters: skipped ${failure}\n`);
    if (!args.quiet) {
      const scored = total - failures.length;
      process.stderr.write(
        `scored ${scored} of ${total} files in ${seconds.toFixed(2)} s (${Math.round(scored / seconds)} files/s)` +
          `${failures.length > 0 ? `; ${failures.length} failed (listed above)` : ''}${args.out ? `; wrote ${args.out}` : ''}\n`,
      );
    }
    if (failures.length > 0) process.exitCode = EXIT_CODES.partial;
  },
);
