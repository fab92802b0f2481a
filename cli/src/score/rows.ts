import type { Prediction } from '@letters/inference';

export type ScoreFormat = 'csv' | 'jsonl';

/** The CSV header; `topK` (the JSONL rows' key too) lists `label:probability` pairs separated by spaces, most probable first. */
export const CSV_HEADER = 'file,label,probability,topK\n';

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return before them) as a
 * formula: OWASP's advice is to prefix such cells with a single quote. Only file names can start so.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** RFC 4180 quoting: only fields with commas, quotes or line breaks are quoted. */
function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
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

/** Whether a file's first line is what score writes (its CSV header or a JSONL row), so a rerun may replace it. */
export function isScoreOutput(head: string): boolean {
  return head.startsWith(CSV_HEADER) || head.startsWith('{"file":');
}

/** A file name as one line of a message: control characters (a newline in a name) written as escapes. */
export function printableName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}
