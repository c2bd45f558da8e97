/** Pieces shared by the CLI commands: failing with a message, progress bars, a direct database session. */
import cliProgress from 'cli-progress';
import { pino } from 'pino';
import { buildServices, type Services } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { GraphDatabase } from '../src/graph/database.js';

export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

export interface Progress {
  start(total: number, value: number, phase: string, unit: string): void;
  update(value: number, phase?: string): void;
  total(): number;
  stop(): void;
}

/** A progress bar with the phase, count, rate and ETA; plain lines when the output is not a terminal. */
export function progressBar(): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format: '{phase} |{bar}| {percentage}% | {value}/{total} {unit} | {rate}/s | ETA {eta_formatted}',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = Date.now();
  let base = 0;
  const rate = (value: number) => Math.round((value - base) / Math.max(0.001, (Date.now() - started) / 1000));
  let running = false;
  return {
    start(total, value, phase, unit) {
      if (running) bar.stop();
      started = Date.now();
      base = value;
      running = true;
      bar.start(total, value, { phase: phase.padEnd(18), unit, rate: 0 });
    },
    update(value, phase) {
      bar.update(value, { rate: rate(value), ...(phase ? { phase: phase.padEnd(18) } : {}) });
    },
    total: () => bar.getTotal(),
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}

export async function withDirectServices<T>(work: (services: Services, db: GraphDatabase) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const uri = config.NEO4J_URI ?? `bolt://127.0.0.1:${config.NEO4J_BOLT_PORT}`;
  const db = new GraphDatabase({ uri, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD, database: config.NEO4J_DATABASE });
  if (!(await db.ping(5000))) {
    await db.close();
    fail(`No database answers at ${uri}. Start the service (npm start) or set NEO4J_URI / NEO4J_PASSWORD.`);
  }
  try {
    // Warnings and errors (with run and import ids) go to stderr, apart from the progress output.
    const logger = pino({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }, pino.destination(2));
    return await work(buildServices(config, db, logger), db);
  } finally {
    await db.close();
  }
}

