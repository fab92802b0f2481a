import { createStore, get, set, type UseStore } from 'idb-keyval';
import type { Sample } from '@letters/export/personalize';

/** A personalized model the page made, with what it was measured at. */
export interface TaughtModel {
  readonly onnx: Uint8Array;
  readonly before: number;
  readonly after: number;
  readonly samples: number;
  readonly created: string;
}

/**
 * What Teach mode keeps in this browser's IndexedDB, and nowhere else: the user's drawings (one list
 * for every model), and per base model the personalized models made from it, newest last, so Undo
 * goes back one and a reload finds the latest.
 */
export class TeachStore {
  private readonly store: UseStore = createStore('letters-teach', 'kv');

  async samples(): Promise<Sample[]> {
    return (await get<Sample[]>('samples', this.store)) ?? [];
  }

  async saveSamples(samples: readonly Sample[]): Promise<void> {
    await set('samples', samples, this.store);
  }

  async models(baseId: string): Promise<TaughtModel[]> {
    return (await get<TaughtModel[]>(`models:${baseId}`, this.store)) ?? [];
  }

  async saveModels(baseId: string, models: readonly TaughtModel[]): Promise<void> {
    await set(`models:${baseId}`, models, this.store);
  }
}
