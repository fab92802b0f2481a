import { IMAGE_SIZE, LettersError } from '@letters/contract';
import { preprocessInto } from '@letters/inference';
import {
  letterCounts,
  letterLabel,
  letterName,
  MIN_SAMPLES_PER_LETTER,
  personalize,
  type PersonalizeResult,
  type Sample,
} from '@letters/export/personalize';
import type { DrawingPad } from '../drawing-pad.ts';
import type { TeachState } from '../page-state.ts';
import { showPairs } from '../pairs.ts';
import { paintInput } from '../predictions-view.ts';
import type { RuntimeInfo } from '../runtime.ts';
import { TeachStore, type TaughtModel } from './store.ts';
import { webPersonalizeRuntime } from './web-runtime.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const percent = (x: number) => `${(100 * x).toFixed(0)}%`;

/** The page's side of Teach mode: what the view needs from main.ts. */
export interface TeachHost {
  readonly pad: DrawingPad;
  readonly runtime: RuntimeInfo;
  /** Makes the page classify with these ONNX bytes (a personalized model), or the base model when undefined. */
  useModel(onnx: Uint8Array | undefined): Promise<void>;
}

/** The base model Teach mode starts from: the model picked in the page. */
export interface TeachBase {
  readonly id: string;
  readonly name: string;
  readonly onnx: Uint8Array;
}

/**
 * Teach mode: the user draws a few examples of letters they choose, the page fine-tunes the model on
 * them with onnxruntime-web and shows the held-out drawings' accuracy before and after; Undo, Keep going
 * and Download work on the personalized models kept in IndexedDB. Nothing leaves the browser.
 */
export class TeachView {
  private readonly store = new TeachStore();
  private samples: Sample[] = [];
  private history: TaughtModel[] = [];
  private base: TeachBase | undefined;
  private busy = false;
  /** The generated letters a fine-tune rehearses (fetched once from the demo server). */
  private rehearsal: Promise<Float32Array> | undefined;
  private state: TeachState = { phase: 'idle', samples: 0, personalized: 0 };

  private constructor(private readonly host: TeachHost) {}

  static async open(host: TeachHost): Promise<TeachView> {
    const view = new TeachView(host);
    view.samples = await view.store.samples();
    view.wire();
    view.render();
    return view;
  }

  /** A new base model was picked: its personalized models (from an earlier visit) come back, the latest in use. */
  async setBase(base: TeachBase): Promise<void> {
    this.base = base;
    this.history = await this.store.models(base.id);
    await this.host.useModel(this.history.at(-1)?.onnx);
    this.publish({ phase: 'idle' });
    this.render();
  }

  private wire(): void {
    const letter = $<HTMLInputElement>('teach-letter');
    letter.addEventListener('input', () => {
      letter.value = letter.value.slice(-1).toUpperCase();
    });
    $('teach-add').addEventListener('click', () => void this.guard(() => this.addDrawing()));
    $('teach-train').addEventListener('click', () => void this.guard(() => this.train()));
    $('teach-undo').addEventListener('click', () => void this.guard(() => this.undo()));
    $('teach-download').addEventListener('click', () => this.download());
    $('teach-forget').addEventListener('click', () => void this.guard(() => this.setSamples([])));
  }

  /** Runs one action at a time and shows its error as one line. */
  private async guard(action: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.render();
    try {
      await action();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.publish({ phase: 'error', message });
      this.say(message, true);
    } finally {
      this.busy = false;
      this.render();
    }
  }

  private async addDrawing(): Promise<void> {
    const name = $<HTMLInputElement>('teach-letter').value;
    const label = letterLabel(name);
    if (label === undefined) throw new LettersError('type the letter you draw (A-Z) in the Letter box first', { kind: 'usage' });
    if (!this.host.pad.hasInk) throw new LettersError(`draw a ${name} on the pad first`, { kind: 'usage' });
    const image = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
    if (preprocessInto(this.host.pad.pixels(), image).blank) throw new LettersError('no ink found: draw darker or bigger');
    await this.setSamples([...this.samples, { label, image }]);
    this.host.pad.clear();
    const count = letterCounts(this.samples).get(label) ?? 0;
    this.say(count < MIN_SAMPLES_PER_LETTER ? `${count} of ${name}: draw ${MIN_SAMPLES_PER_LETTER - count} more` : `${count} of ${name}`);
  }

  private async setSamples(samples: Sample[]): Promise<void> {
    this.samples = samples;
    await this.store.saveSamples(samples);
    this.publish({});
  }

