/**
 * Which engine computes a run (engine.ts): the one the run asks for, else the configured default;
 * `auto` picks GDS when the database has it and either the base has at least `autoMinCustomers`
 * customers or the in-process estimate does not fit the memory this process can still use. The
 * choice and its reason go into the run's summary (`summary.engine`).
 */
import { freemem } from 'node:os';
import { AppError } from '../errors.js';
import type { AnalyticsEngine, EngineChoice, EngineReport } from './engine.js';

export interface EngineSettings {
  /** Engine of a run that names none (ANALYTICS_ENGINE). */
  default: EngineChoice;
  /** `auto` picks GDS from this many customers on (GDS_AUTO_MIN_CUSTOMERS). */
  autoMinCustomers: number;
  /** The GDS engine, when the service is wired to one (it may still find no GDS in the database). */
  gds?: AnalyticsEngine;
  /** Bytes this process can still use (default: the machine's free memory, capped by a container limit). */
  availableMemoryBytes?: () => number;
}

export const IN_PROCESS_ONLY: EngineSettings = { default: 'in-process', autoMinCustomers: Number.POSITIVE_INFINITY };

/**
 * What the in-process engine phases add to the service's memory on top of the projection: the
 * weighted CSR (both directions, 24 B per arc), the unweighted tie and attention views, the
 * undirected views of k-core and Louvain with Louvain's level graphs (about 100 B per arc in
 * all), and some 60 per-customer score arrays (about 600 B per customer).
 */
export function inProcessEstimateBytes(customers: number, arcs: number): number {
  return customers * 600 + arcs * 100;
}

function defaultAvailable(): number {
  const limit = process.constrainedMemory?.() ?? 0;
  const free = freemem();
  return limit > 0 ? Math.min(free, limit - process.memoryUsage().rss) : free;
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/** Throws GDS_UNAVAILABLE (409, the database's state does not allow it) when a run asks for GDS and the database has none. */
export async function requireGds(settings: EngineSettings): Promise<{ engine: AnalyticsEngine; version?: string }> {
  const engine = settings.gds;
  const check = engine ? await engine.available() : { available: false, reason: 'this service is not connected to a GDS engine' };
  if (!engine || !check.available) {
    throw new AppError('GDS_UNAVAILABLE', 409, `The run asks for the gds engine, but ${check.reason ?? 'the database has no Graph Data Science library'}`);
  }
  return { engine, version: check.version };
}

/** Resolves a run's engine once its projection (customers and arcs) is known. */
export async function chooseEngine(
  requested: EngineChoice | undefined,
  customers: number,
  arcs: number,
  settings: EngineSettings,
): Promise<{ engine?: AnalyticsEngine; report: EngineReport }> {
  const choice = requested ?? settings.default;
  const from = requested ? 'asked for by the run' : 'the configured default (ANALYTICS_ENGINE)';
  if (choice === 'in-process') return { report: { name: 'in-process', requested: choice, reason: `in-process: ${from}` } };
  if (choice === 'gds') {
    const { engine, version } = await requireGds(settings);
    return { engine, report: { name: 'gds', requested: choice, reason: `gds: ${from}`, version } };
  }
  const check = settings.gds ? await settings.gds.available() : { available: false, reason: 'no GDS engine is configured' };
  const estimate = inProcessEstimateBytes(customers, arcs);
  const available = (settings.availableMemoryBytes ?? defaultAvailable)();
  if (!settings.gds || !check.available) {
    return { report: { name: 'in-process', requested: choice, reason: `auto: in-process, since ${check.reason ?? 'the database has no Graph Data Science library'}` } };
  }
  const gds = (reason: string) => ({ engine: settings.gds, report: { name: 'gds' as const, requested: choice, version: check.version, reason: `auto: gds, since ${reason}` } });
  if (customers >= settings.autoMinCustomers) {
    return gds(`the base has ${customers} customers (GDS_AUTO_MIN_CUSTOMERS is ${settings.autoMinCustomers}) and the database has GDS`);
  }
  if (estimate > available) {
    return gds(`the in-process estimate (${mb(estimate)} MiB for ${customers} customers and ${arcs} arcs) exceeds the ${mb(available)} MiB this service can use`);
  }
  return {
    report: {
      name: 'in-process',
      requested: choice,
      reason: `auto: in-process, since the base has ${customers} customers (below GDS_AUTO_MIN_CUSTOMERS, ${settings.autoMinCustomers}) and the in-process estimate (${mb(estimate)} MiB) fits the ${mb(available)} MiB this service can use`,
    },
  };
}
