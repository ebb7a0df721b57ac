/**
 * A memory ceiling for intake. While the process's resident memory is above the ceiling, the
 * gate stops granting pages to the sources, so what is in flight drains to the sink before
 * more is read. It only holds back while at least a full batch is in flight: with less, the
 * sink would wait for records the gate withholds, and the stage would stop for good. A single
 * pause ends after `maxPauseMs` even if memory stays high (a ceiling below what a run needs
 * slows it, never halts it).
 */
import { Gate } from '../../core/rx.js';
import type { Logger } from '../../core/logger.js';

export interface MemoryCeilingOptions {
  ceilingBytes: number;
  checkMs: number;
  maxPauseMs: number;
  logger: Logger;
  /** Resident memory in bytes; injected by tests. */
  memory?: () => number;
  /** Called with the length of each pause (for the metric). */
  onPause?: (ms: number) => void;
}

export class MemoryCeiling {
  private paused = 0;
  private pausedMs = 0;

  constructor(private readonly options: MemoryCeilingOptions) {}

  /** Pauses taken and their total length so far. */
  stats(): { pauses: number; pausedMs: number } {
    return { pauses: this.paused, pausedMs: this.pausedMs };
  }

  above(): boolean {
    return (this.options.memory ?? (() => process.memoryUsage.rss()))() > this.options.ceilingBytes;
  }

  /** Waits while memory is above the ceiling and `inFlight` reports at least `minInFlight` records. */
  async wait(inFlight: () => number, minInFlight: number): Promise<void> {
    if (!this.above() || inFlight() < minInFlight) return;
    const started = Date.now();
    this.options.logger.warn({ ceilingMB: Math.round(this.options.ceilingBytes / 1048576), inFlight: inFlight() }, 'memory above the ceiling: intake paused');
    while (this.above() && inFlight() >= minInFlight && Date.now() - started < this.options.maxPauseMs) {
      await new Promise((r) => setTimeout(r, this.options.checkMs));
    }
    const ms = Date.now() - started;
    this.paused++;
    this.pausedMs += ms;
    this.options.onPause?.(ms);
    if (this.above() && inFlight() >= minInFlight) this.options.logger.warn({ pausedMs: ms }, 'memory still above the ceiling: intake resumed after the longest pause allowed');
    else this.options.logger.info({ pausedMs: ms }, 'intake resumed');
  }

  /** A stage gate that also waits for memory to fall under the ceiling. */
  gate(highWater: number, batchSize: number): Gate {
    return new CeilingGate(highWater, this, batchSize);
  }
}

class CeilingGate extends Gate {
  constructor(
    highWater: number,
    private readonly ceiling: MemoryCeiling,
    private readonly batchSize: number,
  ) {
    super(highWater);
  }

  override async ready(): Promise<void> {
    await this.ceiling.wait(() => this.pending, this.batchSize);
    await super.ready();
  }
}