  private async train(): Promise<void> {
    const base = this.base;
    if (!base) return;
    // "Keep going" continues from the latest personalized model.
    const start = this.history.at(-1)?.onnx ?? base.onnx;
    const bar = $<HTMLProgressElement>('teach-progress');
    const loss = $('teach-loss');
    bar.value = 0;
    this.publish({ phase: 'training', message: undefined });
    this.say('Teaching…');
    this.rehearsal ??= fetchRehearsal();
    const rehearsal = await this.rehearsal.catch((error: unknown) => {
      this.rehearsal = undefined;
      throw error;
    });
    const started = performance.now();
    const result: PersonalizeResult = await personalize(webPersonalizeRuntime(this.host.runtime), {
      base: start,
      baseName: base.name,
      samples: this.samples,
      rehearsal,
      layers: $<HTMLInputElement>('teach-all-layers').checked ? 'all' : 'last',
      onProgress: (p) => {
        bar.max = p.steps;
        bar.value = p.step;
        loss.textContent = `epoch ${p.epoch}/${p.epochs} · loss ${p.loss.toFixed(4)}`;
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const summary = { before: result.before, after: result.after, trained: result.trained, heldOut: result.heldOut, seconds, accepted: result.accepted };
    this.showResult(summary);
    if (result.accepted) {
      this.history.push({ onnx: result.model, before: result.before, after: result.after, samples: result.trained, created: new Date().toISOString() });
      await this.store.saveModels(base.id, this.history);
      await this.host.useModel(result.model);
    }
    this.publish({ phase: 'done', message: result.message, ...summary, losses: result.losses });
    this.say(`${result.message} (${seconds.toFixed(1)} s)`, !result.accepted);
  }

  private async undo(): Promise<void> {
    if (!this.base || this.history.length === 0) return;
    this.history.pop();
    await this.store.saveModels(this.base.id, this.history);
    await this.host.useModel(this.history.at(-1)?.onnx);
    this.publish({ phase: 'idle' });
    this.say(this.history.length > 0 ? 'Back to the previous personalized model' : `Back to ${this.base.name}`);
  }

  private download(): void {
    const latest = this.history.at(-1);
    if (!this.base || !latest) return;
    const url = URL.createObjectURL(new Blob([latest.onnx as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `${this.base.name}-personalized.onnx`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private showResult(r: { before: number; after: number; trained: number; heldOut: number; seconds: number }): void {
    const rows: [string, string][] = [
      ['Held-out drawings', `${r.heldOut} (trained on ${r.trained})`],
      ['Accuracy before', percent(r.before)],
      ['Accuracy after', percent(r.after)],
      ['Fine-tune time', `${r.seconds.toFixed(1)} s`],
    ];
    showPairs($('teach-result'), rows);
  }

  private say(text: string, isError = false): void {
    const line = $('teach-status');
    line.textContent = text;
    line.classList.toggle('error', isError);
  }

  /** Updates what tests (and the console) read as `window.__teach`. */
  private publish(change: Partial<TeachState>): void {
    this.state = { ...this.state, ...change, samples: this.samples.length, personalized: this.history.length };
    window.__teach = this.state;
    document.body.dataset.teach = this.state.phase;
  }

  /** The drawings by letter (click one to remove it) and the buttons' states. */
  private render(): void {
    const list = $('teach-samples');
    const rows = [...letterCounts(this.samples).keys()].map((label) => {
      const row = document.createElement('li');
      const mine = this.samples.filter((s) => s.label === label);
      const name = document.createElement('span');
      name.className = 'teach-letter';
      name.textContent = `${letterName(label)} ×${mine.length}`;
      row.append(
        name,
        ...mine.map((sample) => {
          const button = document.createElement('button');
          button.type = 'button';
          button.className = 'thumb';
          button.title = 'Remove this drawing';
          const canvas = document.createElement('canvas');
          canvas.width = canvas.height = IMAGE_SIZE;
          paintInput(canvas, sample.image, IMAGE_SIZE);
          button.append(canvas);
          button.addEventListener('click', () => void this.guard(() => this.setSamples(this.samples.filter((s) => s !== sample))));
          return button;
        }),
      );
      return row;
    });
    list.replaceChildren(...rows);
    const personalized = this.history.length > 0;
    $<HTMLButtonElement>('teach-train').textContent = personalized ? 'Keep going' : 'Teach';
    for (const [id, enabled] of [
      ['teach-add', true],
      ['teach-train', this.samples.length > 0 && this.base !== undefined],
      ['teach-undo', personalized],
      ['teach-download', personalized],
      ['teach-forget', this.samples.length > 0],
    ] as const) {
      $<HTMLButtonElement>(id).disabled = this.busy || !enabled;
    }
    $('teach-model').textContent = personalized
      ? `Personalized from ${this.base?.name} (${this.history.length} fine-tune${this.history.length > 1 ? 's' : ''}, held-out ${percent(this.history.at(-1)!.after)})`
      : `${this.base?.name ?? ''} as shipped`;
  }
}

/** The demo server's generated letters as model-ready images. */
async function fetchRehearsal(): Promise<Float32Array> {
  const response = await fetch('api/rehearsal');
  if (!response.ok) throw new Error(`api/rehearsal: HTTP ${response.status}; is the page served by \`letters demo\`?`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return Float32Array.from(bytes, (v) => v / 255);
}
