// Preloaded by the start-up benchmark (`node --import ./count-modules.mjs ...`): at exit, writes to
// stderr how many modules the process loaded, ES modules (through a loader hook counting into shared
// memory) and CommonJS ones (require's cache); Node's built-ins are not counted.
import { createRequire, register } from 'node:module';

const counter = new Int32Array(new SharedArrayBuffer(4));
register(
  `data:text/javascript,${encodeURIComponent(`
    let counter;
    export function initialize(data) { counter = data.counter; }
    export async function load(url, context, next) {
      if (!url.startsWith('node:') && context.format !== 'commonjs') Atomics.add(counter, 0, 1);
      return next(url, context);
    }`)}`,
  { data: { counter } },
);
const require = createRequire(import.meta.url);
process.on('exit', () => {
  const esm = Atomics.load(counter, 0);
  const cjs = Object.keys(require.cache).length;
  process.stderr.write(`\nmodules loaded: ${esm + cjs} (${esm} ES, ${cjs} CommonJS)\n`);
});
