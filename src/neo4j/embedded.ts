/**
 * Runs the embedded Neo4j of java/neo4j-launcher as a child process.
 *
 * The launcher's Maven dependencies are resolved once into java/neo4j-launcher/lib and its one
 * class compiled with javac; later starts are a plain `java -cp`. The child watches this process
 * (--parent-pid and --watch-stdin), so it never outlives us and never keeps the store lock.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const LAUNCHER_DIR = fileURLToPath(new URL('../../java/neo4j-launcher/', import.meta.url));
const LIB_DIR = path.join(LAUNCHER_DIR, 'lib');
const CLASSES_DIR = path.join(LAUNCHER_DIR, 'target', 'classes');
const SOURCE = path.join(LAUNCHER_DIR, 'src/main/java/com/influencegraph/launcher/Launcher.java');
const CLASS_FILE = path.join(CLASSES_DIR, 'com/influencegraph/launcher/Launcher.class');

/** The JVM flags Neo4j's own launcher passes; without them the page cache falls back to a slow mode. */
const JVM_FLAGS = [
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-XX:+UseG1GC',
  '-XX:-OmitStackTraceInFastThrow',
  '-Dfile.encoding=UTF-8',
];

export interface EmbeddedOptions {
  /** Database home that survives restarts; ignored when ephemeral. */
  home?: string;
  ephemeral?: boolean;
  /** Bolt port on 127.0.0.1; 0 picks a free one. */
  port: number;
  password: string;
  heap?: string;
  pagecache?: string;
  /** Called with each line the database prints (logs), for diagnostics. */
  onLog?: (line: string) => void;
  startTimeoutMs?: number;
  /** Progress lines of the first-time build of the launcher. */
  buildLog?: (line: string) => void;
}

export interface EmbeddedNeo4j {
  uri: string;
  pid: number;
  /** Stops the database cleanly (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
  /** Resolves when the process has exited, for whatever reason, with its exit code (128 + n when killed by signal n). */
  exited: Promise<number | null>;
}

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.error) throw new Error(`could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with status ${result.status}`);
}

/** True when the dependencies are resolved and the class is newer than its source. */
export function launcherIsBuilt(): boolean {
  if (!existsSync(CLASS_FILE) || !existsSync(LIB_DIR)) return false;
  if (readdirSync(LIB_DIR).filter((f) => f.endsWith('.jar')).length < 50) return false;
  return statSync(CLASS_FILE).mtimeMs >= statSync(SOURCE).mtimeMs;
}

/**
 * Resolves the launcher's dependencies with Maven (first time: about a minute and 120 MiB) and
 * compiles it. Does nothing when already built.
 */
export function ensureLauncherBuilt(log: (line: string) => void = console.log): void {
  if (launcherIsBuilt()) return;
  const jars = existsSync(LIB_DIR) ? readdirSync(LIB_DIR).filter((f) => f.endsWith('.jar')).length : 0;
  if (jars < 50) {
    log('Resolving the embedded Neo4j dependencies with Maven (first start only, about a minute)…');
    run('mvn', ['-q', '-B', 'dependency:copy-dependencies'], LAUNCHER_DIR);
  }
  log('Compiling the Neo4j launcher…');
  mkdirSync(CLASSES_DIR, { recursive: true });
  run('javac', ['--release', '17', '-nowarn', '-cp', `${LIB_DIR}/*`, '-d', CLASSES_DIR, SOURCE], LAUNCHER_DIR);
}

/** Asks the OS for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts the launcher and resolves once it prints its ready line (the database answers). */
export async function startEmbeddedNeo4j(options: EmbeddedOptions): Promise<EmbeddedNeo4j> {
  ensureLauncherBuilt(options.buildLog);
  const port = options.port === 0 ? await freePort() : options.port;
  const args = [
    `-Xms128m`,
    `-Xmx${options.heap ?? '1g'}`,
    ...JVM_FLAGS,
    '-cp',
    `${CLASSES_DIR}${path.delimiter}${LIB_DIR}/*`,
    'com.influencegraph.launcher.Launcher',
    '--port',
    String(port),
    '--password',
    options.password,
    '--pagecache',
    options.pagecache ?? '256m',
    '--parent-pid',
    String(process.pid),
    '--watch-stdin',
  ];
  if (options.ephemeral) args.push('--ephemeral');
  else {
    const home = path.resolve(options.home ?? '.data/neo4j');
    mkdirSync(home, { recursive: true });
    args.push('--home', home);
  }

  const child: ChildProcess = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : null))),
  );
  const recent: string[] = [];
  const remember = (line: string) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    options.onLog?.(line);
  };

  const uri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Neo4j did not become ready within ${(options.startTimeoutMs ?? 180_000) / 1000} s`));
    }, options.startTimeoutMs ?? 180_000);
    let buffered = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('NEO4J_READY ')) {
          clearTimeout(timer);
          resolve(line.slice('NEO4J_READY '.length));
        } else if (line.startsWith('NEO4J_FAILED')) {
          clearTimeout(timer);
          reject(new Error(`Neo4j failed to start: ${line.slice('NEO4J_FAILED'.length).trim()}`));
        } else if (line) remember(line);
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => chunk.split('\n').filter(Boolean).forEach(remember));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not start java: ${err.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Neo4j exited with status ${code} before it was ready:\n${recent.join('\n')}`));
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
  return { uri, pid: child.pid!, stop, exited };
}
