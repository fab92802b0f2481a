/** Hostile option values: each is refused before any work, with one line naming the option, exit 2, nothing written. */
import { availableParallelism } from 'node:os';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.ts';
import { checkSingleValued, loopbackHost, numberInRange, portOf, seedOf, threadCount } from '../src/options.ts';
import { letters } from '../../test-support/letters-cli.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

const cores = availableParallelism();

describe('option checks (options.ts, one place for every command)', () => {
  it('--threads: 1 to the cores this machine has', () => {
    expect(threadCount(cores)).toBe(cores);
    expect(threadCount(undefined)).toBeUndefined();
    for (const value of [0, 1000, cores + 1, 1.5, NaN]) expect(() => threadCount(value)).toThrow(`use an integer from 1 to ${cores} (the cores this machine has)`);
  });

  it('--port 0-65535, --seed an integer, --host loopback, ranges finite', () => {
    expect(portOf(0)).toBe(0);
    expect(portOf(65535)).toBe(65535);
    for (const value of [-1, 70000, 1.5, NaN]) expect(() => portOf(value)).toThrow(`--port ${value}: use a port number from 1 to 65535`);
    expect(seedOf(42)).toBe(42);
    for (const value of [NaN, Infinity, 1.5]) expect(() => seedOf(value)).toThrow(`--seed ${value}: use an integer`);
    for (const host of ['127.0.0.1', '::1', 'localhost']) expect(loopbackHost(host)).toBe(host);
    for (const host of ['0.0.0.0', '::', '192.168.1.2']) expect(() => loopbackHost(host)).toThrow('on loopback only');
    expect(() => numberInRange('batch-delay', 1e9, 0, 1000, ' ms')).toThrow('--batch-delay 1000000000: use a number from 0 to 1000 ms');
    expect(() => numberInRange('batch-delay', NaN, 0, 1000)).toThrow();
  });

  it('an option given twice, unless it takes a list', () => {
    expect(() => checkSingleValued({ _: [], model: ['a', 'b'] }, [])).toThrow('--model given 2 times: give it once');
    expect(() => checkSingleValued({ _: [], o: ['a', 'b'] }, [])).toThrow('-o given 2 times');
    expect(() => checkSingleValued({ _: ['x'], model: ['a', 'b'], inputs: ['x'] }, ['model', 'inputs'])).not.toThrow();
  });
});

describe('hostile values through the real CLI', () => {
  it('one line naming the option, exit 2, nothing written', async () => {
    const dir = tempDir('options');
    await writeFile(join(dir, 'file'), 'x');
    await mkdir(join(dir, 'folder'));
    const cases: [string[], string][] = [
      [['score', 'file', '--model', 'a.onnx', '--model', 'b.onnx'], '--model given 2 times: give it once'],
      [['score', 'file', '--model', 'm.onnx', '--out', 'folder'], '--out folder: is a folder; name a file'],
      [['train', '--threads', '1000'], `--threads 1000: use an integer from 1 to ${cores} (the cores this machine has)`],
      [['serve', 'm.onnx', '--threads', '1000'], `--threads 1000: use an integer from 1 to ${cores}`],
      [['serve', 'm.onnx', '--batch-delay', '1e9'], '--batch-delay 1000000000: use a number from 0 to 5000 milliseconds'],
      [['demo', '--port', '70000'], '--port 70000: use a port number from 1 to 65535'],
    ];
    const results = await Promise.all(cases.map(([args]) => letters(args, { cwd: dir })));
    results.forEach((result, i) => {
      const [args, message] = cases[i]!;
      expect({ args, code: result.code }).toEqual({ args, code: EXIT_CODES.usage });
      expect(result.stderr).toMatch(/^letters: [^\n]*\n$/);
      expect(result.stderr).toContain(message);
    });
    expect((await readdir(dir)).sort()).toEqual(['file', 'folder']);
    expect(await readdir(join(dir, 'folder'))).toEqual([]);
  });
});
