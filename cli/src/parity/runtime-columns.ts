/** The columns of the model x precision x runtime table: \`letters parity --browser\` prints them, the report writes them. */
import type { Column } from '@letters/training';
import type { RuntimeRow } from './runtime-table.ts';

const percent = (x: number | undefined) => (x === undefined ? '' : `${(100 * x).toFixed(2)}%`);
const ms = (x: number | undefined) => (x === undefined ? '' : x < 10 ? x.toFixed(2) : x.toFixed(0));

export const RUNTIME_COLUMNS: readonly Column<RuntimeRow>[] = [
  { header: 'model', value: (r) => r.model },
  { header: 'precision', value: (r) => r.precision },
  { header: 'runtime', value: (r) => r.runtime },
  { header: 'size (KB)', value: (r) => (r.bytes / 1024).toFixed(1), align: 'right' },
  { header: 'accuracy', value: (r) => (r.unavailable ? 'not run (see below)' : percent(r.accuracy)) },
  { header: 'agreement with native', value: (r) => percent(r.nativeAgreement), align: 'right' },
  { header: 'agreement with fp32', value: (r) => percent(r.floatAgreement), align: 'right' },
  { header: 'max |diff| from native', value: (r) => r.maxAbsDiff?.toExponential(1) ?? '', align: 'right' },
  { header: 'cold (ms)', value: (r) => ms(r.coldMs), align: 'right' },
  { header: 'warm (ms)', value: (r) => ms(r.warmMs), align: 'right' },
];

/** One line per runtime that did not run, saying why. */
export const notRunLines = (rows: readonly RuntimeRow[]): string[] =>
  rows.filter((r) => r.unavailable).map((r) => `${r.model} on ${r.runtime}: not run: ${r.unavailable}`);
