/** `letters serve`: the prediction service over HTTP on loopback. */
import { LettersError } from '@letters/contract';
import { Classifier, runtimePackage } from '@letters/inference';
import { command } from '../command.ts';
import { classifierCliOptions, loopbackHost, numberInRange, onnxModelArgument, portOf, positiveInteger } from '../options.ts';
import { createServer, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_IMAGES, SHUTDOWN_GRACE_MS } from '../serve/server.ts';
import { untilStopped } from '../until-stopped.ts';

/** Longest --batch-delay: batching trades milliseconds of latency for throughput; a delay of minutes would hold every request. */
const MAX_BATCH_DELAY_MS = 5000;

export const serve = command(
  (y) =>
    y
      .positional('model', onnxModelArgument)
      .option('port', { type: 'number', default: 8080, coerce: portOf, describe: 'TCP port (0: any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', coerce: loopbackHost, describe: 'Loopback address to listen on (127.0.0.1, ::1, localhost)' })
      .option('runtime', { choices: ['node', 'web'] as const, default: 'node' as const })
      .option('batch-delay', { type: 'number', default: 2, describe: 'Milliseconds an idle session waits to batch concurrent requests' })
      .option('max-body', { type: 'number', default: DEFAULT_MAX_BODY_BYTES, describe: 'Largest request body in bytes (larger: 413)' })
      .option('max-images', { type: 'number', default: DEFAULT_MAX_IMAGES, describe: 'Most images per request (more: 413)' })
      .options(classifierCliOptions)
      .example('$0 serve models/tuned.onnx --port 8080', '')
      .example('curl --data-binary @letter.png -H "Content-Type: image/png" http://127.0.0.1:8080/predict?topK=3', ''),
  async (args) => {
    numberInRange('batch-delay', args.batchDelay, 0, MAX_BATCH_DELAY_MS, ' milliseconds');
    const classifier = await Classifier.create(args.model, {
      runtime: args.runtime,
      threads: args.threads,
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

    // Graceful shutdown: stop accepting, let in-flight requests finish for a bounded time (a client that
    // stopped sending its upload does not hold the server), then free the session.
    const reason = await untilStopped();
    process.stdout.write(`letters serve: ${reason}, finishing in-flight requests\n`);
    const grace = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await app.close();
    clearTimeout(grace);
    await classifier.close();
    process.stdout.write('letters serve: stopped\n');
  },
);
