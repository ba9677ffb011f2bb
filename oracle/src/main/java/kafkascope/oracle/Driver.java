package kafkascope.oracle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.apache.kafka.common.utils.internals.Exit;

/**
 * Runs a Kafkascope scenario file against a real cluster and records observations.
 *
 * The scenario language is Kafkascope's (src/sim/script.rs); `advance` is real time. Lines
 * starting with `#@` are directives the model reads as comments:
 *   #@ observe NAME           record an observation here
 *   #@ replicas TOPIC 1,2,3 2,3,1 ...   the topic's replica lists (partition 0, 1, ...), which
 *                             the driver passes to CreateTopics: Kafka places replicas from a
 *                             random start broker, so the placement the model chose for the
 *                             scenario's seed is given to the real cluster explicitly.
 * Usage: Driver SCENARIO OUT.json [BASE_PORT] [WORK_DIR]
 */
public final class Driver {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    final Path scenario;
    final Path out;
    final int basePort;
    final Path work;
    Cluster cluster;
    Admin admin;
    long t0;
    /** The scenario's time: the sum of its advances. */
    long scenarioMs;
    int brokerCount = 3;
    int controllerCount = 3;
    final Map<String, String> brokerOverrides = new LinkedHashMap<>();
    final Map<String, List<List<Integer>>> placements = new HashMap<>();
    final Map<String, ProducerState> producers = new LinkedHashMap<>();
    final Map<String, ConsumerProc> consumers = new LinkedHashMap<>();
    final Map<String, String> consumerGroups = new LinkedHashMap<>();
    final List<Map<String, Object>> observations = new ArrayList<>();
    final List<Map<String, Object>> timeline = java.util.Collections.synchronizedList(new ArrayList<>());
    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    final List<Map<String, Object>> commands = new ArrayList<>();

    Driver(Path scenario, Path out, int basePort, Path work) {
        this.scenario = scenario;
        this.out = out;
        this.basePort = basePort;
        this.work = work;
    }

    /** What one producer has been told about each record it sent, in send order. */
    static final class ProducerState {
        final String name;
        final KafkaProducer<String, String> producer;
        final ExecutorService sender = Executors.newSingleThreadExecutor();
        final List<Map<String, Object>> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<ScheduledFuture<?>> rates = new ArrayList<>();

        ProducerState(String name, KafkaProducer<String, String> producer) {
            this.name = name;
            this.producer = producer;
        }
    }

    /** A consumer application's JVM and the events it has reported. */
    static final class ConsumerProc {
        final String name;
        final String group;
        Process process;
        Writer stdin;
        final BlockingQueue<Map<String, Object>> observationReplies = new LinkedBlockingQueue<>();
        final List<Map<String, Object>> events = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<String> args;

        ConsumerProc(String name, String group, List<String> args) {
            this.name = name;
            this.group = group;
            this.args = args;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Driver SCENARIO.kss OUT.json [BASE_PORT] [WORK_DIR]");
            System.exit(2);
        }
        Path scenario = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int base = args.length > 2 ? Integer.parseInt(args[2]) : 29000;
        Path work = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("kafkascope-oracle");
        Driver d = new Driver(scenario, out, base, work);
        int rc = 0;
        try {
            d.run();
        } catch (Exception e) {
            e.printStackTrace();
            rc = 1;
        } finally {
            d.shutdown();
        }
        System.exit(rc);
    }

    void shutdown() {
        scheduler.shutdownNow();
        for (Process p : warmConsumers) {
            p.destroyForcibly();
        }
        for (ConsumerProc c : consumers.values()) {
            if (c.process != null && c.process.isAlive()) {
                c.process.destroyForcibly();
            }
        }
        for (ProducerState p : producers.values()) {
            p.sender.shutdownNow();
            try {
                p.producer.close(java.time.Duration.ZERO);
            } catch (Exception e) {
                // the cluster is going away
            }
        }
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(1));
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    long now() {
        return System.currentTimeMillis() - t0;
    }

    void log(String s) {
        System.err.printf("[oracle %7.3fs] %s%n", t0 == 0 ? 0.0 : now() / 1000.0, s);
    }

    void run() throws Exception {
        List<String> lines = Files.readAllLines(scenario);
        for (String l : lines) {
            List<String> w = tokenize(l);
            if (w.size() >= 2 && w.get(0).equals("consumer") && List.of("create", "restart", "start").contains(w.get(1))) {
                consumersNeeded++;
            }
        }
        int n = 0;
        for (String raw : lines) {
            n++;
            String trimmed = raw.trim();
            if (trimmed.startsWith("#@")) {
                List<String> w = tokenize(trimmed.substring(2));
                if (w.isEmpty()) {
                    continue;
                }
                switch (w.get(0)) {
                    case "observe" -> {
                        ensureCluster();
                        // the tools' output takes a second or two to gather (an admin client
                        // per run): only where the line asks for it (`#@ observe NAME tools`)
                        // and at the end, so the scenario's clock is not held up elsewhere
                        observe(w.get(1), w.contains("tools"));
                    }
                    case "replicas" -> {
                        List<List<Integer>> parts = new ArrayList<>();
                        for (String p : w.subList(2, w.size())) {
                            List<Integer> reps = new ArrayList<>();
                            for (String r : p.split(",")) {
                                reps.add(Integer.parseInt(r));
                            }
                            parts.add(reps);
                        }
                        placements.put(w.get(1), parts);
                    }
                    default -> {
                        // directives for the comparator only (none yet)
                    }
                }
                continue;
            }
            List<String> w = tokenize(raw);
            if (w.isEmpty()) {
                continue;
            }
            log("line " + n + ": " + String.join(" ", w));
            Map<String, Object> cmd = new LinkedHashMap<>();
            cmd.put("line", n);
            cmd.put("text", String.join(" ", w));
            try {
                apply(w);
                if (cluster != null && !w.get(0).equals("advance") && !w.get(0).equals("wait") && !w.get(0).equals("run")) {
                    // when the command took effect, against the scenario's clock: the
                    // comparator moves the real timeline's times back by the lag
                    cmd.put("at_ms", now());
                    cmd.put("scenario_ms", scenarioMs);
                    commands.add(cmd);
                }
            } catch (UnsupportedOperationException e) {
                throw new IllegalStateException("line " + n + ": the oracle cannot run this: " + e.getMessage());
            }
        }
        ensureCluster();
        observe("end", true);
        write();
    }

