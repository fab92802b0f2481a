import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { barChart, confusionMatrixChart, trainingCurves, type Chart } from '../../src/charts/index.ts';

/** The SVG's own size, which the PNG must match at the requested scale. */
function svgSize(svg: string): { width: number; height: number } {
  const match = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg);
  if (!match) throw new Error('no svg size');
  return { width: Number(match[1]), height: Number(match[2]) };
}

async function expectPng(chart: Chart, scale: number): Promise<void> {
  const meta = await sharp(chart.png).metadata();
  const { width, height } = svgSize(chart.svg);
  expect(meta.format).toBe('png');
  expect([meta.width, meta.height]).toEqual([width * scale, height * scale]);
  expect([chart.width, chart.height]).toEqual([meta.width, meta.height]);
  // Something was drawn: not a blank white page.
  const stats = await sharp(chart.png).stats();
  expect(stats.channels[0]!.min).toBeLessThan(100);
}

/** Text content of the SVG's text elements. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

describe('trainingCurves', () => {
  const run = (name: string, loss: number[]) => ({
    name,
    epochs: loss.map((l, i) => ({ epoch: i + 1, loss: l, accuracy: 1 - l / 2, valLoss: l + 0.1, valAccuracy: 0.95 - l / 2 })),
  });

  it('draws loss and accuracy for every run, train and validation, as a PNG of the SVG size', async () => {
    const chart = await trainingCurves([run('baseline-convnet', [1.2, 0.6, 0.4]), run('tuned', [1.0, 0.4, 0.2])], { title: 'Curves' });
    await expectPng(chart, 2);
    const labels = texts(chart.svg);
    for (const label of ['Curves', 'Loss', 'Accuracy', 'baseline-convnet', 'tuned', 'train', 'validation', 'Epoch']) {
      expect(labels).toContain(label);
    }
    // Two runs x two splits x two panels = 8 lines.
    expect(chart.svg.match(/aria-roledescription="line mark"/g)).toHaveLength(8);
  });

  it('draws runs without validation values as train lines only', async () => {
    const chart = await trainingCurves([{ name: 'r', epochs: [{ epoch: 1, loss: 1, accuracy: 0.5 }, { epoch: 2, loss: 0.5, accuracy: 0.8 }] }], { scale: 1 });
    await expectPng(chart, 1);
    expect(chart.svg.match(/aria-roledescription="line mark"/g)).toHaveLength(2);
  });
});

describe('confusionMatrixChart', () => {
  interface Cell {
    actual: string;
    predicted: string;
    count: number;
    darkness: number;
  }
  function cells(svg: string): Cell[] {
    return [...svg.matchAll(/<path aria-label="([^"]*)"[^>]*aria-roledescription="rect mark"[^>]*fill="rgb\((\d+), (\d+), (\d+)\)"/g)].map((m) => {
      const field = (name: string) => new RegExp(`${name}: ([^;]*)`).exec(m[1]!)![1]!;
      return {
        actual: field('actual'),
        predicted: field('predicted'),
        count: Number(field('count')),
        darkness: 765 - Number(m[2]) - Number(m[3]) - Number(m[4]),
      };
    });
  }

  it('shows every count in its cell, coloured by the share of its true class', async () => {
    // Class 0 is unused, as in Letters: it must not appear.
    const labels = ['', 'A', 'B', 'C'];
    const matrix = [
      [0, 0, 0, 0],
      [0, 8, 2, 0],
      [0, 1, 9, 0],
      [0, 0, 5, 5],
    ];
    const chart = await confusionMatrixChart(matrix, labels, { title: 'Known matrix' });
    await expectPng(chart, 2);
    const drawn = cells(chart.svg);
    expect(drawn).toHaveLength(9);
    for (const cell of drawn) {
      expect(cell.count).toBe(matrix[labels.indexOf(cell.actual)]![labels.indexOf(cell.predicted)]);
    }
    const at = (a: string, p: string) => drawn.find((c) => c.actual === a && c.predicted === p)!;
    // Row-normalized: 9 of 10 is darker than 5 of 10, which is darker than 2 of 10; 0 is white.
    expect(at('B', 'B').darkness).toBeGreaterThan(at('C', 'C').darkness);
    expect(at('C', 'C').darkness).toBe(at('C', 'B').darkness);
    expect(at('C', 'B').darkness).toBeGreaterThan(at('A', 'B').darkness);
    expect(at('A', 'C').darkness).toBe(0);
    // Non-zero counts are printed; zeros are left blank.
    const printed = texts(chart.svg);
    for (const n of ['8', '2', '1', '9', '5']) expect(printed).toContain(n);
    expect(printed).not.toContain('0');
    expect(printed).toContain('Known matrix');
  });

  it("draws hostile labels (markup, control characters, a lone surrogate: a model's metadata) as text", async () => {
    const labels = ['', '<b>&"x', 'B\u0000\u0001', '\ud800C'];
    const chart = await confusionMatrixChart(labels.map((_, i) => labels.map((_, j) => (i === j ? 3 : 1))), labels, { title: 'T\u0007' });
    expect(chart.svg).toContain('&lt;b&gt;&amp;');
    expect(chart.svg).not.toMatch(/[\u0000-\u0008]|\ud800(?![\udc00-\udfff])/);
    expect(chart.png.length).toBeGreaterThan(0);
  });

  it('rejects a matrix that does not match its labels', async () => {
    await expect(confusionMatrixChart([[1, 2]], ['a', 'b'])).rejects.toThrow(/2x2 matrix/);
  });
});

describe('barChart', () => {
  it('draws one bar per row with its value and an error bar', async () => {
    const rows = [
      { method: 'zero-shot', mean: 0.41, std: 0.03 },
      { method: 'fine-tune', mean: 0.962, std: 0.012 },
      { method: 'scratch', mean: 0.78, std: 0.04 },
    ];
    const chart = await barChart(rows, { x: 'method', y: 'mean', error: 'std', format: '.1%', title: 'Transfer', domain: [0, 1] });
    await expectPng(chart, 2);
    const printed = texts(chart.svg);
    for (const label of ['Transfer', 'zero-shot', 'fine-tune', 'scratch', '41.0%', '96.2%', '78.0%']) expect(printed).toContain(label);
    expect(chart.svg.match(/aria-roledescription="bar"/g)).toHaveLength(3);
    expect(chart.svg.match(/aria-roledescription="rule mark"/g)).toHaveLength(3);
  });

  it('groups bars by a colour field, horizontally', async () => {
    const rows = [
      { runtime: 'node', batch: '1', rate: 100 },
      { runtime: 'node', batch: '64', rate: 900 },
      { runtime: 'web', batch: '1', rate: 50 },
      { runtime: 'web', batch: '64', rate: 400 },
    ];
    const chart = await barChart(rows, { x: 'runtime', y: 'rate', color: 'batch', horizontal: true, format: ',.0f' });
    await expectPng(chart, 2);
    expect(chart.svg.match(/aria-roledescription="bar"/g)).toHaveLength(4);
    expect(texts(chart.svg)).toEqual(expect.arrayContaining(['node', 'web', '1', '64', '900']));
  });
});
