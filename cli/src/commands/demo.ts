/** `letters demo`: build the page if needed and serve it with the models, offline, until Ctrl-C. */
import { resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { LettersError } from '@letters/contract';
import { parityFromDataset, startDemoServer } from '@letters/web-demo';
import { command } from '../command.ts';
import { loopbackHost, portOf } from '../options.ts';
import { dataDirOption, datasetList, datasetOption } from '../training-options.ts';
import { untilStopped } from '../until-stopped.ts';

/** Parity images come from this dataset by default: real letters, the project's development set. */
const DEFAULT_PARITY_DATASET = 'byclass-letters';

/** The exported models in a folder, such as the pipeline's `runs/`. */
async function modelsIn(dir: string): Promise<string[]> {
  const models = (await glob('*.onnx', { cwd: dir, absolute: true })).sort();
  if (models.length === 0) {
    throw new LettersError(
      `--runs ${resolve(dir)}: no .onnx files; run \`letters pipeline\` first or pass --model <model.onnx>`,
    );
  }
  return models;
}

export const demo = command(
  (y) =>
    y
      .options({
        model: {
          type: 'string',
          array: true,
          describe: 'Exported .onnx model to offer; repeat for several (default: every .onnx in --runs)',
        },
        runs: {
          type: 'string',
          default: 'runs',
          describe: 'Folder whose .onnx files are offered when no --model is given (`letters pipeline --out`)',
        },
        port: { type: 'number', default: 4173, coerce: portOf, describe: 'Port to listen on (0: any free port)' },
        host: { type: 'string', default: '127.0.0.1', coerce: loopbackHost, describe: 'Loopback address to listen on (127.0.0.1, ::1, localhost)' },
        'data-dir': { ...dataDirOption, describe: `${dataDirOption.describe}, for the parity page` },
        'parity-dataset': {
          ...datasetOption('Real dataset whose test images the parity page runs in both runtimes'),
          default: DEFAULT_PARITY_DATASET,
        },
      })
      .example('$0 demo', 'offer the models `letters pipeline` wrote (runs/*.onnx), tuned.onnx by default')
      .example('$0 demo --model a.onnx --model b.onnx --port 8080', 'offer two models on :8080')
      .epilogue(datasetList()),
  async (args) => {
    const server = await startDemoServer({
      models: args.model ?? (await modelsIn(args.runs)),
      port: args.port,
      host: args.host,
      quiet: args.quiet || args.json,
      parity: parityFromDataset({ dataset: args['parity-dataset'], dataDir: args['data-dir'] }),
    });
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ url: server.url, parityUrl: `${server.url}?parity` })}\n`);
    } else {
      process.stdout.write(
        `letters demo: ${server.url}  (parity check: ${server.url}?parity)\n` +
          `${server.built ? 'built the page; ' : ''}serving offline; Ctrl-C stops\n`,
      );
    }
    await untilStopped();
    await server.close();
  },
);
