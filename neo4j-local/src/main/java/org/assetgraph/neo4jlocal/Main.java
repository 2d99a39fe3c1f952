package org.assetgraph.neo4jlocal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

/**
 * Runs Neo4j Community as a foreground process with only the Bolt connector, bound to loopback.
 *
 * <p>Usage: {@code Main <home-dir> <bolt-port> <password-file> [page-cache] [heap-note]}. The password in
 * the file becomes the password of the {@code neo4j} user at every start, so the file is the single
 * source of truth. The process prints {@code ASSETGRAPH-NEO4J-READY <port>} once Bolt accepts
 * connections and shuts the database down cleanly on SIGTERM.
 */
public final class Main {
    private Main() {}

    /** Make the password file's password the neo4j user's; an unchanged password is already in place. */
    private static void setPassword(DatabaseManagementService service, String password) {
        GraphDatabaseService system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                String message = cause.getMessage();
                if (message != null && message.contains("Old password and new password cannot be the same")) {
                    return;
                }
            }
            throw e;
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 3) {
            System.err.println("usage: Main <home-dir> <bolt-port> <password-file> [page-cache-size]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String password = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8).strip();
        String pageCache = args.length > 3 ? args[3] : "256m";
        Files.createDirectories(home);

        DatabaseManagementService service = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, org.neo4j.io.ByteUnit.parse(pageCache))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.shutdown();
            stopped.countDown();
        }, "assetgraph-neo4j-shutdown"));

        try {
            setPassword(service, password);
        } catch (RuntimeException e) {
            // Without this the JVM would linger (Neo4j's threads are not daemons) and the caller would wait.
            e.printStackTrace();
            service.shutdown();
            System.exit(1);
        }

        System.out.println("ASSETGRAPH-NEO4J-READY " + port);
        System.out.flush();
        stopped.await();
    }
}
