/**
 * A square canvas to write one letter on with mouse, pen or touch (pointer events), dark ink on white
 * like paper. The backing store has a fixed size whatever the screen, so a drawing gives the same pixels
 * on every device; CSS scales it for display.
 */
export class DrawingPad {
  static readonly SIZE = 512;
  /**
   * Pen width: a letter drawn over about 60% of the pad then has EMNIST's stroke, about 2.5-3.5 px once
   * cropped and scaled into the 24-px box of the 28x28 input.
   */
  private static readonly STROKE = DrawingPad.SIZE / 13;
  private readonly context: CanvasRenderingContext2D;
  /** The stroke being drawn, and the pixels from before it: each move redraws it as one path. */
  private stroke: { x: number; y: number }[] = [];
  private beforeStroke: ImageData | undefined;
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
    this.beforeStroke = this.pixels();
    this.stroke = [this.point(event)];
    this.drawStroke();
  }

  private move(event: PointerEvent): void {
    if (event.pointerId !== this.activePointer) return;
    event.preventDefault();
    // Coalesced events keep fast strokes smooth: the browser batches several moves into one event.
    const events = event.getCoalescedEvents?.() ?? [];
    for (const e of events.length > 0 ? events : [event]) this.stroke.push(this.point(e));
    this.drawStroke();
  }

  private end(event: PointerEvent): void {
    if (event.pointerId !== this.activePointer) return;
    this.activePointer = undefined;
    this.beforeStroke = undefined;
    this.stroke = [];
  }

  /**
   * Paints the whole stroke as one path over the pixels from before it. Painting segment by segment
   * would leave seams where the anti-aliased ends of segments overlap.
   */
  private drawStroke(): void {
    const c = this.context;
    if (this.beforeStroke) c.putImageData(this.beforeStroke, 0, 0);
    c.strokeStyle = '#111111';
    c.lineWidth = DrawingPad.STROKE;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    const [first, ...rest] = this.stroke;
    c.moveTo(first!.x, first!.y);
    // A lone point (a dot) still needs a segment for the round cap to show.
    for (const p of rest.length > 0 ? rest : [first!]) c.lineTo(p.x, p.y);
    c.stroke();
    this.inked = true;
    this.onChange();
  }
}
