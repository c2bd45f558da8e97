/**
 * Readiness: the database answers and the schema is applied. When the database goes away the
 * schema is marked pending, and re-applied (idempotently) once it answers again, so the service
 * follows a database restart without a restart of its own. While the database is known to be away
 * (the embedded one restarting after a crash), readiness says why; while the service stops, it
 * says so.
 */
export interface DatabaseProbe {
  ping(): Promise<boolean>;
  applySchema(): Promise<void>;
  /** Why the database is away (e.g. "restarting after exit code 137 (attempt 2)"), if known. */
  unavailableReason?(): string | undefined;
}

export interface Readiness {
  ready: boolean;
  /** 'up', 'down', or why the database is away. */
  database: string;
  schema: 'applied' | 'pending';
  reason?: string;
}

export class ReadinessService {
  private schemaApplied = false;
  private applying: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly probe: DatabaseProbe) {}

  /** Applies the schema once; concurrent callers share the same attempt. */
  async ensureSchema(): Promise<void> {
    if (this.schemaApplied) return;
    this.applying ??= this.probe
      .applySchema()
      .then(() => {
        this.schemaApplied = true;
      })
      .finally(() => {
        this.applying = undefined;
      });
    return this.applying;
  }

  /** The database was replaced (restarted): apply the schema again before calling it ready. */
  invalidate(): void {
    this.schemaApplied = false;
  }

  /** The service is shutting down: not ready from now on. */
  markStopping(): void {
    this.stopping = true;
  }

  async check(): Promise<Readiness> {
    if (this.stopping) return { ready: false, database: 'up', schema: this.schemaApplied ? 'applied' : 'pending', reason: 'The service is shutting down' };
    const away = this.probe.unavailableReason?.();
    if (away) {
      this.schemaApplied = false;
      return { ready: false, database: away, schema: 'pending', reason: `The database is ${away}` };
    }
    if (!(await this.probe.ping())) {
      this.schemaApplied = false;
      return { ready: false, database: 'down', schema: 'pending', reason: 'The database does not answer' };
    }
    try {
      await this.ensureSchema();
    } catch {
      return { ready: false, database: 'up', schema: 'pending', reason: 'The database schema could not be applied yet' };
    }
    return { ready: true, database: 'up', schema: 'applied' };
  }
}
