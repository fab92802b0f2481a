import type { TopLevelSpec } from 'vega-lite';
import { renderChart, type Chart, type RenderOptions } from './render.ts';

/** One epoch of a training history; validation values are absent when a run had no validation split. */
export interface EpochMetrics {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
}

export interface RunHistory {
  /** Legend name of the run, e.g. 'baseline-convnet'. */
  readonly name: string;
  readonly epochs: readonly EpochMetrics[];
}

export interface TrainingCurvesOptions extends RenderOptions {
  readonly title?: string;
}

interface CurvePoint {
  run: string;
  epoch: number;
  metric: 'Loss' | 'Accuracy';
  split: 'train' | 'validation';
  value: number;
}

function curvePoints(histories: readonly RunHistory[]): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (const { name: run, epochs } of histories) {
    for (const e of epochs) {
      const add = (metric: CurvePoint['metric'], split: CurvePoint['split'], value: number | undefined) => {
        if (value !== undefined && Number.isFinite(value)) points.push({ run, epoch: e.epoch, metric, split, value });
      };
      add('Loss', 'train', e.loss);
      add('Loss', 'validation', e.valLoss);
      add('Accuracy', 'train', e.accuracy);
      add('Accuracy', 'validation', e.valAccuracy);
    }
  }
  return points;
}

/**
 * Loss and accuracy per epoch, side by side: one colour per run, solid for train and dashed for
 * validation, so several runs (e.g. the tuning variants) can be compared in one picture.
 */
export function trainingCurves(histories: readonly RunHistory[], options: TrainingCurvesOptions = {}): Promise<Chart> {
  const panel = (metric: CurvePoint['metric']) => ({
    title: metric,
    width: 340,
    height: 240,
    transform: [{ filter: { field: 'metric', equal: metric } }],
    mark: { type: 'line' as const, point: { size: 25 }, strokeWidth: 2 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative' as const, title: 'Epoch', axis: { tickMinStep: 1, format: 'd' } },
      y: {
        field: 'value',
        type: 'quantitative' as const,
        title: null,
        scale: { zero: false },
        ...(metric === 'Accuracy' ? { axis: { format: '.0%' } } : {}),
      },
      color: { field: 'run', type: 'nominal' as const, title: 'Run', scale: { scheme: 'tableau10' } },
      strokeDash: {
        field: 'split',
        type: 'nominal' as const,
        title: 'Split',
        scale: { domain: ['train', 'validation'], range: [[1, 0], [6, 4]] },
        legend: { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 400, symbolStrokeColor: '#555', symbolFillColor: '#555' },
      },
      tooltip: [{ field: 'run' }, { field: 'split' }, { field: 'epoch' }, { field: 'value', format: '.4f' }],
    },
  });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: options.title } : {}),
    data: { values: curvePoints(histories) },
    hconcat: [panel('Loss'), panel('Accuracy')],
    spacing: 32,
  };
  return renderChart(spec, options);
}
