/** score's inputs and rows under hostile file systems: only regular files, each once, every other path reported with its reason. */
import { spawnSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Prediction } from '@letters/inference';
import { findImageFiles } from '../src/score/find-files.ts';
import { formatRow, printableName } from '../src/score/rows.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

describe('findImageFiles', () => {
  it('takes each regular file once and reports devices, FIFOs, link loops and names that are not UTF-8', async () => {
    const dir = tempDir('score-inputs');
    const scans = join(dir, 'scans');
    await mkdir(scans);
    await writeFile(join(scans, 'a.png'), 'a');
    await writeFile(join(scans, 'b.png'), 'b');
    await symlink('..', join(scans, 'up'));
    await symlink('/dev/zero', join(scans, 'zero.png'));
    await symlink('loop2', join(scans, 'loop1'));
    await symlink('loop1', join(scans, 'loop2'));
    spawnSync('mkfifo', [join(scans, 'pipe.png')]);
    await writeFile(Buffer.concat([Buffer.from(`${scans}/bad`), Buffer.from([0xff, 0xfe]), Buffer.from('.png')]), 'c');

    const { files, problems } = await findImageFiles([scans, join(scans, 'a.png')]);
    expect(files).toEqual([join(scans, 'a.png'), join(scans, 'b.png')]);
    expect(problems.sort()).toEqual(
      [
        `${scans}/bad\\xff\\xfe.png: the file name is not valid UTF-8; rename the file`,
        `${scans}/loop1: a symbolic link loop`,
        `${scans}/loop2: a symbolic link loop`,
        `${scans}/pipe.png: a FIFO, not a regular file`,
        `${scans}/zero.png: a device, not a regular file`,
      ].sort(),
    );
  });
});

describe('rows', () => {
  const prediction: Prediction = { label: 'A', index: 1, probability: 0.5, topK: [{ label: 'A', index: 1, probability: 0.5 }] };

  it('neutralise cells a spreadsheet would run as formulas (OWASP: a leading quote)', () => {
    for (const name of ['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)', '\tx', '\rx']) {
      const cell = formatRow('csv', name, prediction).split(',')[0]!;
      expect(cell.replace(/^"/, '').startsWith(`'${name[0]}`)).toBe(true);
    }
    expect(formatRow('csv', 'scan.png', prediction)).toBe('scan.png,A,0.5,A:0.5\n');
  });

  it('a file name with a newline stays on one line of stderr', () => {
    expect(printableName('a\nb\x1b.png: cannot read')).toBe('a\\nb\\u001b.png: cannot read');
  });
});