    void ensureCluster() throws Exception {
        if (cluster != null) {
            return;
        }
        long started = System.currentTimeMillis();
        cluster = new Cluster(brokerCount, controllerCount, basePort, work, brokerOverrides);
        cluster.prepare();
        cluster.startAll();
        admin = cluster.directAdmin();
        cluster.awaitBrokers(admin, brokerCount, 120_000);
        createOffsetsTopic();
        for (int i = 0; i < consumersNeeded; i++) {
            warmConsumers.add(spawnConsumerJvm());
        }
        for (Process p : warmConsumers) {
            awaitReady(p);
        }
        t0 = System.currentTimeMillis();
        log("cluster up in " + (t0 - started) + " ms (" + brokerCount + " brokers, " + controllerCount + " controllers)");
        scheduler.scheduleWithFixedDelay(this::pollTimeline, 0, 200, TimeUnit.MILLISECONDS);
    }

    /** Kafkascope's cluster has __consumer_offsets from the start; Kafka creates it on the first
     * FindCoordinator, which takes seconds (50 partitions). Asking for a group's offsets makes
     * the coordinator create it; the scenario's clock starts once every partition has a leader. */
    void createOffsetsTopic() throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                admin.listConsumerGroupOffsets("oracle-warm-up").partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                MetadataResponseData md = metadata(List.of("__consumer_offsets"));
                if (md != null && md.topics().stream().allMatch(t -> t.errorCode() == 0 && t.partitions().size() == 50
                        && t.partitions().stream().allMatch(p -> p.leaderId() >= 0))) {
                    return;
                }
            } catch (Exception e) {
                // the coordinator is still loading
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("__consumer_offsets was not created in 60 s");
    }

    static Map<String, String> pairs(List<String> words, int from) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String w : words.subList(from, words.size())) {
            int eq = w.indexOf('=');
            if (eq > 0) {
                m.put(w.substring(0, eq), w.substring(eq + 1));
            }
        }
        return m;
    }

    void apply(List<String> w) throws Exception {
        String verb = w.get(0);
        switch (verb) {
            case "seed" -> { }
            case "cluster" -> {
                for (Map.Entry<String, String> e : pairs(w, 1).entrySet()) {
                    switch (e.getKey()) {
                        case "brokers" -> brokerCount = Integer.parseInt(e.getValue());
                        case "controllers" -> controllerCount = Integer.parseInt(e.getValue());
                        case "mode" -> {
                            if (!e.getValue().equals("kraft")) {
                                throw new UnsupportedOperationException("mode=" + e.getValue() + " (Kafka 4 has no ZooKeeper mode)");
                            }
                        }
                        // The model's one-way latency between nodes; loopback's is ~0.
                        case "latency" -> { }
                        default -> brokerOverrides.put(e.getKey(),
                            isDurationConfig(e.getKey()) ? Long.toString(durationMs(e.getValue())) : e.getValue());
                    }
                }
            }
            case "advance", "wait", "run" -> {
                ensureCluster();
                // The scenario's clock: each advance ends at the sum of the advances so far, so
                // the time observations and commands take is not added to the scenario's.
                scenarioMs += durationMs(w.get(1));
                long left = t0 + scenarioMs - System.currentTimeMillis();
                if (left > 0) {
                    Thread.sleep(left);
                } else {
                    log("behind the scenario's clock by " + (-left) + " ms");
                }
            }
            case "topic" -> { ensureCluster(); topic(w); }
            case "producer" -> { ensureCluster(); producerCreate(w.get(2), pairs(w, 3)); }
            case "produce" -> { ensureCluster(); produce(w); }
            case "broker" -> { ensureCluster(); broker(w); }
            case "controller" -> { ensureCluster(); controller(w); }
            case "network" -> { ensureCluster(); network(w); }
            case "consumer" -> { ensureCluster(); consumer(w); }
            default -> throw new UnsupportedOperationException(String.join(" ", w));
        }
    }

    // ---- topics ----

    void topic(List<String> w) throws Exception {
        String name = w.get(2);
        Map<String, String> p = pairs(w, 3);
        if (w.get(1).equals("alter")) {
            admin.createPartitions(Map.of(name, NewPartitions.increaseTo(Integer.parseInt(p.get("partitions"))))).all().get();
            return;
        }
        int partitions = Integer.parseInt(p.getOrDefault("partitions", "1"));
        short rf = Short.parseShort(p.getOrDefault("replication-factor", p.getOrDefault("replication.factor", p.getOrDefault("rf", "1"))));
        Map<String, String> configs = new LinkedHashMap<>(p);
        configs.keySet().removeAll(List.of("partitions", "replication-factor", "replication.factor", "rf"));
        configs.replaceAll((k, v) -> isDurationConfig(k) ? Long.toString(durationMs(v)) : v);
        NewTopic t;
        List<List<Integer>> placement = placements.get(name);
        if (placement != null) {
            if (placement.size() != partitions || placement.stream().anyMatch(r -> r.size() != rf)) {
                throw new IllegalStateException("#@ replicas " + name + " does not match partitions/replication-factor");
            }
            Map<Integer, List<Integer>> assignment = new TreeMap<>();
            for (int i = 0; i < placement.size(); i++) {
                assignment.put(i, placement.get(i));
            }
            t = new NewTopic(name, assignment);
        } else {
            t = new NewTopic(name, partitions, rf);
        }
        t.configs(configs);
        admin.createTopics(List.of(t)).all().get();
        // CreateTopics returns when the controller has committed the topic; wait until every
        // broker's metadata has it too (the model's brokers learn it within milliseconds).
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            MetadataResponseData md = metadata(List.of(name));
            boolean ready = md != null && md.topics().stream().allMatch(tp -> tp.errorCode() == 0
                && tp.partitions().size() == partitions && tp.partitions().stream().allMatch(pp -> pp.leaderId() >= 0));
            if (ready) {
                break;
            }
            Thread.sleep(20);
        }
    }

    // ---- producers ----


    static boolean isDurationConfig(String key) {
        return key.endsWith(".ms");
    }

    /** Kafkascope accepts durations as 5s, 200ms, 2m; Kafka wants milliseconds. */
    static long durationMs(String s) {
        s = s.trim();
        if (s.endsWith("ms")) {
            return (long) Double.parseDouble(s.substring(0, s.length() - 2));
        }
        if (s.endsWith("s")) {
            return (long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1000);
        }
        if (s.endsWith("m")) {
            return (long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 60_000);
        }
        if (s.endsWith("h")) {
            return (long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 3_600_000);
        }
        return (long) Double.parseDouble(s);
    }

    static String assignorClasses(String list) {
        List<String> out = new ArrayList<>();
        for (String a : list.split(",")) {
            out.add(switch (a.trim()) {
                case "range" -> "org.apache.kafka.clients.consumer.RangeAssignor";
                case "roundrobin" -> "org.apache.kafka.clients.consumer.RoundRobinAssignor";
                case "sticky" -> "org.apache.kafka.clients.consumer.StickyAssignor";
                case "cooperative-sticky" -> "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";
                default -> a.trim();
            });
        }
        return String.join(",", out);
    }

    void producerCreate(String name, Map<String, String> configs) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", cluster.bootstrap());
        p.setProperty("client.id", name);
        p.setProperty("key.serializer", StringSerializer.class.getName());
        p.setProperty("value.serializer", StringSerializer.class.getName());
        for (Map.Entry<String, String> e : configs.entrySet()) {
            String v = e.getValue();
            if (e.getKey().equals("partitioner.class") && !v.contains(".")) {
                v = "org.apache.kafka.clients.producer." + v;
            }
            p.setProperty(e.getKey(), isDurationConfig(e.getKey()) ? Long.toString(durationMs(v)) : v);
        }
        producers.put(name, new ProducerState(name, new KafkaProducer<>(p)));
    }

    void produce(List<String> w) {
        if (w.get(1).equals("stop")) {
            ProducerState ps = producers.get(w.get(2));
            for (ScheduledFuture<?> f : ps.rates) {
                f.cancel(false);
            }
            ps.rates.clear();
            return;
        }
        ProducerState ps = producers.get(w.get(1));
        if (ps == null) {
            throw new IllegalStateException("no producer " + w.get(1));
        }
        String topic = w.get(2);
        Map<String, String> p = pairs(w, 3);
        String key = p.get("key");
        // Kafkascope's default value: the producer's name and its send count (p1-0, p1-1, ...),
        // which also names each record in the comparison.
        String value = p.get("value");
        Integer partition = p.containsKey("partition") ? Integer.parseInt(p.get("partition")) : null;
        long count = Long.parseLong(p.getOrDefault("count", p.containsKey("rate") ? "-1" : "1"));
        if (p.containsKey("rate")) {
            double rate = Double.parseDouble(p.get("rate").replace("/s", ""));
            long periodUs = (long) (1_000_000 / rate);
            long[] left = {count};
            ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
            self[0] = scheduler.scheduleAtFixedRate(() -> {
                if (left[0] == 0) {
                    self[0].cancel(false);
                    return;
                }
                left[0]--;
                send(ps, topic, partition, key, value);
            }, 0, periodUs, TimeUnit.MICROSECONDS);
            ps.rates.add(self[0]);
            return;
        }
        for (long i = 0; i < count; i++) {
            send(ps, topic, partition, key, value);
        }
    }

    void send(ProducerState ps, String topic, Integer partition, String key, String givenValue) {
        String value = givenValue != null ? givenValue : ps.name + "-" + ps.outcomes.size();
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("topic", topic);
        outcome.put("key", key);
        outcome.put("value", value);
        outcome.put("sent_ms", now());
        ps.outcomes.add(outcome);
        // send() can block for max.block.ms (metadata); the scenario's clock must not.
        ps.sender.submit(() -> {
            try {
                ps.producer.send(new ProducerRecord<>(topic, partition, key, value), (RecordMetadata md, Exception e) -> {
                    synchronized (outcome) {
                        outcome.put("done_ms", now());
                        if (e == null) {
                            outcome.put("partition", md.partition());
                            outcome.put("offset", md.offset());
                        } else {
                            outcome.put("partition", partition);
                            outcome.put("error", errorName(e));
                            outcome.put("exception", e.getClass().getSimpleName());
                            outcome.put("message", e.getMessage());
                            if (e.getCause() != null) {
                                outcome.put("cause", errorName(e.getCause()));
                            }
                        }
                    }
                });
            } catch (Exception e) {
                synchronized (outcome) {
                    outcome.put("done_ms", now());
                    outcome.put("error", errorName(e));
                    outcome.put("exception", e.getClass().getSimpleName());
                }
            }
        });
    }

    static String errorName(Throwable e) {
        Errors err = Errors.forException(e);
        return err == Errors.UNKNOWN_SERVER_ERROR ? e.getClass().getSimpleName() : err.name();
    }

    // ---- brokers, controllers, network ----

    void broker(List<String> w) throws Exception {
        int id = Integer.parseInt(w.get(2).replace("broker-", "").replace("broker", ""));
        switch (w.get(1)) {
            case "kill", "crash" -> cluster.kill(id);
            case "stop" -> cluster.stop(id);
            case "start", "restart" -> cluster.start(id);
            default -> throw new UnsupportedOperationException(String.join(" ", w));
        }
    }

    void controller(List<String> w) throws Exception {
        if (w.get(1).equals("kill")) {
            int id;
            if (w.size() > 2) {
                id = Integer.parseInt(w.get(2).replace("controller-", ""));
            } else {
                id = admin.describeMetadataQuorum().quorumInfo().get().leaderId();
            }
            cluster.kill(id);
        } else if (w.get(1).equals("start")) {
            cluster.start(Integer.parseInt(w.get(2).replace("controller-", "")));
        } else {
            throw new UnsupportedOperationException(String.join(" ", w));
        }
    }

    /** The scenario language's message kinds that are Kafka requests, by their api keys. */
    static final Map<String, Short> API_KEYS = Map.ofEntries(
        Map.entry("produce", (short) 0), Map.entry("fetch", (short) 1), Map.entry("list-offsets", (short) 2),
        Map.entry("metadata", (short) 3), Map.entry("offset-commit", (short) 8), Map.entry("offset-fetch", (short) 9),
        Map.entry("find-coordinator", (short) 10), Map.entry("join-group", (short) 11), Map.entry("heartbeat", (short) 12),
        Map.entry("leave-group", (short) 13), Map.entry("sync-group", (short) 14));

    /** The proxy links between two nodes, both directions. */
    List<FaultProxy.Link> linksBetween(String a, String b) {
        List<FaultProxy.Link> out = new ArrayList<>();
        for (FaultProxy.Link l : cluster.proxy.links()) {
            String[] ends = l.name.split("-", 2);
            String x = nodeOf(ends[0]);
            String y = nodeOf(ends[1]);
            if ((x.equals(a) && y.equals(b)) || (x.equals(b) && y.equals(a))) {
                out.add(l);
            }
        }
        return out;
    }

    List<FaultProxy.Link> linksOf(String node) {
        List<FaultProxy.Link> out = new ArrayList<>();
        for (FaultProxy.Link l : cluster.proxy.links()) {
            String[] ends = l.name.split("-", 2);
            if (nodeOf(ends[0]).equals(node) || nodeOf(ends[1]).equals(node)) {
                out.add(l);
            }
        }
        return out;
    }

    /** Link ends are "client", a broker id, or "c3000"; scenario nodes "2", "broker-2",
     * "controller-3000". */
    static String nodeOf(String s) {
        if (s.startsWith("c") && !s.equals("client")) {
            return "controller-" + s.substring(1);
        }
        return s;
    }

    static String node(String s) {
        if (s.startsWith("broker-")) {
            return s.substring(7);
        }
        if (s.startsWith("broker")) {
            return s.substring(6);
        }
        if (s.matches("\\d+") && Integer.parseInt(s) >= Cluster.FIRST_CONTROLLER_ID) {
            return "controller-" + s;
        }
        if (s.matches("\\d+") || s.startsWith("controller-")) {
            return s;
        }
        // A client by name: all clients share the proxy's client links.
        throw new UnsupportedOperationException("network faults of one client (" + s + "): clients share the proxy's links");
    }

    void network(List<String> w) {
        switch (w.get(1)) {
            case "cut" -> linksBetween(node(w.get(2)), node(w.get(3))).forEach(l -> l.setCut(true));
            case "isolate" -> linksOf(node(w.get(2))).forEach(l -> l.setCut(true));
            case "slow" -> {
                long ms = durationMs(w.get(4));
                linksBetween(node(w.get(2)), node(w.get(3))).forEach(l -> l.delayMs = ms);
            }
            case "heal" -> {
                Iterable<FaultProxy.Link> ls = w.size() > 2 ? linksOf(node(w.get(2))) : cluster.proxy.links();
                for (FaultProxy.Link l : ls) {
                    l.delayMs = 0;
                    l.setCut(false);
                }
            }
            case "drop" -> {
                Map<String, String> p = pairs(w, 3);
                if (p.containsKey("from") || p.containsKey("to")) {
                    throw new UnsupportedOperationException("network drop from=/to= (the proxy drops a kind on every link)");
                }
                String kind = w.get(2);
                boolean request = !kind.endsWith("-response");
                Short apiKey = API_KEYS.get(kind.replace("-response", ""));
                if (apiKey == null) {
                    throw new UnsupportedOperationException("network drop " + kind);
                }
                cluster.proxy.drop(apiKey, request, Integer.parseInt(p.getOrDefault("count", "1")));
            }
            default -> throw new UnsupportedOperationException(String.join(" ", w));
        }
    }

    // ---- consumers ----

    void consumer(List<String> w) throws Exception {
        String verb = w.get(1);
        String name = w.get(2);
        switch (verb) {
            case "create" -> {
                Map<String, String> p = pairs(w, 3);
                List<String> args = new ArrayList<>();
                for (Map.Entry<String, String> e : p.entrySet()) {
                    args.add(e.getKey() + "=" + e.getValue());
                }
                ConsumerProc c = new ConsumerProc(name, p.get("group.id"), args);
                consumers.put(name, c);
                consumerGroups.put(name, p.get("group.id"));
                startConsumer(c);
            }
            case "crash", "kill" -> {
                ConsumerProc c = consumers.get(name);
                c.process.destroyForcibly();
                c.process.waitFor(10, TimeUnit.SECONDS);
                c.events.add(Map.of("event", "crashed", "at_ms", now()));
            }
            case "close" -> {
                ConsumerProc c = consumers.get(name);
                send(c, "close");
                c.process.waitFor(60, TimeUnit.SECONDS);
            }
            case "restart", "start" -> startConsumer(consumers.get(name));
            case "commit", "pause", "resume" -> send(consumers.get(name), verb);
            default -> throw new UnsupportedOperationException(String.join(" ", w));
        }
    }

    /** Consumer applications' JVMs started (and warmed up) before the scenario's clock starts,
     * one for each consumer the scenario creates or restarts, each waiting for its
     * configuration on stdin: `consumer create` then costs the client's construction, not a
     * JVM's start. */
    final java.util.ArrayDeque<Process> warmConsumers = new java.util.ArrayDeque<>();
    int consumersNeeded;

    Process spawnConsumerJvm() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dlog4j2.configurationFile=" + work.resolve("log4j2-client.properties"),
            "-Dkafka.logs.dir=" + work,
            "-cp", System.getProperty("java.class.path"), ConsumerApp.class.getName()));
        Path clientLog = work.resolve("log4j2-client.properties");
        if (!Files.exists(clientLog)) {
            Files.writeString(clientLog, String.join("\n",
                "status = warn",
                "appender.f.type = File",
                "appender.f.name = F",
                "appender.f.fileName = ${sys:kafka.logs.dir}/consumer-jvm-${sys:oracle.jvm}.log",
                "appender.f.layout.type = PatternLayout",
                "appender.f.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.f.ref = F", ""));
        }
        cmd.add(1, "-Doracle.jvm=" + (++consumerJvms));
        cmd.add(cluster.bootstrap());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("consumer-jvm-" + consumerJvms + ".stderr").toFile()));
        return pb.start();
    }

    int consumerJvms;

    /** Reads the warm JVM's first line, its "ready" after the warm-up. */
    static void awaitReady(Process p) throws Exception {
        StringBuilder line = new StringBuilder();
        int ch;
        while ((ch = p.getInputStream().read()) >= 0 && ch != '\n') {
            line.append((char) ch);
        }
        if (!line.toString().contains("ready")) {
            throw new IllegalStateException("a consumer JVM did not start: " + line);
        }
    }

    void startConsumer(ConsumerProc c) throws Exception {
        Process warm = warmConsumers.poll();
        if (warm == null) {
            warm = spawnConsumerJvm();
            awaitReady(warm);
        }
        final Process proc = warm;
        c.process = proc;
        c.stdin = new java.io.OutputStreamWriter(proc.getOutputStream(), StandardCharsets.UTF_8);
        // its first line: the bootstrap servers, its name and the scenario's settings
        List<String> config = new ArrayList<>(List.of(cluster.bootstrap(), c.name));
        config.addAll(c.args);
        c.stdin.write(JSON.writeValueAsString(config).replace("\n", " ") + "\n");
        c.stdin.flush();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> ev = JSON.readValue(line, LinkedHashMap.class);
                    if ("observation".equals(ev.get("event"))) {
                        c.observationReplies.add(ev);
                    } else {
                        ev.put("at_ms", now());
                        c.events.add(ev);
                    }
                }
            } catch (Exception e) {
                // the process ended
            }
        }, "consumer-" + c.name);
        reader.setDaemon(true);
        reader.start();
    }

    static void send(ConsumerProc c, String command) throws Exception {
        if (c.process == null || !c.process.isAlive()) {
            return;
        }
        c.stdin.write(command + "\n");
        c.stdin.flush();
    }

    // ---- observations ----

    /** A MetadataRequest sent on a plain socket to a live broker's own port: the admin client
     * does not expose leader epochs, which the model reports. */
    MetadataResponseData metadata(List<String> topics) {
        for (int b = 1; b <= brokerCount; b++) {
            if (!cluster.running(b)) {
                continue;
            }
            try (Socket s = new Socket("127.0.0.1", cluster.directClientPort(b))) {
                s.setSoTimeout(3000);
                short version = ApiKeys.METADATA.latestVersion();
                MetadataRequest req = new MetadataRequest.Builder(topics, false).build(version);
                RequestHeader header = new RequestHeader(ApiKeys.METADATA, version, "oracle-metadata", 1);
                ByteBuffer buf = req.serializeWithHeader(header);
                OutputStream os = s.getOutputStream();
                byte[] bytes = new byte[buf.remaining()];
                buf.get(bytes);
                os.write(ByteBuffer.allocate(4).putInt(bytes.length).array());
                os.write(bytes);
                os.flush();
                DataInputStream in = new DataInputStream(s.getInputStream());
                int size = in.readInt();
                byte[] resp = new byte[size];
                in.readFully(resp);
                MetadataResponse r = (MetadataResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(resp), header);
                return r.data();
            } catch (Exception e) {
                // try the next broker
            }
        }
        return null;
    }

    final Map<String, String> lastLeadership = new HashMap<>();

    /** Every 200 ms: which leader and epoch each partition has, so the recording says when a
     * failover happened (within the poll period). */
    void pollTimeline() {
        try {
            MetadataResponseData md = metadata(null);
            if (md == null) {
                return;
            }
            for (MetadataResponseData.MetadataResponseTopic t : md.topics()) {
                if (t.isInternal()) {
                    continue;
                }
                for (MetadataResponseData.MetadataResponsePartition p : t.partitions()) {
                    String key = t.name() + "-" + p.partitionIndex();
                    String v = "leader " + p.leaderId() + " epoch " + p.leaderEpoch() + " isr " + p.isrNodes();
                    String old = lastLeadership.put(key, v);
                    if (!v.equals(old)) {
                        Map<String, Object> e = new LinkedHashMap<>();
                        e.put("at_ms", now());
                        e.put("partition", key);
                        e.put("leader", p.leaderId() < 0 ? null : p.leaderId());
                        e.put("leader_epoch", p.leaderEpoch());
                        e.put("isr", p.isrNodes());
                        timeline.add(e);
                    }
                }
            }
        } catch (Exception e) {
            // a broker going down mid-request
        }
    }

    Long logEndOffset(int broker, String topic, int partition) {
        if (!cluster.running(broker)) {
            return null;
        }
        JMXServiceURL url;
        try {
            url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + cluster.jmx(broker) + "/jmxrmi");
            try (JMXConnector c = JMXConnectorFactory.connect(url)) {
                MBeanServerConnection mbs = c.getMBeanServerConnection();
                Object v = mbs.getAttribute(new ObjectName(
                    "kafka.log:type=Log,name=LogEndOffset,topic=" + topic + ",partition=" + partition), "Value");
                return ((Number) v).longValue();
            }
        } catch (Exception e) {
            return null;
        }
    }

    static List<Integer> ids(Collection<Node> nodes) {
        List<Integer> out = new ArrayList<>();
        for (Node n : nodes) {
            out.add(n.id());
        }
        return out;
    }

    void observe(String name, boolean withTools) throws Exception {
        long at = now();
        log("observe " + name);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", name);
        o.put("at_ms", at);
        o.put("scenario_ms", scenarioMs);

        // brokers: the process, and whether the controller has fenced it
        List<Map<String, Object>> brokers = new ArrayList<>();
        Map<Integer, Boolean> fenced = new HashMap<>();
        try {
            for (Node n : admin.describeCluster(new DescribeClusterOptions().includeFencedBrokers(true)).nodes().get(5, TimeUnit.SECONDS)) {
                fenced.put(n.id(), n.isFenced());
            }
        } catch (Exception e) {
            // recorded as unknown
        }
        for (int b = 1; b <= brokerCount; b++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", b);
            m.put("running", cluster.running(b));
            m.put("fenced", fenced.getOrDefault(b, null));
            brokers.add(m);
        }
        o.put("brokers", brokers);
        try {
            o.put("active_controller", admin.describeMetadataQuorum().quorumInfo().get(5, TimeUnit.SECONDS).leaderId());
        } catch (Exception e) {
            o.put("active_controller", null);
        }

        // partitions of the scenario's topics
        List<Map<String, Object>> partitions = new ArrayList<>();
        MetadataResponseData md = metadata(null);
        Map<String, MetadataResponseData.MetadataResponsePartition> epochs = new HashMap<>();
        if (md != null) {
            for (MetadataResponseData.MetadataResponseTopic t : md.topics()) {
                for (MetadataResponseData.MetadataResponsePartition p : t.partitions()) {
                    epochs.put(t.name() + "-" + p.partitionIndex(), p);
                }
            }
        }
        TreeSet<String> topicNames = new TreeSet<>(admin.listTopics().names().get(5, TimeUnit.SECONDS));
        Map<String, TopicDescription> descs = topicNames.isEmpty() ? Map.of()
            : admin.describeTopics(topicNames).allTopicNames().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription d : descs.values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                if (p.leader() != null) {
                    latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
                }
            }
        }
        Map<TopicPartition, Long> hws = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetSpec> e : latest.entrySet()) {
            try {
                hws.put(e.getKey(), admin.listOffsets(Map.of(e.getKey(), e.getValue())).partitionResult(e.getKey()).get(3, TimeUnit.SECONDS).offset());
            } catch (Exception ex) {
                // no answer from the leader
            }
        }
        for (String topic : topicNames) {
            TopicDescription d = descs.get(topic);
            for (TopicPartitionInfo p : d.partitions()) {
                String key = topic + "-" + p.partition();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("topic", topic);
                m.put("partition", p.partition());
                m.put("leader", p.leader() == null || p.leader().id() < 0 ? null : p.leader().id());
                MetadataResponseData.MetadataResponsePartition mp = epochs.get(key);
                m.put("leader_epoch", mp == null ? null : mp.leaderEpoch());
                m.put("replicas", ids(p.replicas()));
                m.put("isr", ids(p.isr()));
                m.put("elr", ids(p.elr()));
                m.put("last_known_elr", ids(p.lastKnownElr()));
                m.put("high_watermark", hws.get(new TopicPartition(topic, p.partition())));
                if (!topic.startsWith("__")) {
                    Map<String, Long> leo = new TreeMap<>();
                    for (Node r : p.replicas()) {
                        leo.put(Integer.toString(r.id()), logEndOffset(r.id(), topic, p.partition()));
                    }
                    m.put("leo", leo);
                }
                if (topic.startsWith("__")) {
                    continue;
                }
                partitions.add(m);
            }
        }
        o.put("partitions", partitions);

        // producers: every record's outcome so far, in send order
        List<Map<String, Object>> prods = new ArrayList<>();
        for (ProducerState ps : producers.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", ps.name);
            List<Map<String, Object>> outs = new ArrayList<>();
            synchronized (ps.outcomes) {
                for (Map<String, Object> r : ps.outcomes) {
                    synchronized (r) {
                        outs.add(new LinkedHashMap<>(r));
                    }
                }
            }
            m.put("records", outs);
            prods.add(m);
        }
        o.put("producers", prods);

        // consumer groups as the admin client sees them
        List<Map<String, Object>> groups = new ArrayList<>();
        TreeSet<String> groupIds = new TreeSet<>(consumerGroups.values());
        for (String g : groupIds) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("group", g);
            try {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(g)).describedGroups().get(g).get(5, TimeUnit.SECONDS);
                m.put("state", d.groupState().toString());
                m.put("protocol", d.partitionAssignor());
                m.put("coordinator", d.coordinator() == null ? null : d.coordinator().id());
                List<Map<String, Object>> members = new ArrayList<>();
                for (MemberDescription md2 : d.members()) {
                    Map<String, Object> mm = new LinkedHashMap<>();
                    mm.put("client_id", md2.clientId());
                    mm.put("group_instance_id", md2.groupInstanceId().orElse(null));
                    TreeSet<String> a = new TreeSet<>();
                    for (TopicPartition tp : md2.assignment().topicPartitions()) {
                        a.add(tp.topic() + "-" + tp.partition());
                    }
                    mm.put("assignment", new ArrayList<>(a));
                    members.add(mm);
                }
                members.sort((x, y) -> String.valueOf(x.get("client_id")).compareTo(String.valueOf(y.get("client_id"))));
                m.put("members", members);
            } catch (Exception e) {
                m.put("error", errorName(e.getCause() == null ? e : e.getCause()));
            }
            try {
                Map<TopicPartition, OffsetAndMetadata> offs = admin.listConsumerGroupOffsets(Map.of(g, new ListConsumerGroupOffsetsSpec()))
                    .partitionsToOffsetAndMetadata(g).get(5, TimeUnit.SECONDS);
                Map<String, Long> committed = new TreeMap<>();
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offs.entrySet()) {
                    committed.put(e.getKey().topic() + "-" + e.getKey().partition(), e.getValue() == null ? null : e.getValue().offset());
                }
                m.put("committed", committed);
            } catch (Exception e) {
                m.put("committed_error", errorName(e.getCause() == null ? e : e.getCause()));
            }
            groups.add(m);
        }
        o.put("groups", groups);

        // consumers: what each application saw
        List<Map<String, Object>> cons = new ArrayList<>();
        for (ConsumerProc c : consumers.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name);
            m.put("group", c.group);
            m.put("alive", c.process != null && c.process.isAlive());
            if (c.process != null && c.process.isAlive()) {
                c.observationReplies.clear();
                send(c, "observe");
                Map<String, Object> reply = c.observationReplies.poll(5, TimeUnit.SECONDS);
                if (reply != null) {
                    reply.remove("event");
                    m.putAll(reply);
                }
            }
            synchronized (c.events) {
                m.put("events", new ArrayList<>(c.events));
            }
            cons.add(m);
        }
        o.put("consumers", cons);

        // Kafka's own tools, as a person would type them
        Map<String, String> tools = new LinkedHashMap<>();
        List<String> userTopics = topicNames.stream().filter(t -> !t.startsWith("__")).toList();
        for (String t : withTools ? userTopics : List.<String>of()) {
            tools.put("kafka-topics.sh --describe --topic " + t,
                tool(() -> org.apache.kafka.tools.TopicCommand.main("--bootstrap-server", cluster.directBootstrap(), "--describe", "--topic", t)));
        }
        for (String g : withTools ? groupIds : java.util.Set.<String>of()) {
            for (String extra : List.of("", " --members", " --state")) {
                List<String> a = new ArrayList<>(List.of("--bootstrap-server", cluster.directBootstrap(), "--describe", "--group", g));
                if (!extra.isEmpty()) {
                    a.add(extra.trim());
                }
                tools.put("kafka-consumer-groups.sh --describe --group " + g + extra,
                    tool(() -> org.apache.kafka.tools.consumer.group.ConsumerGroupCommand.main(a.toArray(new String[0]))));
            }
        }
        if (withTools && !groupIds.isEmpty()) {
            tools.put("kafka-consumer-groups.sh --list",
                tool(() -> org.apache.kafka.tools.consumer.group.ConsumerGroupCommand.main(new String[] {"--bootstrap-server", cluster.directBootstrap(), "--list"})));
        }
        o.put("tools", tools);
        o.put("observed_in_ms", now() - at);
        observations.add(o);
    }

    interface ToolRun {
        void run() throws Exception;
    }

    /** Runs one of Kafka's command-line tools in this JVM and returns what it printed; its
     * exit (Exit.exit) is turned into an exception instead of ending the driver. */
    static synchronized String tool(ToolRun r) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int[] exit = {0};
        // The tools end with Exit.exit(code); here that only notes the code.
        Exit.setExitProcedure((code, msg) -> exit[0] = code);
        try {
            System.setOut(ps);
            System.setErr(ps);
            r.run();
        } catch (Exception e) {
            ps.println("EXCEPTION " + e);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            Exit.resetExitProcedure();
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        return exit[0] == 0 ? text : text + "[exit " + exit[0] + "]\n";
    }

    void write() throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("kafka_version", AppInfoParser.getVersion());
        doc.put("scenario", scenario.toString());
        doc.put("command", System.getProperty("oracle.command", "bash scripts/oracle.sh"));
        doc.put("recorded_at", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        doc.put("cluster", Map.of("brokers", brokerCount, "controllers", controllerCount, "broker_configs", brokerOverrides));
        doc.put("commands", commands);
        doc.put("observations", observations);
        synchronized (timeline) {
            doc.put("timeline", new ArrayList<>(timeline));
        }
        doc.put("producer_retriable_errors", retriableErrors());
        doc.put("client_log", clientLog());
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, JSON.writeValueAsString(doc) + "\n");
        log("wrote " + out);
    }

    static final java.util.regex.Pattern PRODUCE_ERROR = java.util.regex.Pattern.compile(
        "\\[Producer clientId=([^\\]]+)\\] Got error produce response .* on topic-partition (\\S+), .*Error: (\\w+)");

    /** The retriable errors each producer logged ("Got error produce response ... retrying"):
     * Java's delivery TimeoutException does not carry them, the producer's log does. */
    static List<Map<String, Object>> retriableErrors() throws Exception {
        String log = System.getProperty("oracle.log");
        List<Map<String, Object>> out = new ArrayList<>();
        if (log == null || !Files.exists(Path.of(log))) {
            return out;
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String line : Files.readAllLines(Path.of(log))) {
            java.util.regex.Matcher m = PRODUCE_ERROR.matcher(line);
            if (m.find() && seen.add(m.group(1) + " " + m.group(2) + " " + m.group(3))) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("producer", m.group(1));
                e.put("partition", m.group(2));
                e.put("error", m.group(3));
                out.add(e);
            }
        }
        return out;
    }

    static final java.util.regex.Pattern CONSUMER_LINE = java.util.regex.Pattern.compile(
        "^\\[[^\\]]+\\] (\\w+) \\[Consumer clientId=([^,]+), groupId=([^\\]]+)\\] (.*?)(?: \\([a-zA-Z.$]+\\))?$");

    /** The lines the consumers' clients logged that the source notes quote (joins, revocations,
     * assignments, offsets found or reset, heartbeats during a rebalance), per client in order:
     * the comparison reads them beside the model's trace. */
    List<Map<String, Object>> clientLog() throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 1; i <= consumerJvms; i++) {
            Path f = work.resolve("consumer-jvm-" + i + ".log");
            if (!Files.exists(f)) {
                continue;
            }
            for (String line : Files.readAllLines(f)) {
                java.util.regex.Matcher m = CONSUMER_LINE.matcher(line);
                if (m.find() && !m.group(2).equals("oracle-warm-up")) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("client", m.group(2));
                    e.put("group", m.group(3));
                    e.put("level", m.group(1));
                    e.put("message", m.group(4));
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** The scenario language's word splitting: blanks separate, "double quotes" keep blanks
     * (a backslash escapes " and \ inside them), # outside quotes starts a comment. */
    static List<String> tokenize(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (c == '\\' && quoted && i + 1 < line.length() && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                cur.append(line.charAt(++i));
            } else if (c == '#' && !quoted) {
                break;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) {
                    words.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(cur.toString());
        }
        return words;
    }

}
