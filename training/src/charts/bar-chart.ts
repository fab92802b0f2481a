import type { TopLevelSpec } from 'vega-lite';
import { renderChart, type Chart, type RenderOptions } from './render.ts';

export type BarRow = Readonly<Record<string, string | number | null | undefined>>;

export interface BarChartOptions extends RenderOptions {
  /** Category field, one bar (or group of bars) per value. */
  readonly x: string;
  /** Value field. */
  readonly y: string;
  /** Field with a standard deviation: error bars from y - error to y + error. */
  readonly error?: string;
  /** Field that colours the bars and groups them side by side within each category. */
  readonly color?: string;
  readonly title?: string;
  readonly xTitle?: string;
  readonly yTitle?: string;
  /** d3-format of the bar labels, e.g. '.1%' or ',.0f' (default '.3~f'). */
  readonly format?: string;
  /** d3-format of the value axis (default: `format`), e.g. '.0%' where the labels show '.1%'. */
  readonly axisFormat?: string;
  /** Value axis range (bars are clipped to it); defaults to starting at zero. */
  readonly domain?: readonly [number, number];
  /** Bars run left to right with the categories down the side: better for many or long names. */
  readonly horizontal?: boolean;
  /** Order the categories by value, largest first (default: the order of the rows). */
  readonly sortByValue?: boolean;
  /** A value marked by a dashed line with a label (e.g. the baseline); bars start from it. */
  readonly reference?: { readonly value: number; readonly label: string };
}

/**
 * A bar chart with the value printed at the end of each bar and optional error bars: the tuning
 * table, the transfer methods (mean accuracy and its standard deviation over folds), throughput.
 */
export function barChart(rows: readonly BarRow[], options: BarChartOptions): Promise<Chart> {
  const { x, y, error, color } = options;
  const format = options.format ?? '.3~f';
  const horizontal = options.horizontal ?? false;
  const [cat, val, offset] = horizontal ? (['y', 'x', 'yOffset'] as const) : (['x', 'y', 'xOffset'] as const);
  const categories = [...new Set(rows.map((r) => String(r[x])))];
  const groups = color ? [...new Set(rows.map((r) => String(r[color])))] : [];
  const step = Math.max(color ? 16 * groups.length + 12 : 30, Math.min(64, Math.floor(360 / categories.length)));
  // Labels and error bars end at the top of the error bar when there is one.
  const end = error ? '__high' : y;
  const clip = options.domain !== undefined;
  const grouped = color
    ? {
        color: { field: color, type: 'nominal' as const, sort: groups, scale: { scheme: 'tableau10' } },
        [offset]: { field: color, type: 'nominal' as const, sort: groups },
      }
    : {};
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: options.title } : {}),
    data: { values: rows.map((r) => ({ ...r })) },
    transform: error
      ? [
          { calculate: `datum['${y}'] - datum['${error}']`, as: '__low' },
          { calculate: `datum['${y}'] + datum['${error}']`, as: '__high' },
        ]
      : [],
    [horizontal ? 'height' : 'width']: { step },
    [horizontal ? 'width' : 'height']: 300,
    encoding: {
      [cat]: {
        field: x,
        type: 'nominal',
        title: options.xTitle ?? x,
        sort: options.sortByValue ? { field: y, order: 'descending' } : categories,
        axis: horizontal
          ? { labelLimit: 260 }
          : { labelAngle: categories.some((c) => c.length * 7 > step) ? -30 : 0, labelLimit: 200 },
      },
      ...grouped,
    },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2, clip, ...(color ? {} : { color: '#4c78a8' }) },
        encoding: {
          [val]: {
            field: y,
            type: 'quantitative',
            title: options.yTitle ?? y,
            axis: { format: options.axisFormat ?? format, tickCount: 5 },
            scale: options.domain ? { domain: [...options.domain], zero: false } : { zero: true },
          },
          // Bars start at the reference, or at the bottom of a given domain, not at an off-chart zero.
          ...(options.reference
            ? { [`${val}2`]: { datum: options.reference.value } }
            : options.domain
              ? { [`${val}2`]: { datum: options.domain[0] } }
              : {}),
          tooltip: [{ field: x }, ...(color ? [{ field: color }] : []), { field: y, format }, ...(error ? [{ field: error, format }] : [])],
        },
      },
      ...(options.reference
        ? [
            // One line and one label across the plot: the category (and group) encodings are not inherited.
            {
              data: { values: [{}] },
              mark: { type: 'rule', color: '#d62728', strokeDash: [4, 3], strokeWidth: 1.5 },
              encoding: { [cat]: null, ...(color ? { color: null, [offset]: null } : {}), [val]: { datum: options.reference.value } },
            },
            {
              data: { values: [{}] },
              mark: {
                type: 'text',
                color: '#d62728',
                fontSize: 10,
                ...(horizontal ? { baseline: 'bottom', align: 'center', y: -2 } : { align: 'left', dx: 2, x: 'width' }),
              },
              encoding: {
                [cat]: null,
                ...(color ? { color: null, [offset]: null } : {}),
                [val]: { datum: options.reference.value },
                text: { value: options.reference.label },
              },
            },
          ]
        : []),
      ...(error
        ? [
            {
              mark: { type: 'rule', color: '#333', strokeWidth: 1.5, clip },
              encoding: { [val]: { field: '__low', type: 'quantitative' }, [`${val}2`]: { field: '__high' } },
            },
          ]
        : []),
      {
        mark: {
          type: 'text',
          fontSize: 10,
          color: '#333',
          ...(horizontal ? { align: 'left', dx: 4 } : { baseline: 'bottom', dy: -3 }),
        },
        encoding: {
          [val]: { field: end, type: 'quantitative' },
          text: { field: y, type: 'quantitative', format },
        },
      },
    ],
  } as TopLevelSpec;
  return renderChart(spec, options);
}
