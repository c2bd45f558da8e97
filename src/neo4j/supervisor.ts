/**
 * Supervision of the embedded Neo4j: when its process exits without being asked to, it is started
 * again on the same port (so the driver reconnects to the same URI) with exponential backoff —
 * 1 s, 2 s, 4 s … capped at 60 s by default — until it is back. Meanwhile `unavailableReason()`
 * says why the database is not there (e.g. "restarting after exit code 137 (attempt 2)"), which
 * the database layer turns into fast 503 answers and readiness reports. Listeners hear when it is
 * down and when it is back (the schema is re-applied then).
 */
import { startEmbeddedNeo4j, type EmbeddedNeo4j, type EmbeddedOptions } from './embedded.js';

export interface SupervisorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SupervisorOptions extends EmbeddedOptions {
  /** First restart delay; doubled after each failed attempt. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  logger?: SupervisorLogger;
  /** Starts one database process (default: startEmbeddedNeo4j). */
  launch?: (options: EmbeddedOptions) => Promise<EmbeddedNeo4j>;
}

export type SupervisorStatus = 'up' | 'restarting' | 'stopped';

export class EmbeddedNeo4jSupervisor {
  private current: EmbeddedNeo4j;
  private status: SupervisorStatus = 'up';
  private reason: string | undefined;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly upListeners: (() => void)[] = [];
  private readonly downListeners: ((reason: string) => void)[] = [];
  private readonly options: SupervisorOptions & { port: number };
  readonly uri: string;

  private constructor(first: EmbeddedNeo4j, options: SupervisorOptions) {
    this.current = first;
    this.uri = first.uri;
    // Restarts use the port the first start got, so the URI the driver knows stays valid.
    this.options = { ...options, port: Number(new URL(first.uri.replace(/^bolt/, 'http')).port) };
    this.watch(first);
  }

  /** Starts the database (resolves once it answers) and supervises it from then on. */
  static async start(options: SupervisorOptions): Promise<EmbeddedNeo4jSupervisor> {
    return new EmbeddedNeo4jSupervisor(await (options.launch ?? startEmbeddedNeo4j)(options), options);
  }

  /** The JVM's process id (changes at each restart). */
  get pid(): number {
    return this.current.pid;
  }

  get state(): { status: SupervisorStatus; attempt: number; reason?: string } {
    return { status: this.status, attempt: this.attempt, ...(this.reason ? { reason: this.reason } : {}) };
  }

  /** Why the database is not available, or undefined while it is up. */
  unavailableReason(): string | undefined {
    if (this.status === 'up') return undefined;
    return this.status === 'stopped' ? 'stopped' : this.reason;
  }

  onUp(listener: () => void): void {
    this.upListeners.push(listener);
  }

  onDown(listener: (reason: string) => void): void {
    this.downListeners.push(listener);
  }

  /** Stops supervising and stops the database cleanly. */
  async stop(): Promise<void> {
    this.status = 'stopped';
    clearTimeout(this.timer);
    await this.current.stop();
  }

  private watch(instance: EmbeddedNeo4j): void {
    void instance.exited.then((code) => {
      if (this.status === 'stopped' || instance !== this.current) return;
      this.attempt = 0;
      this.scheduleRestart(`exit code ${code ?? 'unknown'}`);
    });
  }

  private scheduleRestart(cause: string): void {
    this.attempt++;
    this.status = 'restarting';
    this.reason = `restarting after ${cause} (attempt ${this.attempt})`;
    const delay = Math.min(this.options.maxBackoffMs ?? 60_000, (this.options.initialBackoffMs ?? 1_000) * 2 ** (this.attempt - 1));
    this.options.logger?.error({ attempt: this.attempt, delayMs: delay }, `the embedded Neo4j is down: ${this.reason}`);
    for (const listener of this.downListeners) listener(this.reason);
    this.timer = setTimeout(() => void this.restart(cause), delay);
  }

  private async restart(cause: string): Promise<void> {
    if (this.status === 'stopped') return;
    try {
      const next = await (this.options.launch ?? startEmbeddedNeo4j)(this.options);
      // stop() may have been called while the database was starting.
      if ((this.status as SupervisorStatus) === 'stopped') {
        await next.stop();
        return;
      }
      this.current = next;
      this.watch(next);
      this.options.logger?.info({ attempt: this.attempt, pid: next.pid }, 'the embedded Neo4j is back');
      this.status = 'up';
      this.reason = undefined;
      this.attempt = 0;
      for (const listener of this.upListeners) listener();
    } catch (error) {
      this.options.logger?.warn({ err: error, attempt: this.attempt }, 'the embedded Neo4j did not start again');
      this.scheduleRestart(cause);
    }
  }
}
