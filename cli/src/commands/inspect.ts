/** `letters inspect`: what an ONNX file holds. */
import { inspectOnnxFile, type OnnxSummary, type OnnxTensorSummary } from '@letters/export';
import { terminalTable } from '@letters/training';
import { command, printJson } from '../command.ts';

const shapeText = (t: OnnxTensorSummary) => `${t.name} ${t.type} [${t.shape.join(', ')}]`;

/** Nodes per op type, as a table; `letters export` prints it too. */
export function opCountsTable(counts: Record<string, number>): string {
  return terminalTable(Object.entries(counts), [
    { header: 'op', value: ([op]) => op },
    { header: 'count', value: ([, n]) => n, align: 'right' },
  ]);
}

function printSummary(path: string, summary: OnnxSummary): void {
  const opsets = summary.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
  const lines = [
    `${path}: ONNX IR ${summary.irVersion}, opset ${opsets}, producer ${summary.producer || 'unknown'}`,
    `inputs:     ${summary.inputs.map(shapeText).join('; ')}`,
    `outputs:    ${summary.outputs.map(shapeText).join('; ')}`,
    `parameters: ${summary.parameterCount}`,
    '',
    opCountsTable(summary.opCounts),
    '',
    terminalTable(summary.nodes, [
      { header: 'node', value: (n) => n.name },
      { header: 'op', value: (n) => n.opType },
      { header: 'input', value: (n) => n.inputs.join(', ') },
      { header: 'parameters', value: (n) => n.parameters || '', align: 'right' },
    ]),
    '',
    terminalTable(Object.entries(summary.metadata), [
      { header: 'metadata', value: ([key]) => key },
      { header: 'value', value: ([, value]) => (value.length > 90 ? `${value.slice(0, 87)}...` : value) },
    ]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export const inspect = command(
  (cli) => cli.positional('file', { type: 'string', demandOption: true, describe: 'An .onnx file' }),
  async (args) => {
    const summary = await inspectOnnxFile(args.file);
    if (args.json) printJson(summary);
    else printSummary(args.file, summary);
  },
);
