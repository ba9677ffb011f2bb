package kafkascope.oracle;

import java.io.IOException;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * A real KRaft cluster on 127.0.0.1: brokers 1..N and controllers 3000.. (the ids Kafkascope
 * uses), each node its own JVM running {@code kafka.Kafka} with a generated server.properties,
 * so that it can be killed with SIGKILL, stopped with SIGTERM (controlled shutdown) and
 * started again on the same data.
 *
 * Every connection between nodes and from clients crosses {@link FaultProxy}, one port per
 * directed link. Each broker uses its own inter-broker listener name (FROM1, FROM2, ...) and
 * every broker advertises all of them, each at the proxy port of the link from that broker;
 * so a follower on broker 2 fetching from broker 1 goes through link "2-1", and "network cut
 * 1 2" can cut exactly the traffic between 1 and 2. Brokers reach the controllers through
 * links "b-c3000"...; the controllers reach each other directly.
 */
public final class Cluster implements AutoCloseable {
    public static final int FIRST_CONTROLLER_ID = 3000;
    // A fixed cluster id: nothing observed depends on it, and the runs stay comparable.
    private static final String CLUSTER_ID = "S2Fma2FzY29wZU9yYWNsZQ";

    final int brokers;
    final int controllers;
    final int basePort;
    final Path dir;
    final String classpath;
    final Map<String, String> brokerOverrides;
    final FaultProxy proxy = new FaultProxy();
    final Map<Integer, Process> processes = new LinkedHashMap<>();

    public Cluster(int brokers, int controllers, int basePort, Path dir, Map<String, String> brokerOverrides)
            throws IOException {
        if (brokers < 1 || brokers > 9 || controllers < 1 || controllers > 9) {
            throw new IllegalArgumentException("1-9 brokers and 1-9 controllers");
        }
        this.brokers = brokers;
        this.controllers = controllers;
        this.basePort = basePort;
        this.dir = dir;
        this.classpath = System.getProperty("java.class.path");
        this.brokerOverrides = brokerOverrides;
    }

    int clientPort(int b) { return basePort + b * 20; }
    int listenerPort(int b, int from) { return basePort + b * 20 + from; }
    int jmxPort(int b) { return basePort + b * 20 + 19; }
    int controllerPort(int i) { return basePort + 500 + i; }
    int proxied(int port) { return port + 1000; }
    int controllerProxyPort(int b, int i) { return basePort + 1500 + b * 20 + i; }

    /** The bootstrap servers clients use: every broker, through the proxy. */
    public String bootstrap() {
        List<String> s = new ArrayList<>();
        for (int b = 1; b <= brokers; b++) {
            s.add("127.0.0.1:" + proxied(clientPort(b)));
        }
        return String.join(",", s);
    }

    /** Broker b's client listener without the proxy, for the oracle's own look-ups, which must
     * see through the faults the scenario makes. */
    public String directBootstrap() {
        List<String> s = new ArrayList<>();
        for (int b = 1; b <= brokers; b++) {
            s.add("127.0.0.1:" + clientPort(b));
        }
        return String.join(",", s);
    }

    public int directClientPort(int b) { return clientPort(b); }

    public int jmx(int b) { return jmxPort(b); }

