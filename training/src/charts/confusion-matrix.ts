import type { TopLevelSpec } from 'vega-lite';
import { renderChart, type Chart, type RenderOptions } from './render.ts';

export interface ConfusionMatrixOptions extends RenderOptions {
  readonly title?: string;
}

interface Cell {
  actual: string;
  predicted: string;
  count: number;
  /** Share of the actual class's images that landed in this cell (row-normalized: the diagonal is recall). */
  share: number;
}

/**
 * A confusion-matrix heatmap: rows are the true classes, columns the predicted ones; each cell
 * shows its count, coloured by its share of the row so that classes of different sizes compare.
 * Classes with an empty name and no images at all (class 0 of Letters) are left out.
 */
export async function confusionMatrixChart(
  matrix: readonly (readonly number[])[],
  labels: readonly string[],
  options: ConfusionMatrixOptions = {},
): Promise<Chart> {
  if (matrix.length !== labels.length || matrix.some((row) => row.length !== labels.length)) {
    throw new Error(`confusionMatrixChart: a ${labels.length}x${labels.length} matrix is needed for ${labels.length} labels`);
  }
  const shown = labels
    .map((_, i) => i)
    .filter((i) => labels[i] !== '' || matrix[i]!.some((n) => n > 0) || matrix.some((row) => row[i]! > 0));
  const names = shown.map((i) => labels[i] || String(i));
  const cells: Cell[] = [];
  for (const [r, i] of shown.entries()) {
    const rowTotal = matrix[i]!.reduce((a, b) => a + b, 0);
    for (const [c, j] of shown.entries()) {
      const count = matrix[i]![j]!;
      cells.push({ actual: names[r]!, predicted: names[c]!, count, share: rowTotal > 0 ? count / rowTotal : 0 });
    }
  }
  const cellSize = Math.max(18, Math.min(40, Math.floor(620 / names.length)));
  const largest = Math.max(1, ...cells.map((c) => c.count));
  const fontSize = Math.min(12, Math.floor(cellSize / Math.max(2, String(largest).length) / 0.62));
  const axis = (title: string) => ({ field: title === 'True class' ? 'actual' : 'predicted', type: 'ordinal' as const, sort: names, title });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: options.title } : {}),
    data: { values: cells },
    width: cellSize * names.length,
    height: cellSize * names.length,
    encoding: {
      x: { ...axis('Predicted class'), axis: { orient: 'top', labelAngle: 0, domain: false, ticks: false } },
      y: { ...axis('True class'), axis: { domain: false, ticks: false } },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          color: {
            field: 'share',
            type: 'quantitative',
            title: 'Share of true class',
            // sqrt so that a few confusions still show against a white zero.
            scale: { type: 'sqrt', domain: [0, 0.25, 1], range: ['#ffffff', '#6baed6', '#08306b'], interpolate: 'rgb' },
            legend: { format: '.0%', values: [0, 0.05, 0.25, 0.5, 1], titleLimit: 300, gradientLength: Math.min(240, cellSize * names.length) },
          },
          tooltip: [{ field: 'actual' }, { field: 'predicted' }, { field: 'count' }, { field: 'share', format: '.1%' }],
        },
      },
      {
        transform: [{ filter: 'datum.count > 0' }],
        mark: { type: 'text', fontSize, baseline: 'middle' },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: 'datum.share > 0.4', value: 'white' }, value: '#222' },
        },
      },
    ],
  };
  return renderChart(spec, options);
}
