import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `letters` command as npm installs it in this repository (the bin of @letters/cli). */
export const LETTERS_BIN = fileURLToPath(new URL('../node_modules/.bin/letters', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `letters` CLI in its own Node process; resolves with the exit code instead of throwing on failure. */
export function letters(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [LETTERS_BIN, ...args], { ...options, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}
