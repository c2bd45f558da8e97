package com.influencegraph.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.kernel.api.procedure.GlobalProcedures;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Starts a Neo4j 5 Community database inside this JVM with the Bolt connector on 127.0.0.1.
 *
 * Options (all optional):
 *   --home DIR          database home (created when missing); default ./.data/neo4j
 *   --ephemeral         use a throw-away home in the temp folder, deleted at shutdown
 *   --port N            Bolt port on 127.0.0.1; default 7687
 *   --password PW       password of the `neo4j` user (at least 8 characters); default from
 *                       NEO4J_PASSWORD, else "influence-graph"
 *   --pagecache SIZE    page cache, e.g. 256m; default 256m
 *   --parent-pid PID    shut down when that process ends (no orphan keeps the store lock)
 *   --watch-stdin       shut down when standard input closes
 *   --plugins DIR       load the procedure jars of DIR (the Graph Data Science library) and
 *                       allow its procedures unrestricted access (dbms.security.procedures.unrestricted=gds.*)
 *
 * Registers the read-only projection procedures of ProjectionProcedures (influencegraph.projection.*)
 * and the publication's write procedures of PublicationProcedures (influencegraph.results.lock and
 * influencegraph.results.block).
 *
 * Prints exactly one line "NEO4J_READY bolt://127.0.0.1:PORT" once the database answers a query
 * with the configured password in place, and "NEO4J_STOPPED" after a clean shutdown (SIGTERM,
 * SIGINT, parent gone or stdin closed). Any failure to start prints "NEO4J_FAILED reason" and
 * exits with status 1.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path home = options.ephemeral
                ? Files.createTempDirectory("influence-graph-neo4j-")
                : Path.of(options.home).toAbsolutePath();
        Files.createDirectories(home);

        DatabaseManagementService service;
        try {
            service = new DatabaseManagementServiceBuilder(home)
                    .loadPropertiesFromFile(writeConfig(options, home))
                    .build();
        } catch (RuntimeException e) {
            System.out.println("NEO4J_FAILED " + rootMessage(e));
            System.out.flush();
            if (options.ephemeral) {
                deleteTree(home);
            }
            System.exit(1);
            return;
        }

        AtomicBoolean stopped = new AtomicBoolean(false);
        CountDownLatch done = new CountDownLatch(1);
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                try {
                    service.shutdown();
                } catch (RuntimeException e) {
                    System.err.println("shutdown: " + rootMessage(e));
                }
                if (options.ephemeral) {
                    deleteTree(home);
                }
                System.out.println("NEO4J_STOPPED");
                System.out.flush();
                done.countDown();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            try {
                done.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "neo4j-shutdown"));

        try {
            setPassword(service, options.password);
            GraphDatabaseService db = service.database("neo4j");
            GlobalProcedures procedures = ((GraphDatabaseAPI) db).getDependencyResolver().resolveDependency(GlobalProcedures.class);
            procedures.registerProcedure(ProjectionProcedures.class);
            procedures.registerProcedure(PublicationProcedures.class);
            db.executeTransactionally("RETURN 1");
        } catch (RuntimeException | org.neo4j.internal.kernel.api.exceptions.ProcedureException e) {
            System.out.println("NEO4J_FAILED " + rootMessage(e));
            System.out.flush();
            System.exit(1);
            return;
        }

        System.out.println("NEO4J_READY bolt://127.0.0.1:" + options.port);
        System.out.flush();

        if (options.parentPid > 0) {
            Optional<ProcessHandle> parent = ProcessHandle.of(options.parentPid);
            if (parent.isEmpty()) {
                System.exit(0);
            }
            parent.get().onExit().thenRun(() -> System.exit(0));
        }
        if (options.watchStdin) {
            Thread watcher = new Thread(() -> {
                try (InputStream in = System.in) {
                    byte[] buffer = new byte[256];
                    while (in.read(buffer) >= 0) {
                        // input is ignored; only its end matters
                    }
                } catch (IOException ignored) {
                    // a broken pipe means the parent is gone, too
                }
                System.exit(0);
            }, "stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
        done.await();
    }

    /** Writes the settings to HOME/conf/neo4j.conf (rewritten at every start) and returns its path. */
    private static Path writeConfig(Options options, Path home) throws IOException {
        StringBuilder text = new StringBuilder("# Written by the influence-graph launcher at each start.\n");
        settings(options, home).forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Path conf = home.resolve("conf").resolve("neo4j.conf");
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, text.toString());
        return conf;
    }

    private static Map<String, String> settings(Options options, Path home) {
        Map<String, String> config = new TreeMap<>();
        config.put("server.bolt.enabled", "true");
        config.put("server.bolt.listen_address", "127.0.0.1:" + options.port);
        config.put("server.bolt.advertised_address", "127.0.0.1:" + options.port);
        config.put("server.bolt.tls_level", "DISABLED");
        config.put("server.http.enabled", "false");
        config.put("server.https.enabled", "false");
        config.put("dbms.security.auth_enabled", "true");
        config.put("server.memory.pagecache.size", options.pagecache);
        config.put("db.tx_log.preallocate", "false");
        config.put("db.tx_log.rotation.size", "16m");
        config.put("db.tx_log.rotation.retention_policy", "2 files");
        config.put("dbms.usage_report.enabled", "false");
        config.put("server.directories.logs", home.resolve("logs").toString());
        config.put("server.directories.import", home.resolve("import").toString());
        config.put("internal.dbms.bolt.netty_server_shutdown_quiet_period", "0");
        if (options.plugins != null) {
            config.put("server.directories.plugins", Path.of(options.plugins).toAbsolutePath().toString());
            config.put("dbms.security.procedures.unrestricted", "gds.*");
        }
        return config;
    }

    /** Sets the password of the built-in user; a password that is already in place is fine. */
    private static void setPassword(DatabaseManagementService service, String password) {
        GraphDatabaseService system = service.database("system");
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            String message = rootMessage(e);
            if (!message.contains("cannot be the same")) {
                throw e;
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
        return message.replace('\n', ' ');
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }

    private static final class Options {
        String home = ".data/neo4j";
        boolean ephemeral;
        int port = 7687;
        String password = Optional.ofNullable(System.getenv("NEO4J_PASSWORD")).orElse("influence-graph");
        String pagecache = "256m";
        long parentPid;
        boolean watchStdin;
        String plugins;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--home" -> o.home = value(args, ++i, arg);
                    case "--ephemeral" -> o.ephemeral = true;
                    case "--port" -> o.port = Integer.parseInt(value(args, ++i, arg));
                    case "--password" -> o.password = value(args, ++i, arg);
                    case "--pagecache" -> o.pagecache = value(args, ++i, arg);
                    case "--parent-pid" -> o.parentPid = Long.parseLong(value(args, ++i, arg));
                    case "--watch-stdin" -> o.watchStdin = true;
                    case "--plugins" -> o.plugins = value(args, ++i, arg);
                    default -> {
                        System.out.println("NEO4J_FAILED unknown option " + arg);
                        System.exit(2);
                    }
                }
            }
            if (o.password.length() < 8) {
                System.out.println("NEO4J_FAILED the password must have at least 8 characters");
                System.exit(2);
            }
            return o;
        }

        private static String value(String[] args, int i, String name) {
            if (i >= args.length) {
                System.out.println("NEO4J_FAILED option " + name + " needs a value");
                System.exit(2);
            }
            return args[i];
        }
    }
}
