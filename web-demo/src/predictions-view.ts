import type { Ranked } from '@letters/inference';

/** One decimal, without rounding a near-certainty up to 100% or a small chance down to 0%. */
function formatPercent(percent: number): string {
  if (percent > 99.9 && percent < 100) return '>99.9%';
  if (percent > 0 && percent < 0.1) return '<0.1%';
  return `${percent.toFixed(1)}%`;
}

/** The ranked list of top predictions, one bar per class, updated in place so the bars animate. */
export class PredictionsView {
  constructor(private readonly list: HTMLOListElement) {}

  show(predictions: readonly Ranked[]): void {
    while (this.list.children.length < predictions.length) {
      const item = document.createElement('li');
      item.innerHTML = '<span class="label"></span><span class="track"><span class="fill"></span></span><span class="value"></span>';
      this.list.append(item);
    }
    while (this.list.children.length > predictions.length) this.list.lastElementChild!.remove();
    predictions.forEach((p, rank) => {
      const item = this.list.children[rank] as HTMLLIElement;
      const percent = 100 * p.probability;
      item.dataset.label = p.label;
      item.dataset.probability = String(p.probability);
      item.querySelector<HTMLElement>('.label')!.textContent = p.label;
      item.querySelector<HTMLElement>('.fill')!.style.width = `${percent.toFixed(1)}%`;
      item.querySelector<HTMLElement>('.value')!.textContent = formatPercent(percent);
    });
    this.list.dataset.top = predictions[0]?.label ?? '';
  }

  clear(): void {
    this.list.replaceChildren();
    this.list.dataset.top = '';
  }
}

/** Paints a preprocessed 28x28 input (ink 1 on 0) as the model sees it: white ink on black. */
export function paintInput(canvas: HTMLCanvasElement, input: Float32Array | undefined, side: number): void {
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const v = Math.round(255 * (input?.[i] ?? 0));
    image.data.set([v, v, v, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
}
