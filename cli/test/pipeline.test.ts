import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { terminalTable } from '@letters/training';
import { MODEL_NAMES, RESULTS_FILE, runStudy, type PipelineOptions, type StudyResults } from '../src/pipeline/pipeline.ts';
import { loadStudyData, SYNTHETIC_WARNING } from '../src/pipeline/study-data.ts';
import { summaryTable, writeStudyReport } from '../src/report/study-report.ts';
import { letters } from '../../test-support/letters-cli.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

/** The whole study at toy size: every stage runs, on the generated letters (no EMNIST in an empty data dir). */
const TINY = {
  limit: 300,
  baselineEpochs: 1,
  tuneSeeds: 2,
  tuneEpochs: 1,
  transferEpochs: 1,
  transferFolds: 2,
  parityImages: 32,
};

const REPORT_SECTIONS = [
  'Summary',
  'Data',
  "Baselines: Chollet's networks",
  'Tuning: each technique against the convnet baseline',
  'Tuned model',
  'Native and web inference parity',
  'Precisions and runtimes',
  'Transfer to Binary AlphaDigits',
  'Throughput',
  'Environment',
];

describe('letters pipeline', () => {
  let options: PipelineOptions;
  let first: StudyResults;
  const logged: string[] = [];

  beforeAll(async () => {
    const dir = tempDir('pipeline');
    const grid = join(dir, 'grid.json');
    await writeFile(grid, JSON.stringify({ base: 'convnet', variants: [{ name: 'baseline' }, { name: 'elu', activation: 'elu' }] }));
    options = {
      out: join(dir, 'runs'),
      dataDir: tempDir('no-data'),
      profile: TINY,
      profileName: 'test',
      seed: 7,
      backend: 'wasm',
      threads: 1,
      download: false,
      grid,
      quiet: true,
      log: (line) => logged.push(line),
    };
    first = await runStudy(options);
    await writeStudyReport(first);
    // Every stage trains: minutes on a busy 2-core machine.
  }, 600_000);

  it('falls back to the generated letters, and says so', () => {
    expect(first.data.synthetic).toBe(true);
    expect(first.data.letters.synthetic).toBe(true);
    expect(first.data.notes).toContain(SYNTHETIC_WARNING);
  });

  it('exports every model to ONNX and evaluates it on both runtimes with parity', async () => {
    expect(first.models.map((m) => m.name)).toEqual([...MODEL_NAMES]);
    for (const model of first.models) {
      const bytes = await readFile(join(options.out, `${model.name}.onnx`));
      expect(bytes.length).toBeGreaterThan(1000);
      const [node, web] = model.evaluations;
      expect([node!.runtime, web!.runtime]).toEqual(['node', 'web']);
      expect(Math.abs(node!.accuracy - web!.accuracy)).toBeLessThan(1e-9);
      expect(model.parity.passed).toBe(true);
      expect(model.parity.runtimes).toEqual(['onnxruntime-node', 'onnxruntime-web', 'tfjs']);
    }
    expect(first.tuning.rows.map((r) => r.name).sort()).toEqual(['baseline', 'elu']);
    expect(first.tuning.seeds).toEqual([7, 8]);
    expect(first.tuned.dir).toBe(first.tuning.best.dir);
    expect(first.transfer.rows.map((r) => r.method)).toEqual(['zero-shot', 'feature-extraction', 'fine-tune', 'scratch']);
  });

  it('quantizes the tuned model to every precision and runs each on the Node runtimes, or says why not', async () => {
    const precisions = first.precisions!;
    expect(precisions.outcomes.map((o) => o.precision)).toEqual(['fp32', 'fp16', 'int8']);
    for (const outcome of precisions.outcomes) {
      // A quantization is written only when verified; on toy data it may be refused instead, with the measured loss.
      expect(existsSync(outcome.file)).toBe(outcome.refused === undefined);
      if (outcome.refused) expect(outcome.refused).toMatch(/points of test accuracy/);
      const rows = precisions.rows.filter((r) => r.precision === outcome.precision);
      expect(rows.map((r) => r.runtime)).toEqual(outcome.refused ? [] : ['onnxruntime-node (CPU)', 'onnxruntime-web wasm (Node)']);
      for (const row of rows) expect(row.nativeAgreement).toBeGreaterThanOrEqual(0.999);
    }
    expect(precisions.outcomes.find((o) => o.precision === 'fp16')!.refused).toBeUndefined();
  });

  it('writes a report with every section, the synthetic banner and its images', async () => {
    const markdown = await readFile(join(options.out, 'report', 'index.md'), 'utf8');
    const html = await readFile(join(options.out, 'report', 'index.html'), 'utf8');
    for (const title of REPORT_SECTIONS) expect(markdown).toContain(`## ${title}`);
    expect(markdown).toContain(SYNTHETIC_WARNING);
    expect(html).toContain('class="banner"');
    for (const [, image] of markdown.matchAll(/!\[[^\]]*\]\((images\/[^)]+)\)/g)) {
      const png = await readFile(join(options.out, 'report', image!));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
    }
  });

  it('reports each stage as one progress line: stage k of n, time elapsed, time to go', () => {
    const progress = logged.filter((line) => line.startsWith('[stage '));
    expect(progress.map((line) => /^\[stage (\d+)\/(\d+)\]/.exec(line)!.slice(1).join('/'))).toEqual(
      Array.from({ length: 9 }, (_, i) => `${i + 1}/9`),
    );
    expect(progress.every((line) => / elapsed/.test(line))).toBe(true);
    // Once stages have run for a while, the time left is estimated on every line, until nothing is left.
    const first = progress.findIndex((line) => / to go$/.test(line));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(progress.slice(first, -1).every((line) => / to go$/.test(line))).toBe(true);
    expect(progress.at(-1)).not.toMatch(/to go/);
  });

  it('ends with the summary table: accuracy per model and runtime, parity', () => {
    const table = summaryTable(first, terminalTable);
    for (const model of first.models) expect(table).toMatch(new RegExp(`│ ${model.name}\\.onnx .*│ pass +│`));
    expect(table).toContain('Accuracy (node)');
    expect(table).toContain('Accuracy (web)');
  });

  it('letters report --json writes the report again and prints where, as JSON', async () => {
    await writeFile(join(options.out, RESULTS_FILE), JSON.stringify(first));
    const result = await letters(['report', '--out', options.out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const written = JSON.parse(result.stdout) as { html: string; markdown: string };
    expect(written.html).toBe(join(options.out, 'report', 'index.html'));
    expect(existsSync(written.markdown)).toBe(true);
  });

  it('--synthetic uses the generated letters even where EMNIST data is', async () => {
    const data = await loadStudyData({ dataDir: inject('sharedData'), seed: 7, limit: 100, download: true, synthetic: true, quiet: true });
    expect(data.synthetic).toBe(true);
    expect(data.letters.source.name).toBe('fixtures');
    expect(data.notes).toContain(SYNTHETIC_WARNING);
  });

  it('reruns nothing when nothing changed, and only tuning and what builds on its model when the tuning budget changes', async () => {
    const again = await runStudy(options);
    expect(again.stages.every((s) => s.cached)).toBe(true);
    expect(again.tuned.test!.accuracy).toBe(first.tuned.test!.accuracy);

    const changed = await runStudy({ ...options, profile: { ...TINY, tuneEpochs: 2 } });
    const rerun = changed.stages.filter((s) => !s.cached).map((s) => s.name);
    expect(rerun).toEqual(['tune', 'transfer', 'export+evaluate tuned', 'export+evaluate transfer', 'precisions tuned']);
  });
});
