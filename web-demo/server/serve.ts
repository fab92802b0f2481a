import { preview, type PreviewServer } from 'vite';
import { LettersError } from '@letters/contract';
import { buildPage, demoRoot, pageDir } from './build.ts';
import { demoApi, type DemoApiOptions } from './demo-api.ts';
import { loadCatalog } from './models.ts';
import { crossOriginIsolation, ortWasmFiles } from './ort-files.ts';

export interface DemoServerOptions {
  /** Exported .onnx files to offer; the tuned one (by name) is the default. */
  readonly models: readonly string[];
  /** Computes a model's parity batch (see parity.ts). */
  readonly parity: DemoApiOptions['parity'];
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly quiet?: boolean;
}

export interface DemoServer {
  /** The page's address, e.g. http://127.0.0.1:4173/. */
  readonly url: string;
  /** Whether this start rebuilt the page. */
  readonly built: boolean;
  close(): Promise<void>;
}

/** Builds the page if needed and serves it, the models and onnxruntime-web's wasm files; fully offline. */
export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const catalog = await loadCatalog(options.models);
  const built = await buildPage({ quiet: options.quiet });
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 4173;
  let server: PreviewServer;
  try {
    // The whole configuration is here: the page's build config (vite.config.ts, with its dev proxy) is
    // not needed to serve, and an installed package does not have it.
    server = await preview({
      configFile: false,
      root: demoRoot,
      base: './',
      logLevel: 'silent',
      build: { outDir: pageDir },
      plugins: [ortWasmFiles(), demoApi({ catalog, parity: options.parity })],
      preview: { host, port, strictPort: true, open: false, headers: crossOriginIsolation },
    });
  } catch (error) {
    // Vite reports a taken port (strictPort) as a plain Error "Port N is already in use".
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' || /already in use/.test((error as Error).message)) {
      throw new LettersError(`--port ${port}: already in use on ${host}; pick another port or 0 for any free one`, { cause: error });
    }
    throw error;
  }
  const address = server.httpServer.address();
  if (address === null || typeof address === 'string') throw new Error('the demo server has no TCP address');
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${address.port}/`,
    built,
    close: () => server.close(),
  };
}
