/**
 * Runs the embedded Neo4j of java/neo4j-launcher as a child process.
 *
 * The launcher's Maven dependencies are resolved once into java/neo4j-launcher/lib and its one
 * class compiled with javac; later starts are a plain `java -cp`. The child watches this process
 * (--parent-pid and --watch-stdin), so it never outlives us and never keeps the store lock.
 *
 * With `gds`, the open-source Graph Data Science library (java/gds-plugins, resolved into its
 * plugins folder by `npm run neo4j:setup:gds`) is loaded as a plugin, its procedures unrestricted.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const LAUNCHER_DIR = fileURLToPath(new URL('../../java/neo4j-launcher/', import.meta.url));
const LIB_DIR = path.join(LAUNCHER_DIR, 'lib');
const CLASSES_DIR = path.join(LAUNCHER_DIR, 'target', 'classes');
const SOURCE_DIR = path.join(LAUNCHER_DIR, 'src/main/java/com/influencegraph/launcher');
/** The launcher and the procedures it registers (ProjectionProcedures, PublicationProcedures). */
const SOURCES = ['Launcher.java', 'ProjectionProcedures.java', 'PublicationProcedures.java'].map((f) => path.join(SOURCE_DIR, f));
const CLASS_FILE = path.join(CLASSES_DIR, 'com/influencegraph/launcher/Launcher.class');
export const GDS_DIR = fileURLToPath(new URL('../../java/gds-plugins/', import.meta.url));
/** Where `npm run neo4j:setup:gds` puts the OpenGDS jars (all of them join the launcher's classpath). */
export const GDS_PLUGINS_DIR = path.join(GDS_DIR, 'plugins');
/**
 * Links to the GDS jars that declare procedures: Neo4j's plugin directory. Neo4j inspects every
 * class of every jar there, so listing only these keeps the start about 20 s shorter; the classes
 * themselves load from the classpath (the plugin loader asks its parent first), which is also
 * where Neo4j finds the GDS extension that the procedures need injected.
 */
const GDS_PROCEDURES_DIR = path.join(GDS_DIR, 'procedures');
const PROCEDURE_JAR = /^(alpha-)?proc(-[a-z-]+)?-\d[^/]*\.jar$/;

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
  /**
   * Load the Graph Data Science library: `true` uses GDS_PLUGINS_DIR (resolved first when
   * missing), a string names another folder of plugin jars.
   */
  gds?: boolean | string;
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
  const built = statSync(CLASS_FILE).mtimeMs;
  return SOURCES.every((source) => built >= statSync(source).mtimeMs);
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
  run('javac', ['--release', '17', '-nowarn', '-cp', `${LIB_DIR}/*`, '-d', CLASSES_DIR, ...SOURCES], LAUNCHER_DIR);
}

/** True when the OpenGDS jars are in GDS_PLUGINS_DIR. */
export function gdsPluginsPresent(dir: string = GDS_PLUGINS_DIR): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => /^proc-\d.*\.jar$/.test(f)) &&
    readdirSync(dir).some((f) => f.startsWith('opengds-extension-'));
}

/** Resolves the OpenGDS jars into GDS_PLUGINS_DIR with Maven (about 35 s and 32 MiB the first time). */
export function ensureGdsPlugins(log: (line: string) => void = console.log): void {
  if (gdsPluginsPresent()) return;
  log('Resolving the Graph Data Science plugin jars with Maven (first time only)…');
  run('mvn', ['-q', '-B', 'dependency:copy-dependencies'], GDS_DIR);
}

/** (Re)creates the folder of links to the procedure jars of `dir` and returns its path. */
function gdsProcedureDir(dir: string): string {
  const target = dir === GDS_PLUGINS_DIR ? GDS_PROCEDURES_DIR : path.join(dir, '..', `${path.basename(dir)}-procedures`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const jar of readdirSync(dir).filter((f) => PROCEDURE_JAR.test(f))) {
    symlinkSync(path.join(dir, jar), path.join(target, jar));
  }
  return target;
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
  let gdsJars: string | undefined;
  if (options.gds) {
    if (options.gds === true) ensureGdsPlugins(options.buildLog);
    gdsJars = options.gds === true ? GDS_PLUGINS_DIR : path.resolve(options.gds);
  }
  const args = [
    `-Xms128m`,
    `-Xmx${options.heap ?? '1g'}`,
    ...JVM_FLAGS,
    '-cp',
    [CLASSES_DIR, `${LIB_DIR}/*`, ...(gdsJars ? [`${gdsJars}/*`] : [])].join(path.delimiter),
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
  if (gdsJars) args.push('--plugins', gdsProcedureDir(gdsJars));
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
