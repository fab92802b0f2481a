import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { LettersError } from '@letters/contract';
import type { Classifier, Prediction } from '@letters/inference';

export interface ServerOptions {
  /** Largest request body in bytes (default 8 MiB); larger requests get 413. */
  readonly maxBodyBytes?: number;
  /** Most images in one JSON request (default 256); more get 413. */
  readonly maxImages?: number;
  /** Top-k when a request names none (default 5). */
  readonly defaultTopK?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_IMAGES = 256;
/** A request's headers and body must arrive within this time (a stalled upload gets 408 and is closed). */
export const BODY_TIMEOUT_MS = 30_000;
/** How long a stop waits for in-flight requests before it closes their connections. */
export const SHUTDOWN_GRACE_MS = 3_000;

/** The JSON body of a multi-image request. */
interface PredictJson {
  images?: unknown;
  topK?: unknown;
}

/** A request error answered as `{ "error": { "code", "message" } }` with its HTTP status. */
class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function topKOf(value: unknown, fallback: number, classes: number): number {
  if (value === undefined) return fallback;
  const k = Number(value);
  if (!Number.isInteger(k) || k < 1 || k > classes) {
    throw new HttpError(400, 'bad_top_k', `topK must be an integer from 1 to ${classes}`);
  }
  return k;
}

/**
 * The prediction service, without listening (tests use `inject` or listen on port 0):
 * - `GET /health` -> `{ status: "ok", model, runtime, classes, stats }`;
 * - `POST /predict` with one image as the body (`Content-Type: image/*` or `application/octet-stream`,
 *   `?topK=`) or JSON `{ "images": ["<base64>", ...], "topK": 5 }` -> `{ predictions: [...] }`, in order.
 * Concurrent requests share session runs through the classifier's micro-batching.
 */
export function createServer(classifier: Classifier, options: ServerOptions = {}): FastifyInstance {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxImages = options.maxImages ?? DEFAULT_MAX_IMAGES;
  const defaultTopK = Math.min(options.defaultTopK ?? 5, classifier.classes);
  const app = Fastify({ bodyLimit: maxBodyBytes, requestTimeout: BODY_TIMEOUT_MS, return503OnClosing: true, forceCloseConnections: 'idle' });

  // Responses finished during shutdown close their connection; otherwise an idle keep-alive
  // connection would hold the closing server open until its keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });

  // Only JSON and image bodies: without the text parser, other types get 415.
  app.removeContentTypeParser('text/plain');
  for (const type of ['application/octet-stream', /^image\//]) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  }

  app.setErrorHandler((error: FastifyError | HttpError, _request, reply) => {
    const statusCode = error.statusCode ?? 500;
    const code =
      error instanceof HttpError
        ? error.code
        : statusCode === 413
          ? 'too_large'
          : statusCode === 415
            ? 'unsupported_media_type'
            : statusCode < 500
              ? 'bad_request'
              : 'internal';
    const message =
      statusCode === 413 && !(error instanceof HttpError)
        ? `request body exceeds the limit of ${maxBodyBytes} bytes`
        : statusCode === 415
          ? 'send an image body (Content-Type image/png, image/jpeg, ... or application/octet-stream) or JSON {"images": [base64, ...]}'
          : statusCode >= 500
            ? 'internal error'
            : error.message;
    if (statusCode >= 500) app.log.error(error);
    void reply.status(statusCode).send({ error: { code, message } });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'not_found', message: `${request.method} ${request.url}: use GET /health or POST /predict` } });
  });

  app.get('/health', async () => ({
    status: 'ok',
    model: classifier.source,
    runtime: classifier.runtime,
    classes: classifier.classes,
    stats: classifier.stats,
  }));

  app.post<{ Querystring: { topK?: string } }>('/predict', async (request) => {
    let images: Uint8Array[];
    let topK: number;
    if (Buffer.isBuffer(request.body)) {
      images = [request.body];
      topK = topKOf(request.query.topK, defaultTopK, classifier.classes);
    } else {
      const body = (request.body ?? {}) as PredictJson;
      if (!Array.isArray(body.images) || body.images.length === 0 || !body.images.every((i) => typeof i === 'string')) {
        throw new HttpError(400, 'bad_request', 'JSON body needs "images": a non-empty array of base64-encoded image files');
      }
      if (body.images.length > maxImages) {
        throw new HttpError(413, 'too_many_images', `${body.images.length} images in one request; the limit is ${maxImages}`);
      }
      images = (body.images as string[]).map((text) => Buffer.from(text, 'base64'));
      topK = topKOf(body.topK ?? request.query.topK, defaultTopK, classifier.classes);
    }
    let predictions: Prediction[];
    try {
      predictions = await classifier.classify(images, { topK });
    } catch (error) {
      if (error instanceof LettersError) throw new HttpError(400, 'bad_image', error.message);
      throw error;
    }
    return { predictions };
  });
  return app;
}
