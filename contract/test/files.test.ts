import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutput, OUTPUT_MARKER, removeStaleTemporaries, writeDirAtomic, writeFileAtomic } from '@letters/contract/node';
import { tempDir } from '../../test-support/temp-dir.ts';

const model = { kind: 'folder', of: 'model' } as const;
const csv = { kind: 'file', of: 'a letters score output', recognise: async (path: string) => (await readFile(path, 'utf8')).startsWith('file,') } as const;

/** The pid of a process that has exited (as a kill -9 leaves it). */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}

describe('checkOutput: refuses before any work what a write would damage', () => {
  it('a folder holding files letters did not write, and keeps them', async () => {
    const thesis = join(tempDir('files'), 'thesis');
    await mkdir(thesis);
    await writeFile(join(thesis, 'chapter1.tex'), 'years of work');
    await expect(checkOutput(thesis, model, { option: '--out' })).rejects.toThrow(`--out ${thesis}: is a folder letters did not write`);
    await expect(writeDirAtomic(thesis, 'model', async () => {})).rejects.toThrow(/not a letters model folder/);
    expect(await readdir(thesis)).toEqual(['chapter1.tex']);
  });

  it('system paths: /dev/null, a device link, /proc, a path below a file', async () => {
    const dir = tempDir('files');
    await expect(checkOutput('/dev/null', model)).rejects.toThrow('/dev/null: is on a system pseudo filesystem (/dev)');
    await expect(checkOutput('/proc/nope/x', model)).rejects.toThrow('is on a system pseudo filesystem (/proc)');
    await symlink('/dev/zero', join(dir, 'zero'));
    await expect(checkOutput(join(dir, 'zero'), csv)).rejects.toThrow('is a symbolic link');
    await writeFile(join(dir, 'file'), 'x');
    await expect(checkOutput(join(dir, 'file', 'out.csv'), csv)).rejects.toThrow(`cannot be created: ${join(dir, 'file')} is a file`);
    await expect(checkOutput('', csv, { option: '--out' })).rejects.toThrow('--out: an empty path');
  });

  it('a FIFO, a folder where a file goes, a file letters did not write, an input', async () => {
    const dir = tempDir('files');
    spawnSync('mkfifo', [join(dir, 'fifo')]);
    await expect(checkOutput(join(dir, 'fifo'), csv)).rejects.toThrow('is a device, FIFO or socket');
    await expect(checkOutput(dir, csv)).rejects.toThrow('is a folder; name a file');
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await expect(checkOutput(join(dir, 'notes.txt'), csv)).rejects.toThrow('exists and is not a letters score output');
    await writeFile(join(dir, 'scores.csv'), 'file,label\n');
    await expect(checkOutput(join(dir, 'scores.csv'), csv, { inputs: [join(dir, 'scores.csv')] })).rejects.toThrow('is an input of this command');
    await expect(checkOutput(dir, model, { inputs: [join(dir, 'notes.txt')] })).rejects.toThrow();
    await expect(checkOutput(join(dir, 'scores.csv'), csv)).resolves.toBeUndefined();
  });

  it('accepts an absent path, an empty folder and a previous letters output of the same kind, which it replaces', async () => {
    const dir = tempDir('files');
    await expect(checkOutput(join(dir, 'a', 'b', 'model'), model)).resolves.toBeUndefined();
    await mkdir(join(dir, 'empty'));
    await expect(checkOutput(join(dir, 'empty'), model)).resolves.toBeUndefined();
    const out = join(dir, 'model');
    await writeDirAtomic(out, 'model', async (tmp) => writeFile(join(tmp, 'model.json'), '1'));
    expect(JSON.parse(await readFile(join(out, OUTPUT_MARKER), 'utf8'))).toEqual({ kind: 'model' });
    await expect(checkOutput(out, model)).resolves.toBeUndefined();
    await expect(checkOutput(out, { kind: 'folder', of: 'report' })).rejects.toThrow('no .letters-output.json of a report');
    await writeDirAtomic(out, 'model', async (tmp) => writeFile(join(tmp, 'model.json'), '2'));
    expect(await readFile(join(out, 'model.json'), 'utf8')).toBe('2');
    expect((await readdir(dir)).sort()).toEqual(['empty', 'model']);
  });
});

describe('temporaries', () => {
  it('a write removes the temporaries of its output that a dead process left, and keeps a live one', async () => {
    const dir = tempDir('files');
    const out = join(dir, 'scores.csv');
    const dead = join(dir, `.scores.csv.${deadPid()}-0123abcd.tmp`);
    const live = join(dir, `.scores.csv.${process.ppid}-0123abcd.tmp`);
    const other = join(dir, `.other.csv.${deadPid()}-0123abcd.tmp`);
    for (const path of [dead, live, other]) await writeFile(path, 'partial');
    await writeFileAtomic(out, 'file,label\n');
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(other)).toBe(true);
    removeStaleTemporaries(join(dir, 'other.csv'));
    expect(existsSync(other)).toBe(false);
  });

  it('are removed when the process exits, e.g. by process.exit from a signal handler', async () => {
    const dir = tempDir('files');
    const script = `
      import { temporaryPath } from '@letters/contract/node';
      import { writeFileSync } from 'node:fs';
      writeFileSync(temporaryPath(${JSON.stringify(join(dir, 'out.onnx'))}), 'partial');
      process.exit(130);`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '..') });
    expect(result.status).toBe(130);
    expect(await readdir(dir)).toEqual([]);
  });
});
