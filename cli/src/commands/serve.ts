/** `letters serve`: the prediction service over HTTP on loopback. */
import { LettersError } from '@letters/contract';
import { Classifier, runtimePackage } from '@letters/inference';
import { command } from '../command.ts';
import { classifierCliOptions, onnxModelArgument, positiveInteger } from '../options.ts';
import { createServer, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_IMAGES } from '../serve/server.ts';
import { untilStopped } from '../until-stopped.ts';

/** The service has no authentication: it listens on loopback only; put a reverse proxy in front to expose it. */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export const serve = command(
  (y) =>
    y
      .positional('model', onnxModelArgument)
      .option('port', { type: 'number', default: 8080, describe: 'TCP port (0: any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Loopback address to listen on (127.0.0.1, ::1, localhost)' })
      .option('runtime', { choices: ['node', 'web'] as const, default: 'node' as const })
      .option('batch-delay', { type: 'number', default: 2, describe: 'Milliseconds an idle session waits to batch concurrent requests' })
      .option('max-body', { type: 'number', default: DEFAULT_MAX_BODY_BYTES, describe: 'Largest request body in bytes (larger: 413)' })
      .option('max-images', { type: 'number', default: DEFAULT_MAX_IMAGES, describe: 'Most images per request (more: 413)' })
      .options(classifierCliOptions)
      .example('$0 serve models/tuned.onnx --port 8080', '')
      .example('curl --data-binary @letter.png -H "Content-Type: image/png" http://127.0.0.1:8080/predict?topK=3', ''),
  async (args) => {
    if (!LOOPBACK.has(args.host)) {
      throw new LettersError(`--host ${args.host}: the service has no authentication and listens on loopback only; use 127.0.0.1 or ::1 behind a reverse proxy`, { kind: 'usage' });
    }
    if (!(Number.isInteger(args.port) && args.port >= 0 && args.port < 65536)) {
      throw new LettersError(`--port ${args.port}: use a port number from 0 to 65535`, { kind: 'usage' });
    }
    if (!(args.batchDelay >= 0)) throw new LettersError(`--batch-delay ${args.batchDelay}: use milliseconds >= 0`, { kind: 'usage' });
    const classifier = await Classifier.create(args.model, {
      runtime: args.runtime,
      threads: positiveInteger('threads', args.threads),
      maxBatch: positiveInteger('batch-size', args.batchSize),
      batchDelayMs: args.batchDelay,
    });
    const app = createServer(classifier, {
      maxBodyBytes: positiveInteger('max-body', args.maxBody),
      maxImages: positiveInteger('max-images', args.maxImages),
    });
    let address: string;
    try {
      address = await app.listen({ port: args.port, host: args.host });
    } catch (error) {
      await classifier.close();
      throw new LettersError(`--port ${args.port}: cannot listen on ${args.host} (${(error as Error).message}); choose another port`, { cause: error });
    }
    process.stdout.write(`letters serve: ${args.model} on ${runtimePackage(classifier.runtime)}, listening on ${address}\n`);

    // Graceful shutdown: stop accepting, let in-flight requests finish, then free the session.
    const reason = await untilStopped();
    process.stdout.write(`letters serve: ${reason}, finishing in-flight requests\n`);
    await app.close();
    await classifier.close();
    process.stdout.write('letters serve: stopped\n');
  },
);
