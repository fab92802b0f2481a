import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@letters/contract/node';

/** What a finished stage leaves behind in `<out>/stages/<name>.json`. */
interface StageRecord<T> {
  key: string;
  result: T;
  finishedAt: string;
  seconds: number;
}

export interface StageOutcome<T> {
  result: T;
  /** The stage's identity: hash of its config and of every input it read (upstream keys included). */
  key: string;
  cached: boolean;
  seconds: number;
}

export interface StageDefinition<T> {
  name: string;
  /** Everything the result depends on: config, data hashes, upstream stage keys. */
  inputs: unknown;
  /** Files the result names; a cached result whose files are gone is recomputed. */
  outputs: (result: T) => readonly string[];
  run: () => Promise<T>;
}

/** JSON with sorted keys, so that a key does not change when object fields are reordered. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export function stageKey(name: string, inputs: unknown): string {
  return createHash('sha256').update(name).update('\0').update(stableJson(inputs)).digest('hex').slice(0, 16);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Runs pipeline stages at most once per distinct input: a rerun with the same config and data
 * returns the recorded result, so only what changed is redone. Stages that train resume from
 * their own checkpoints, which makes an interrupted run continue where it stopped.
 */
export class StageCache {
  constructor(private readonly dir: string) {}

  async run<T>(stage: StageDefinition<T>): Promise<StageOutcome<T>> {
    const key = stageKey(stage.name, stage.inputs);
    const recordPath = join(this.dir, `${stage.name}.json`);
    const previous = await this.read<T>(recordPath);
    if (previous?.key === key) {
      const present = await Promise.all(stage.outputs(previous.result).map(exists));
      if (present.every(Boolean)) return { result: previous.result, key, cached: true, seconds: previous.seconds };
    }
    const started = performance.now();
    const result = await stage.run();
    const seconds = (performance.now() - started) / 1000;
    const record: StageRecord<T> = { key, result, finishedAt: new Date().toISOString(), seconds };
    await writeFileAtomic(recordPath, `${JSON.stringify(record, null, 2)}\n`);
    return { result, key, cached: false, seconds };
  }

  private async read<T>(path: string): Promise<StageRecord<T> | undefined> {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as StageRecord<T>;
    } catch {
      return undefined; // no record or a damaged one: the stage simply runs again
    }
  }
}
