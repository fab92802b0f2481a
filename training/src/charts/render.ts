import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type Config, type TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../common/index.ts';
import { useFontMetrics } from './text-metrics.ts';

/** A rendered chart: the SVG text (for HTML reports) and a PNG of it (for Markdown and the README). */
export interface Chart {
  readonly svg: string;
  readonly png: Uint8Array;
  /** PNG size in pixels. */
  readonly width: number;
  readonly height: number;
}

export interface RenderOptions {
  /** PNG pixels per SVG unit (default 2, sharp on high-density screens). */
  readonly scale?: number;
}

/** A font the machine has (DejaVu ships with most Linux systems), so sharp's SVG text matches vega's layout. */
export const CHART_FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

/** One look for every chart the toolkit draws. */
export const chartConfig: Config = {
  font: CHART_FONT,
  background: 'white',
  padding: 12,
  view: { stroke: '#ddd' },
  title: { fontSize: 15, fontWeight: 'bold', anchor: 'start', offset: 12 },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee', domainColor: '#888', tickColor: '#888' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 13, titleFontSize: 13 },
};

/**
 * vega escapes markup in text (labels from a model's metadata, dataset names) but passes characters
 * that XML forbids (control characters, lone surrogates), which make the SVG unreadable: each becomes U+FFFD.
 */
function xmlText(svg: string): string {
  return svg.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** Compiles a vega-lite spec, renders it headless to SVG, and rasterizes the SVG to PNG with sharp. */
export async function renderChart(spec: TopLevelSpec, options: RenderOptions = {}): Promise<Chart> {
  useFontMetrics();
  const scale = options.scale ?? 2;
  const withConfig = { ...spec, config: { ...chartConfig, ...spec.config } } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(withConfig).spec), { renderer: 'none' });
  try {
    const svg = xmlText(await view.toSVG());
    const { data, info } = await sharp(Buffer.from(svg), { density: 72 * scale })
      .png()
      .toBuffer({ resolveWithObject: true });
    return { svg, png: new Uint8Array(data), width: info.width, height: info.height };
  } finally {
    view.finalize();
  }
}

/** Writes `<base>.svg` and `<base>.png` atomically; returns both paths. */
export async function writeChart(chart: Chart, base: string): Promise<{ svg: string; png: string }> {
  const paths = { svg: `${base}.svg`, png: `${base}.png` };
  await writeFileAtomic(paths.svg, chart.svg);
  await writeFileAtomic(paths.png, chart.png);
  return paths;
}
