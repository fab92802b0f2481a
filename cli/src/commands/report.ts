/** `letters report`: writes the report again from a finished run's results, e.g. after an upgrade of the toolkit. */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LettersError } from '@letters/contract';
import { checkOutput } from '@letters/contract/node';
import { command, printJson } from '../command.ts';
import { RESULTS_FILE, type StudyResults } from '../pipeline/pipeline.ts';
import { REPORT_DIR, writeStudyReport } from '../report/study-report.ts';

export const report = command(
  (cli) => cli.option('out', { type: 'string', default: 'runs', describe: 'The pipeline output folder' }),
  async (args) => {
    const path = join(args.out, RESULTS_FILE);
    await checkOutput(join(args.out, REPORT_DIR), { kind: 'folder', of: 'report' }, { option: '--out' });
    const text = await readFile(path, 'utf8').catch(() => {
      throw new LettersError(`${path}: not found; run \`letters pipeline --out ${args.out}\` first`);
    });
    const results = JSON.parse(text) as StudyResults;
    if (results.environment === undefined) {
      throw new LettersError(`${path}: written by an older letters; run \`letters pipeline --out ${args.out}\` again (finished stages are reused)`);
    }
    const written = await writeStudyReport(results);
    if (args.json) printJson({ html: resolve(written.html), markdown: resolve(written.markdown) });
    else process.stdout.write(`report: ${resolve(written.html)}\n        ${resolve(written.markdown)}\n`);
  },
);
