/**
 * Admits jobs by their memory cost: the costs of the jobs running together stay within `capacity`;
 * a job costlier than the whole capacity runs alone. Jobs start in the order they asked.
 */
export class MemoryBudget {
  private used = 0;
  private running = 0;
  private readonly queue: { readonly cost: number; readonly start: () => void }[] = [];

  constructor(private readonly capacity: number) {}

  /** Runs `job` once its cost fits (`Infinity`: once nothing else runs, and nothing else while it does). */
  async run<T>(cost: number, job: () => Promise<T>): Promise<T> {
    if (this.queue.length > 0 || !this.fits(cost)) await new Promise<void>((start) => this.queue.push({ cost, start }));
    else this.take(cost);
    try {
      return await job();
    } finally {
      this.used -= cost;
      this.running--;
      if (this.running === 0) this.used = 0;
      this.admit();
    }
  }

  private fits(cost: number): boolean {
    return this.running === 0 || this.used + cost <= this.capacity;
  }

  private take(cost: number): void {
    this.used += cost;
    this.running++;
  }

  private admit(): void {
    while (this.queue.length > 0 && this.fits(this.queue[0]!.cost)) {
      const next = this.queue.shift()!;
      this.take(next.cost);
      next.start();
    }
  }
}
