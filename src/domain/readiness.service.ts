/**
 * Readiness: the database answers and the schema is applied. When the database goes away the
 * schema is marked pending, and re-applied (idempotently) once it answers again, so the service
 * follows a database restart without a restart of its own.
 */
export interface DatabaseProbe {
  ping(): Promise<boolean>;
  applySchema(): Promise<void>;
}

export interface Readiness {
  ready: boolean;
  database: 'up' | 'down';
  schema: 'applied' | 'pending';
  reason?: string;
}

export class ReadinessService {
  private schemaApplied = false;
  private applying: Promise<void> | undefined;

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

  async check(): Promise<Readiness> {
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
