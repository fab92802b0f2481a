import Table from 'cli-table3';

export type Cell = string | number | boolean | null | undefined;
export interface Column<Row> {
  header: string;
  value: (row: Row) => Cell;
  /** Digits after the point for numbers (default 4). */
  digits?: number;
  align?: 'left' | 'right';
}

function format(cell: Cell, digits = 4): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isInteger(cell) ? String(cell) : cell.toFixed(digits);
  return String(cell);
}

/** A boxed table for the terminal. */
export function terminalTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const table = new Table({
    head: columns.map((c) => c.header),
    colAligns: columns.map((c) => c.align ?? 'left'),
    style: { head: [], border: [] },
  });
  for (const row of rows) table.push(columns.map((c) => format(c.value(row), c.digits)));
  return table.toString();
}

/** A GitHub-flavoured Markdown table, for reports and README figures. */
export function markdownTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const escape = (s: string) => s.replaceAll('|', '\\|');
  const header = `| ${columns.map((c) => escape(c.header)).join(' | ')} |`;
  const rule = `| ${columns.map((c) => (c.align === 'right' ? '---:' : '---')).join(' | ')} |`;
  const body = rows.map((row) => `| ${columns.map((c) => escape(format(c.value(row), c.digits))).join(' | ')} |`);
  return [header, rule, ...body].join('\n');
}
