import type { Prediction } from '@letters/inference';

export type ScoreFormat = 'csv' | 'jsonl';

/** The CSV header; `topK` (the JSONL rows' key too) lists `label:probability` pairs separated by spaces, most probable first. */
export const CSV_HEADER = 'file,label,probability,topK\n';

/** RFC 4180 quoting: only fields with commas, quotes or line breaks are quoted. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const digits = (p: number) => Number(p.toFixed(6));

/** One output line for a scored file. */
export function formatRow(format: ScoreFormat, file: string, prediction: Prediction): string {
  if (format === 'jsonl') {
    const topK = prediction.topK.map((r) => ({ label: r.label, probability: digits(r.probability) }));
    return `${JSON.stringify({ file, label: prediction.label, probability: digits(prediction.probability), topK })}\n`;
  }
  const topK = prediction.topK.map((r) => `${r.label}:${digits(r.probability)}`).join(' ');
  return `${[file, prediction.label, String(digits(prediction.probability)), topK].map(csvField).join(',')}\n`;
}
