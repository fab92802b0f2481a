/**
 * A square canvas to write one letter on with mouse, pen or touch (pointer events), dark ink on white
 * like paper. The backing store has a fixed size whatever the screen, so a drawing gives the same pixels
 * on every device; CSS scales it for display.
 */
export class DrawingPad {
  static readonly SIZE = 512;
  /** Stroke width relative to the pad: close to EMNIST's pen once the letter is cropped and scaled to 28x28. */
  private static readonly STROKE = DrawingPad.SIZE / 18;
  private readonly context: CanvasRenderingContext2D;
  private last: { x: number; y: number } | undefined;
  private activePointer: number | undefined;
  private inked = false;

  constructor(
    readonly canvas: HTMLCanvasElement,
    /** Called after every change to the pixels: a stroke segment, a clear, an image shown. */
    private readonly onChange: () => void,
  ) {
    canvas.width = DrawingPad.SIZE;
    canvas.height = DrawingPad.SIZE;
    this.context = canvas.getContext('2d', { willReadFrequently: true })!;
    this.fillPaper();
    canvas.addEventListener('pointerdown', (event) => this.start(event));
    canvas.addEventListener('pointermove', (event) => this.move(event));
    for (const type of ['pointerup', 'pointercancel'] as const) {
      canvas.addEventListener(type, (event) => this.end(event));
    }
  }

  /** True once something has been drawn or shown since the last clear. */
  get hasInk(): boolean {
    return this.inked;
  }

  clear(): void {
    this.fillPaper();
    this.onChange();
  }

  private fillPaper(): void {
    this.context.fillStyle = '#ffffff';
    this.context.fillRect(0, 0, DrawingPad.SIZE, DrawingPad.SIZE);
    this.inked = false;
  }

  /** Shows a picture scaled to fit, centred on white, so one can look at it (and draw over it). */
  showImage(image: CanvasImageSource & { width: number; height: number }): void {
    this.clear();
    const scale = Math.min(DrawingPad.SIZE / image.width, DrawingPad.SIZE / image.height);
    const width = image.width * scale;
    const height = image.height * scale;
    this.context.drawImage(image, (DrawingPad.SIZE - width) / 2, (DrawingPad.SIZE - height) / 2, width, height);
    this.inked = true;
    this.onChange();
  }

  pixels(): ImageData {
    return this.context.getImageData(0, 0, DrawingPad.SIZE, DrawingPad.SIZE);
  }

  private point(event: PointerEvent): { x: number; y: number } {
    const box = this.canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) / box.width) * DrawingPad.SIZE,
      y: ((event.clientY - box.top) / box.height) * DrawingPad.SIZE,
    };
  }

  private start(event: PointerEvent): void {
    if (this.activePointer !== undefined || (event.pointerType === 'mouse' && event.button !== 0)) return;
    event.preventDefault();
    this.activePointer = event.pointerId;
    this.canvas.setPointerCapture(event.pointerId);
    this.last = this.point(event);
    this.segment(this.last, this.last);
    this.onChange();
  }

  private move(event: PointerEvent): void {
    if (event.pointerId !== this.activePointer || this.last === undefined) return;
    event.preventDefault();
    // Coalesced events keep fast strokes smooth: the browser batches several moves into one event.
    const events = event.getCoalescedEvents?.() ?? [];
    for (const e of events.length > 0 ? events : [event]) {
      const next = this.point(e);
      this.segment(this.last, next);
      this.last = next;
    }
    this.onChange();
  }

  private end(event: PointerEvent): void {
    if (event.pointerId !== this.activePointer) return;
    this.activePointer = undefined;
    this.last = undefined;
    this.onChange();
  }

  private segment(from: { x: number; y: number }, to: { x: number; y: number }): void {
    const c = this.context;
    c.strokeStyle = '#111111';
    c.lineWidth = DrawingPad.STROKE;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(from.x, from.y);
    c.lineTo(to.x, to.y);
    c.stroke();
    this.inked = true;
  }
}
