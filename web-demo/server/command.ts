import { once } from 'node:events';
import type { LettersCommand } from '@letters/training';
import { parityFromDataset } from './parity.ts';
import { startDemoServer } from './serve.ts';

/** Parity images come from this dataset by default: real letters, the project's development set. */
const DEFAULT_PARITY_DATASET = 'byclass-letters';

/** `letters demo`: build the page if needed and serve it with the models, offline, until Ctrl-C. */
export const demoCommands: LettersCommand = (cli) =>
  cli.command(
    'demo',
    'Serve the web demo: draw a letter, classify it in the browser (offline)',
    (y) =>
      y
        .options({
          model: {
            type: 'string',
            array: true,
            demandOption: 'pass --model <model.onnx> (from `letters export`), once per model to offer',
            describe: 'Exported .onnx model to offer; repeat for several. A name with "tuned" is the default',
          },
          port: { type: 'number', default: 4173, describe: 'Port to listen on (0: any free port)' },
          host: { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' },
          'data-dir': {
            type: 'string',
            describe: 'Where the datasets are, for the parity page (default: LETTERS_DATA_DIR, else ./data)',
          },
          'parity-dataset': {
            type: 'string',
            default: DEFAULT_PARITY_DATASET,
            describe: 'Real dataset whose test images the parity page runs in both runtimes',
          },
        })
        .example('$0 demo --model tuned.onnx --model baseline.onnx', 'offer two models on :4173'),
    async (args) => {
      const server = await startDemoServer({
        models: args.model,
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
      await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
      await server.close();
    },
  );
