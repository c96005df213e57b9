// One direction of a proxied connection: reads chunks from `source`, runs each through the
// toxics applied to this direction (in the order they were added), writes to `destination`.
import type { Socket } from 'node:net';
import type { Chunk, LinkContext, ToxicInstance } from './toxics/ToxicInstance.js';
import type { ToxicDescription } from './toxics/ToxicOptions.js';
import { createToxicInstance } from './toxics/createToxicInstance.js';

interface AppliedToxic {
  readonly id: string;
  readonly instance: ToxicInstance;
  readonly controller: AbortController;
}

// Above this many queued bytes the source is paused, so a slow toxic cannot buffer without bound.
const HIGH_WATER = 1 << 20;

export class Link {
  private readonly queue: Chunk[] = [];
  private queuedBytes = 0;
  private chain: AppliedToxic[] = [];
  private pumping = false;
  private sourceEnded = false;
  private stopped = false;

  constructor(
    private readonly source: Socket,
    private readonly destination: Socket,
    private readonly context: LinkContext,
    private readonly countBytes: (bytes: number) => void,
  ) {
    source.on('data', (data: Buffer) => {
      if (this.stopped) return;
      this.queue.push({ data, arrivedAt: context.clock.now() });
      this.queuedBytes += data.length;
      if (this.queuedBytes > HIGH_WATER) source.pause();
      void this.pump();
    });
    // 'close' without 'end' (the peer vanished): pass the end on all the same, after the data.
    const onEnd = (): void => {
      if (this.sourceEnded) return;
      this.sourceEnded = true;
      void this.pump();
    };
    source.once('end', onEnd);
    source.once('close', onEnd);
  }

  /** Applies a toxic to this direction from now on, behind the ones already applied. */
  add(toxic: ToxicDescription): void {
    if (this.stopped) return;
    const controller = new AbortController();
    const instance = createToxicInstance(toxic, this.context, controller.signal);
    if (instance !== undefined) this.chain.push({ id: toxic.id, instance, controller });
  }

  /** Takes a toxic off; data it holds back (a latency wait) is released at once. */
  remove(id: string): void {
    const entry = this.chain.find((t) => t.id === id);
    if (entry === undefined) return;
    this.chain = this.chain.filter((t) => t !== entry);
    dispose(entry);
  }

  /** Stops for good: drops queued data, clears every toxic's timers and waits. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.length = 0;
    for (const entry of this.chain) dispose(entry);
    this.chain = [];
  }

  // A method, not the field, so that checks after an await are not narrowed away.
  private isStopped(): boolean {
    return this.stopped;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let chunk = this.queue.shift(); chunk !== undefined; chunk = this.queue.shift()) {
        this.queuedBytes -= chunk.data.length;
        if (this.source.isPaused() && this.queuedBytes <= HIGH_WATER / 2) this.source.resume();
        await this.run([...this.chain], 0, chunk);
        if (this.stopped) return;
      }
      if (this.sourceEnded && !this.isStopped()) {
        for (const entry of [...this.chain]) await entry.instance.beforeEnd?.();
        if (!this.isStopped()) this.destination.end();
      }
    } catch {
      // A toxic never throws by design; if one does, the connection cannot be trusted.
      this.context.reset();
    } finally {
      this.pumping = false;
    }
  }

  private async run(chain: readonly AppliedToxic[], index: number, chunk: Chunk): Promise<void> {
    if (this.stopped) return;
    const entry = chain[index];
    if (entry === undefined) return this.write(chunk);
    // Removed while this chunk was on its way: the toxic no longer touches it.
    if (entry.controller.signal.aborted) return this.run(chain, index + 1, chunk);
    return entry.instance.transform(chunk, (next) => this.run(chain, index + 1, next));
  }

  private async write(chunk: Chunk): Promise<void> {
    const destination = this.destination;
    if (this.stopped || destination.destroyed || destination.writableEnded) return;
    this.countBytes(chunk.data.length);
    if (destination.write(chunk.data)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        destination.off('drain', done);
        destination.off('close', done);
        resolve();
      };
      destination.on('drain', done);
      destination.on('close', done);
    });
  }
}

function dispose(entry: AppliedToxic): void {
  entry.controller.abort();
  entry.instance.dispose?.();
}
