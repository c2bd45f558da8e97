/**
 * The one door to Neo4j: a driver with sane timeouts, managed read/write transactions (which retry
 * transient errors), and the mapping of driver errors onto AppError so no database message ever
 * reaches a caller. Only src/graph imports neo4j-driver. When the database is known to be away
 * (the embedded one restarting), calls fail at once with a retriable 503 instead of waiting out
 * the driver's retries; the driver reconnects by itself once it is back.
 */
import neo4j, { type Driver, type ManagedTransaction, Neo4jError, type QueryResult } from 'neo4j-driver';
import { AppError, databaseUnavailable } from '../domain/errors.js';

export interface DatabaseSettings {
  uri: string;
  user: string;
  password: string;
  database?: string;
  /** Says why the database is away (e.g. the embedded one restarting), or undefined while it is up. */
  availability?: { unavailableReason(): string | undefined };
}

export type Tx = ManagedTransaction;

const UNAVAILABLE_CODES = new Set(['ServiceUnavailable', 'SessionExpired', 'Neo.TransientError.General.DatabaseUnavailable']);

/** Whether a failed query (as GraphDatabase reports it) called a procedure the database does not have. */
export function isProcedureNotFound(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  return cause?.code === 'Neo.ClientError.Procedure.ProcedureNotFound';
}

/** Maps a driver error onto an AppError that is safe to show. */
export function mapDatabaseError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof Neo4jError) {
    if (UNAVAILABLE_CODES.has(error.code) || error.code.startsWith('Neo.TransientError')) return databaseUnavailable(error);
    if (error.code === 'Neo.ClientError.Security.Unauthorized' || error.code === 'Neo.ClientError.Security.AuthenticationRateLimit') {
      return new AppError('DATABASE_AUTH_FAILED', 503, 'The service cannot log in to its database', { cause: error });
    }
    if (error.code === 'Neo.ClientError.Schema.ConstraintValidationFailed') {
      return new AppError('CONFLICT', 409, 'The write conflicts with existing data', { cause: error });
    }
    if (error.code === 'Neo.ClientError.Transaction.TransactionTimedOut' || error.code.endsWith('TransactionTimedOutClientConfiguration')) {
      return new AppError('DATABASE_TIMEOUT', 504, 'The database took too long to answer', { cause: error, retriable: true });
    }
  }
  return new AppError('INTERNAL', 500, 'Internal error', { cause: error });
}

export class GraphDatabase {
  readonly driver: Driver;
  readonly database: string | undefined;
  private readonly availability: DatabaseSettings['availability'];

  /** What another thread needs to open its own connection to the same database (the projection worker). */
  private readonly connection: Omit<DatabaseSettings, 'availability'>;

  constructor(settings: DatabaseSettings) {
    this.availability = settings.availability;
    this.connection = { uri: settings.uri, user: settings.user, password: settings.password, database: settings.database };
    this.driver = neo4j.driver(settings.uri, neo4j.auth.basic(settings.user, settings.password), {
      connectionTimeout: 5_000,
      connectionAcquisitionTimeout: 20_000,
      maxTransactionRetryTime: 15_000,
      disableLosslessIntegers: false,
      logging: { level: 'error', logger: () => undefined },
      userAgent: 'influence-graph/0.1',
    });
    this.database = settings.database;
  }

  /** The connection settings, for a worker thread that opens its own driver (a driver cannot cross threads). */
  connectionSettings(): Omit<DatabaseSettings, 'availability'> {
    return { ...this.connection };
  }

  /** Why the database is away right now, or undefined when it is (as far as we know) up. */
  unavailableReason(): string | undefined {
    return this.availability?.unavailableReason();
  }

  /** The retriable 503 to answer while the database is known to be away, or undefined while it is up. */
  unavailableError(): AppError | undefined {
    const reason = this.unavailableReason();
    return reason ? new AppError('DATABASE_UNAVAILABLE', 503, `The database is ${reason}; try again shortly`, { retriable: true }) : undefined;
  }

  private session(mode: 'READ' | 'WRITE') {
    const away = this.unavailableError();
    if (away) throw away;
    return this.driver.session({
      database: this.database,
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
    });
  }

  /** Runs work in a managed read transaction (retried on transient errors). */
  async read<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const session = this.session('READ');
    try {
      return await session.executeRead(work);
    } catch (error) {
      throw mapDatabaseError(error);
    } finally {
      await session.close();
    }
  }

  /** Runs work in a managed write transaction (retried on transient errors; keep it idempotent). */
  async write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const session = this.session('WRITE');
    try {
      return await session.executeWrite(work);
    } catch (error) {
      throw mapDatabaseError(error);
    } finally {
      await session.close();
    }
  }

  /** Auto-commit query, for schema statements and `CALL { … } IN TRANSACTIONS`. */
  async autoCommit(cypher: string, params: Record<string, unknown> = {}): Promise<QueryResult> {
    const session = this.session('WRITE');
    try {
      return await session.run(cypher, params);
    } catch (error) {
      throw mapDatabaseError(error);
    } finally {
      await session.close();
    }
  }

  /**
   * Streams a read query's records to `onRecord` as they arrive (auto-commit, not retried, so a
   * consumer that accumulates is never fed twice).
   */
  async stream(cypher: string, params: Record<string, unknown>, onRecord: (record: Record<string, unknown>) => void): Promise<void> {
    const session = this.session('READ');
    try {
      const result = session.run(cypher, params);
      for await (const record of result) onRecord(record.toObject() as Record<string, unknown>);
    } catch (error) {
      throw mapDatabaseError(error);
    } finally {
      await session.close();
    }
  }

  /** True when the database answers a trivial query within the timeout. */
  async ping(timeoutMs = 3_000): Promise<boolean> {
    if (this.unavailableReason()) return false;
    const session = this.session('READ');
    try {
      await Promise.race([
        session.run('RETURN 1', {}, { timeout: timeoutMs }),
        new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), timeoutMs).unref()),
      ]);
      return true;
    } catch {
      return false;
    } finally {
      await session.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

/** Integer parameter for SKIP/LIMIT and other places Cypher needs a true integer. */
export const int = (value: number) => neo4j.int(value);

/** Converts driver integers (and nested values) to plain JS numbers for mapping to domain types. */
export function toNumber(value: unknown): number {
  if (neo4j.isInt(value)) return (value as { toNumber(): number }).toNumber();
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return Number(value ?? 0);
}
