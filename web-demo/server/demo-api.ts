import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Connect, Plugin } from 'vite';
import type { ParityBatch } from '../src/api.ts';
import type { ModelCatalog, ServedModel } from './models.ts';

export interface DemoApiOptions {
  readonly catalog: ModelCatalog;
  /** The parity batch for one model: real images and onnxruntime-node's probabilities for them. */
  readonly parity: (model: ServedModel) => Promise<ParityBatch>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

/**
 * The page's API: `api/models` (the model list), `models/<id>.onnx` (the files) and
 * `api/parity?model=<id>` (computed on first request, then cached).
 */
export function demoApiHandler({ catalog, parity }: DemoApiOptions): Connect.NextHandleFunction {
  const parityCache = new Map<string, Promise<ParityBatch>>();
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;

    if (path === '/api/models') return sendJson(res, 200, catalog.list);

    const file = /^\/models\/([^/]+)\.onnx$/.exec(path);
    if (file) {
      const model = catalog.byId.get(decodeURIComponent(file[1]!));
      if (!model) return sendJson(res, 404, { error: `no model ${file[1]}` });
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': model.sizeBytes });
      // A file removed while serving ends this response, not the server.
      pipeline(createReadStream(model.path), res).catch(() => res.destroy());
      return;
    }

    if (path === '/api/parity') {
      const id = url.searchParams.get('model') ?? catalog.list.defaultId;
      const model = catalog.byId.get(id);
      if (!model) return sendJson(res, 404, { error: `no model ${id}` });
      let batch = parityCache.get(id);
      if (!batch) {
        batch = parity(model);
        parityCache.set(id, batch);
        batch.catch(() => parityCache.delete(id));
      }
      batch.then(
        (body) => sendJson(res, 200, body),
        (error: unknown) => sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) }),
      );
      return;
    }
    // Nothing else is under /api: an unknown path is a 404 here, never passed on (to a proxy, or the page).
    if (path.startsWith('/api/')) return sendJson(res, 404, { error: `no API ${path}` });
    next();
  };
}

/** The API as a Vite plugin for `vite preview` (what `letters demo` runs). */
export function demoApi(options: DemoApiOptions): Plugin {
  return {
    name: 'letters:demo-api',
    configurePreviewServer(server) {
      server.middlewares.use(demoApiHandler(options));
    },
  };
}