    Properties brokerProps(int b) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker");
        p.setProperty("node.id", Integer.toString(b));
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < controllers; i++) {
            voters.add((FIRST_CONTROLLER_ID + i) + "@127.0.0.1:" + controllerProxyPort(b, i));
        }
        p.setProperty("controller.quorum.voters", String.join(",", voters));
        p.setProperty("controller.listener.names", "CONTROLLER");
        List<String> listeners = new ArrayList<>();
        List<String> advertised = new ArrayList<>();
        List<String> protocols = new ArrayList<>();
        listeners.add("CLIENT://127.0.0.1:" + clientPort(b));
        advertised.add("CLIENT://127.0.0.1:" + proxied(clientPort(b)));
        protocols.add("CLIENT:PLAINTEXT");
        for (int from = 1; from <= brokers; from++) {
            listeners.add("FROM" + from + "://127.0.0.1:" + listenerPort(b, from));
            advertised.add("FROM" + from + "://127.0.0.1:" + proxied(listenerPort(b, from)));
            protocols.add("FROM" + from + ":PLAINTEXT");
        }
        protocols.add("CONTROLLER:PLAINTEXT");
        p.setProperty("listeners", String.join(",", listeners));
        p.setProperty("advertised.listeners", String.join(",", advertised));
        p.setProperty("listener.security.protocol.map", String.join(",", protocols));
        p.setProperty("inter.broker.listener.name", "FROM" + b);
        p.setProperty("log.dirs", dir.resolve("broker-" + b).resolve("data").toString());
        int rf = Math.min(3, brokers);
        p.setProperty("offsets.topic.replication.factor", Integer.toString(rf));
        p.setProperty("transaction.state.log.replication.factor", Integer.toString(rf));
        p.setProperty("transaction.state.log.min.isr", Integer.toString(Math.min(2, rf)));
        p.setProperty("share.coordinator.state.topic.replication.factor", Integer.toString(rf));
        p.setProperty("share.coordinator.state.topic.min.isr", Integer.toString(Math.min(2, rf)));
        p.putAll(brokerOverrides);
        return p;
    }

    Properties controllerProps(int i) {
        Properties p = new Properties();
        p.setProperty("process.roles", "controller");
        p.setProperty("node.id", Integer.toString(FIRST_CONTROLLER_ID + i));
        List<String> voters = new ArrayList<>();
        for (int j = 0; j < controllers; j++) {
            voters.add((FIRST_CONTROLLER_ID + j) + "@127.0.0.1:" + controllerPort(j));
        }
        p.setProperty("controller.quorum.voters", String.join(",", voters));
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listeners", "CONTROLLER://127.0.0.1:" + controllerPort(i));
        p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("controller-" + (FIRST_CONTROLLER_ID + i)).resolve("data").toString());
        // The controller decides fencing: broker.session.timeout.ms is the controller's config.
        for (Map.Entry<String, String> e : brokerOverrides.entrySet()) {
            if (e.getKey().startsWith("broker.session") || e.getKey().startsWith("broker.heartbeat")) {
                p.setProperty(e.getKey(), e.getValue());
            }
        }
        return p;
    }

    Path propsFile(int id) {
        String name = id >= FIRST_CONTROLLER_ID ? "controller-" + id : "broker-" + id;
        return dir.resolve(name).resolve("server.properties");
    }

    /** Writes every node's configuration, formats its storage and opens the proxy's links. */
    public void prepare() throws Exception {
        Files.createDirectories(dir);
        List<Integer> ids = new ArrayList<>();
        for (int b = 1; b <= brokers; b++) {
            write(propsFile(b), brokerProps(b));
            ids.add(b);
        }
        for (int i = 0; i < controllers; i++) {
            write(propsFile(FIRST_CONTROLLER_ID + i), controllerProps(i));
            ids.add(FIRST_CONTROLLER_ID + i);
        }
        Files.writeString(dir.resolve("log4j2.properties"), String.join("\n",
            "status = warn",
            "appender.f.type = File",
            "appender.f.name = F",
            "appender.f.fileName = ${sys:kafka.logs.dir}/server.log",
            "appender.f.layout.type = PatternLayout",
            "appender.f.layout.pattern = [%d] %p %m (%c)%n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.f.ref = F",
            "logger.state.name = state.change.logger",
            "logger.state.level = INFO", ""));
        for (int id : ids) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rc = kafka.tools.StorageTool.execute(
                new String[] {"format", "-t", CLUSTER_ID, "-c", propsFile(id).toString(), "--ignore-formatted"},
                new PrintStream(out, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IllegalStateException("format of node " + id + " failed: " + out);
            }
        }
        for (int b = 1; b <= brokers; b++) {
            proxy.add("client-" + b, proxied(clientPort(b)), clientPort(b));
            for (int from = 1; from <= brokers; from++) {
                if (from != b) {
                    proxy.add(from + "-" + b, proxied(listenerPort(b, from)), listenerPort(b, from));
                }
            }
            for (int i = 0; i < controllers; i++) {
                proxy.add(b + "-c" + (FIRST_CONTROLLER_ID + i), controllerProxyPort(b, i), controllerPort(i));
            }
        }
    }

    private static void write(Path file, Properties p) throws IOException {
        Files.createDirectories(file.getParent());
        String text = p.stringPropertyNames().stream().sorted()
            .map(k -> k + "=" + p.getProperty(k)).collect(Collectors.joining("\n")) + "\n";
        Files.writeString(file, text);
    }

    /** Starts node id's JVM (a broker 1..N or a controller 3000..). */
    public void start(int id) throws IOException {
        Process old = processes.get(id);
        if (old != null && old.isAlive()) {
            throw new IllegalStateException("node " + id + " is already running");
        }
        Path nodeDir = propsFile(id).getParent();
        List<String> cmd = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xms64m", "-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Djava.awt.headless=true",
            "-Dkafka.logs.dir=" + nodeDir,
            "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties")));
        if (id < FIRST_CONTROLLER_ID) {
            cmd.addAll(List.of(
                "-Dcom.sun.management.jmxremote",
                "-Dcom.sun.management.jmxremote.port=" + jmxPort(id),
                "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort(id),
                "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcom.sun.management.jmxremote.ssl=false"));
        }
        cmd.addAll(List.of("-cp", classpath, "kafka.Kafka", propsFile(id).toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(nodeDir.resolve("stdout.log").toFile()));
        processes.put(id, pb.start());
    }

    /** kill -9: the JVM ends at once, no controlled shutdown, no flush. */
    public void kill(int id) throws InterruptedException {
        Process p = processes.get(id);
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("node " + id + " is not running");
        }
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the broker's controlled shutdown (leadership moved away first). */
    public void stop(int id) throws InterruptedException {
        Process p = processes.get(id);
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("node " + id + " is not running");
        }
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    public boolean running(int id) {
        Process p = processes.get(id);
        return p != null && p.isAlive();
    }

    /** Waits until `expected` brokers are registered and unfenced. */
    public void awaitBrokers(Admin admin, int expected, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            try {
                var nodes = admin.describeCluster(new DescribeClusterOptions().includeFencedBrokers(true).timeoutMs(2000))
                    .nodes().get(3, TimeUnit.SECONDS);
                long unfenced = nodes.stream().filter(n -> !n.isFenced()).count();
                if (unfenced >= expected) {
                    return;
                }
            } catch (Exception e) {
                // not up yet
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("brokers not up after " + timeoutMs + " ms; see " + dir);
            }
            Thread.sleep(200);
        }
    }

    public Admin directAdmin() {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, directBootstrap());
        p.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "oracle-observer");
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "6000");
        return Admin.create(p);
    }

    public void startAll() throws IOException {
        for (int i = 0; i < controllers; i++) {
            start(FIRST_CONTROLLER_ID + i);
        }
        for (int b = 1; b <= brokers; b++) {
            start(b);
        }
    }

    @Override
    public void close() {
        for (Process p : processes.values()) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (Process p : processes.values()) {
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        proxy.close();
    }

}
