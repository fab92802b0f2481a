import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_NAMES, runStudy, type PipelineOptions, type StudyResults } from '../src/pipeline/pipeline.ts';
import { SYNTHETIC_WARNING } from '../src/pipeline/study-data.ts';
import { writeStudyReport } from '../src/report/study-report.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

/** The whole study at toy size: every stage runs, on the generated letters (no EMNIST in an empty data dir). */
const TINY = {
  limit: 300,
  baselineEpochs: 1,
  tuneEpochs: 1,
  tunedEpochs: 1,
  transferEpochs: 1,
  transferFolds: 2,
  parityImages: 32,
};

const REPORT_SECTIONS = [
  'Summary',
  'Data',
  "The brief's results table (Part 1)",
  'Tuning: each technique against the convnet baseline',
  'Tuned model',
  'Native and web inference parity',
  'Transfer to Binary AlphaDigits',
  'Throughput',
  'Environment',
];

describe('letters pipeline', () => {
  let options: PipelineOptions;
  let first: StudyResults;

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
      log: () => {},
    };
    first = await runStudy(options);
    await writeStudyReport(first);
  });

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
    expect(first.transfer.rows.map((r) => r.method)).toEqual(['zero-shot', 'feature-extraction', 'fine-tune', 'scratch']);
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

  it('reruns nothing when nothing changed, and only the changed stages when the tuning budget changes', async () => {
    const again = await runStudy(options);
    expect(again.stages.every((s) => s.cached)).toBe(true);
    expect(again.tuned.test!.accuracy).toBe(first.tuned.test!.accuracy);

    const changed = await runStudy({ ...options, profile: { ...TINY, tuneEpochs: 2 } });
    const rerun = changed.stages.filter((s) => !s.cached).map((s) => s.name);
    expect(rerun).toEqual(['tune']);
  });
});
