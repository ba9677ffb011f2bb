package kafkascope.oracle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.DirectoryId;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.metadata.PartitionChangeRecord;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.apache.kafka.controller.PartitionChangeBuilder;
import org.apache.kafka.metadata.LeaderRecoveryState;
import org.apache.kafka.metadata.PartitionRegistration;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.storage.internals.log.LogConfig;

/**
 * Kafka's algorithms run through Kafka's own classes on inputs generated from a seed; the
 * inputs and outputs are written to oracle/recorded/ and the model is checked against them in
 * `cargo test` (crates/kafka-sim/tests/oracle_algorithms.rs).
 * Usage: Algorithms OUT_DIR [SEED]
 */
public final class Algorithms {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String COMMAND = "bash scripts/oracle.sh (java kafkascope.oracle.Algorithms)";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 20261208L;
        Files.createDirectories(dir);
        write(dir.resolve("partitioner.json"), seed, partitioner(new Random(seed)));
        write(dir.resolve("offsets-partition.json"), seed, offsetsPartition(new Random(seed + 1)));
        write(dir.resolve("assignors.json"), seed, assignors(new Random(seed + 2)));
        write(dir.resolve("election.json"), seed, election(new Random(seed + 3)));
        write(dir.resolve("config-defaults.json"), seed, configDefaults());
    }

    static void write(Path file, long seed, Object cases) throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("kafka_version", AppInfoParser.getVersion());
        doc.put("command", COMMAND);
        doc.put("seed", seed);
        doc.put("cases", cases);
        // One case a line keeps the files diffable and small.
        Files.writeString(file, compact(doc));
        System.err.println("wrote " + file);
    }

    static String compact(Map<String, Object> doc) throws Exception {
        ObjectMapper plain = new ObjectMapper();
        StringBuilder sb = new StringBuilder("{\n");
        List<String> keys = new ArrayList<>(doc.keySet());
        for (int i = 0; i < keys.size(); i++) {
            String k = keys.get(i);
            Object v = doc.get(k);
            sb.append("  ").append(plain.writeValueAsString(k)).append(": ");
            if (v instanceof List<?> list) {
                sb.append("[\n");
                for (int j = 0; j < list.size(); j++) {
                    sb.append("    ").append(plain.writeValueAsString(list.get(j)));
                    sb.append(j + 1 < list.size() ? ",\n" : "\n");
                }
                sb.append("  ]");
            } else if (v instanceof Map<?, ?> map) {
                sb.append("{\n");
                int j = 0;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    sb.append("    ").append(plain.writeValueAsString(e.getKey())).append(": ").append(plain.writeValueAsString(e.getValue()));
                    sb.append(++j < map.size() ? ",\n" : "\n");
                }
                sb.append("  }");
            } else {
                sb.append(plain.writeValueAsString(v));
            }
            sb.append(i + 1 < keys.size() ? ",\n" : "\n");
        }
        return sb.append("}\n").toString();
    }

    // ---- the default partitioner ----

    static String randomKey(Random r) {
        int len = r.nextInt(4) == 0 ? r.nextInt(3) : 1 + r.nextInt(24);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            int kind = r.nextInt(10);
            if (kind < 7) {
                sb.append((char) (0x21 + r.nextInt(94)));
            } else if (kind < 9) {
                sb.append((char) (0xa1 + r.nextInt(0x2000)));
            } else {
                sb.appendCodePoint(0x1f300 + r.nextInt(0x300));
            }
        }
        return sb.toString();
    }

    /** BuiltInPartitioner.partitionForKey: toPositive(murmur2(keyBytes)) % numPartitions, for
     * the key's bytes as StringSerializer makes them (UTF-8). */
    static List<Object> partitioner(Random r) {
        List<Object> cases = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String key = randomKey(r);
            int n = 1 + r.nextInt(i % 10 == 0 ? 1000 : 64);
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            int p = org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(bytes, n);
            cases.add(List.of(key, n, p));
        }
        return cases;
    }

    // ---- __consumer_offsets partition of a group ----

    static List<Object> offsetsPartition(Random r) {
        List<Object> cases = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String group = randomKey(r);
            // GroupCoordinatorService.partitionFor: Utils.abs(groupId.hashCode()) % numPartitions
            // with offsets.topic.num.partitions (50).
            cases.add(List.of(group, Utils.abs(group.hashCode()) % 50));
        }
        return cases;
    }

    // ---- the classic assignors ----

    static ConsumerPartitionAssignor assignor(String name) {
        return switch (name) {
            case "range" -> new RangeAssignor();
            case "roundrobin" -> new RoundRobinAssignor();
            case "sticky" -> new StickyAssignor();
            case "cooperative-sticky" -> new CooperativeStickyAssignor();
            default -> throw new IllegalArgumentException(name);
        };
    }

    static TopicPartition tp(String s) {
        int dash = s.lastIndexOf('-');
        return new TopicPartition(s.substring(0, dash), Integer.parseInt(s.substring(dash + 1)));
    }

    /** Runs the leader's assignment as ConsumerCoordinator.onLeaderElected does: each member's
     * Subscription made by its own assignor instance (which encodes what it owns and its
     * generation into userData, as a real member's would), the subscriptions in a HashMap
     * filled in join order, and the assignor's assign(Cluster, GroupSubscription). */
    @SuppressWarnings("unchecked")
    static Map<String, List<String>> runAssignor(String strategy, Map<String, Integer> topics, List<Map<String, Object>> members) {
        List<PartitionInfo> infos = new ArrayList<>();
        for (Map.Entry<String, Integer> t : topics.entrySet()) {
            for (int p = 0; p < t.getValue(); p++) {
                infos.add(new PartitionInfo(t.getKey(), p, Node.noNode(), new Node[0], new Node[0]));
            }
        }
        Cluster cluster = new Cluster("c", List.of(), infos, Set.of(), Set.of());
        Map<String, Subscription> subs = new HashMap<>();
        for (Map<String, Object> m : members) {
            String id = (String) m.get("id");
            List<String> subscribed = (List<String>) m.get("topics");
            List<TopicPartition> owned = new ArrayList<>();
            for (String s : (List<String>) m.getOrDefault("owned", List.of())) {
                owned.add(tp(s));
            }
            Integer gen = (Integer) m.get("generation");
            ConsumerPartitionAssignor memberSide = assignor(strategy);
            if (gen != null) {
                memberSide.onAssignment(new Assignment(owned), new ConsumerGroupMetadata("g", gen, id, Optional.empty()));
            }
            ByteBuffer userData = memberSide.subscriptionUserData(new HashSet<>(subscribed));
            if (strategy.equals("sticky") && gen != null) {
                // StickyAssignor's userData lists the owned partitions grouped by topic: the
                // leader (and so the model's input) sees them in that order.
                List<String> decoded = new ArrayList<>();
                for (TopicPartition t : new StickyProbe().decode(userData.duplicate())) {
                    decoded.add(t.topic() + "-" + t.partition());
                }
                m.put("owned", decoded);
            }
            // Eager members (range, roundrobin, sticky) revoke everything before joining:
            // their Subscription's ownedPartitions is empty; cooperative ones keep theirs.
            boolean cooperative = strategy.equals("cooperative-sticky");
            subs.put(id, new Subscription(subscribed, userData, cooperative ? owned : List.of(),
                gen == null ? -1 : gen, Optional.empty()));
        }
        ConsumerPartitionAssignor leader = assignor(strategy);
        GroupSubscription gs = new GroupSubscription(subs);
        Map<String, Assignment> result = leader.assign(cluster, gs).groupAssignment();
        Map<String, List<String>> out = new TreeMap<>();
        for (Map<String, Object> m : members) {
            String id = (String) m.get("id");
            List<String> parts = new ArrayList<>();
            Assignment a = result.get(id);
            if (a != null) {
                for (TopicPartition t : a.partitions()) {
                    parts.add(t.topic() + "-" + t.partition());
                }
            }
            out.put(id, parts);
        }
        return out;
    }

    /** Reads a StickyAssignor member's userData back, as the group leader's assignor does. */
    static final class StickyProbe extends StickyAssignor {
        List<TopicPartition> decode(ByteBuffer userData) {
            return memberData(new Subscription(List.of(), userData)).partitions;
        }
    }

    static List<Object> assignors(Random r) {
        List<Object> cases = new ArrayList<>();
        String[] strategies = {"range", "roundrobin", "sticky", "cooperative-sticky"};
        for (int i = 0; i < 2_400; i++) {
            String strategy = strategies[i % 4];
            Map<String, Integer> topics = new TreeMap<>();
            int nt = 1 + r.nextInt(4);
            for (int t = 0; t < nt; t++) {
                topics.put("t" + t, r.nextInt(9));
            }
            List<String> topicNames = new ArrayList<>(topics.keySet());
            int nm = 1 + r.nextInt(6);
            List<Map<String, Object>> members = new ArrayList<>();
            Set<String> taken = new HashSet<>();
            for (int m = 0; m < nm; m++) {
                Map<String, Object> mm = new LinkedHashMap<>();
                // ids shaped like the client's (consumer-<group>-<n>-<uuid>) and short ones
                String id = r.nextBoolean() ? "c" + (m + 1) : "consumer-g-" + (m + 1) + "-" + new Uuid(r.nextLong(), r.nextLong());
                mm.put("id", id);
                List<String> sub = new ArrayList<>();
                for (String t : topicNames) {
                    if (r.nextInt(3) > 0) {
                        sub.add(t);
                    }
                }
                if (sub.isEmpty()) {
                    sub.add(topicNames.get(r.nextInt(topicNames.size())));
                }
                mm.put("topics", sub);
                members.add(mm);
            }
            // previous assignment for the sticky ones: some owned partitions, some overlapping
            if (!strategy.equals("range") && !strategy.equals("roundrobin") && r.nextInt(3) > 0) {
                int gen = 1 + r.nextInt(5);
                for (Map<String, Object> mm : members) {
                    List<String> owned = new ArrayList<>();
                    for (String t : (List<String>) (List<?>) mm.get("topics")) {
                        for (int p = 0; p < topics.get(t); p++) {
                            String s = t + "-" + p;
                            if (r.nextInt(nm + 1) == 0 && (r.nextInt(8) == 0 || taken.add(s))) {
                                owned.add(s);
                            }
                        }
                    }
                    mm.put("owned", owned);
                    mm.put("generation", r.nextInt(4) == 0 ? gen - 1 : gen);
                }
            }
            Collections.shuffle(members, r);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("strategy", strategy);
            c.put("topics", topics);
            c.put("members", members);
            Map<String, List<String>> result = runAssignor(strategy, topics, members);
            c.put("assignment", result);
            cases.add(c);
            taken.clear();
            if (strategy.equals("cooperative-sticky") || strategy.equals("sticky")) {
                // The follow-up rebalance: every member now owns what it was given (a
                // cooperative member has revoked what was withheld), one generation later.
                int gen = 1 + members.stream().map(m -> (Integer) m.getOrDefault("generation", 0)).max(Integer::compare).orElse(0);
                List<Map<String, Object>> next = new ArrayList<>();
                for (Map<String, Object> mm : members) {
                    Map<String, Object> n = new LinkedHashMap<>(mm);
                    n.put("owned", result.get((String) mm.get("id")));
                    n.put("generation", gen);
                    next.add(n);
                }
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("strategy", strategy);
                f.put("topics", topics);
                f.put("members", next);
                f.put("follow_up", true);
                f.put("assignment", runAssignor(strategy, topics, next));
                cases.add(f);
            }
        }
        return cases;
    }

    // ---- the controller's leader election ----

    static int[] arr(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    static List<Object> election(Random r) {
        List<Object> cases = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            int brokers = 1 + r.nextInt(6);
            List<Integer> all = new ArrayList<>();
            for (int b = 1; b <= brokers; b++) {
                all.add(b);
            }
            Collections.shuffle(all, r);
            int rf = 1 + r.nextInt(brokers);
            List<Integer> replicas = new ArrayList<>(all.subList(0, rf));
            List<Integer> isr = new ArrayList<>();
            for (int b : replicas) {
                if (r.nextInt(3) > 0) {
                    isr.add(b);
                }
            }
            if (isr.isEmpty()) {
                isr.add(replicas.get(r.nextInt(rf)));
            }
            Collections.shuffle(isr, r);
            int leader = r.nextInt(4) == 0 ? -1 : isr.get(r.nextInt(isr.size()));
            Set<Integer> alive = new HashSet<>();
            for (int b = 1; b <= brokers; b++) {
                if (r.nextInt(3) > 0) {
                    alive.add(b);
                }
            }
            // The broker being fenced or shut down (-1: an offline partition's election after
            // a broker came back, with nobody removed).
            int removed = r.nextBoolean() ? replicas.get(r.nextInt(rf)) : -1;
            if (removed >= 0) {
                alive.remove(removed);
            }
            boolean unclean = r.nextInt(3) == 0;
            int minIsr = 1 + r.nextInt(rf);

            Uuid[] dirs = new Uuid[rf];
            Arrays.fill(dirs, DirectoryId.UNASSIGNED);
            PartitionRegistration reg = new PartitionRegistration.Builder()
                .setReplicas(arr(replicas)).setDirectories(dirs).setIsr(arr(isr))
                .setElr(new int[0]).setLastKnownElr(new int[0])
                .setLeader(leader).setLeaderRecoveryState(LeaderRecoveryState.RECOVERED)
                .setLeaderEpoch(0).setPartitionEpoch(0).build();
            List<Integer> targetIsr = new ArrayList<>(isr);
            if (removed >= 0) {
                targetIsr.remove(Integer.valueOf(removed));
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("replicas", replicas);
            c.put("isr", isr);
            c.put("leader", leader);
            c.put("alive", new ArrayList<>(new java.util.TreeSet<>(alive)));
            c.put("removed", removed);
            c.put("unclean", unclean);
            c.put("min_isr", minIsr);
            for (boolean elr : new boolean[] {false, true}) {
                // ReplicationControlManager: acceptable = unfenced and not shutting down; the
                // fenced broker leaves the target ISR; UNCLEAN when the topic allows it.
                PartitionChangeBuilder builder = new PartitionChangeBuilder(reg, Uuid.ONE_UUID, 0,
                    alive::contains, MetadataVersion.latestProduction(), minIsr, elr)
                    .setElection(unclean ? PartitionChangeBuilder.Election.UNCLEAN : PartitionChangeBuilder.Election.ONLINE)
                    .setDefaultDirProvider(b -> DirectoryId.UNASSIGNED);
                if (removed >= 0) {
                    builder.setTargetIsr(targetIsr);
                }
                Optional<ApiMessageAndVersion> rec = builder.build();
                int newLeader = leader;
                List<Integer> newIsr = isr;
                boolean uncleanElection = false;
                List<Integer> newElr = List.of();
                if (rec.isPresent()) {
                    PartitionChangeRecord pcr = (PartitionChangeRecord) rec.get().message();
                    if (pcr.leader() != -2) {
                        newLeader = pcr.leader();
                    }
                    if (pcr.isr() != null) {
                        newIsr = pcr.isr();
                    }
                    if (pcr.eligibleLeaderReplicas() != null) {
                        newElr = pcr.eligibleLeaderReplicas();
                    }
                    uncleanElection = pcr.leaderRecoveryState() == LeaderRecoveryState.RECOVERING.value();
                }
                Map<String, Object> res = new LinkedHashMap<>();
                res.put("leader", newLeader);
                res.put("isr", newIsr);
                res.put("unclean_election", uncleanElection);
                if (elr) {
                    res.put("elr", newElr);
                }
                c.put(elr ? "result_elr_enabled" : "result", res);
            }
            cases.add(c);
        }
        return cases;
    }

    // ---- config defaults ----

    static Map<String, Object> defaults(ConfigDef def) {
        Map<String, Object> out = new TreeMap<>();
        for (Map.Entry<String, ConfigDef.ConfigKey> e : def.configKeys().entrySet()) {
            Object v = e.getValue().defaultValue;
            if (v == ConfigDef.NO_DEFAULT_VALUE) {
                out.put(e.getKey(), "<no default>");
            } else if (v instanceof List<?> l) {
                out.put(e.getKey(), l.stream().map(x -> x instanceof Class<?> c ? c.getName() : String.valueOf(x)).toList());
            } else if (v instanceof Class<?> c) {
                out.put(e.getKey(), c.getName());
            } else if (v instanceof org.apache.kafka.common.config.types.Password) {
                out.put(e.getKey(), "<password>");
            } else {
                out.put(e.getKey(), v);
            }
        }
        return out;
    }

    static List<Object> configDefaults() {
        Map<String, Object> producer = new LinkedHashMap<>();
        producer.put("scope", "producer");
        producer.put("defaults", defaults(ProducerConfig.configDef()));
        Map<String, Object> consumer = new LinkedHashMap<>();
        consumer.put("scope", "consumer");
        consumer.put("defaults", defaults(ConsumerConfig.configDef()));
        Map<String, Object> topic = new LinkedHashMap<>();
        topic.put("scope", "topic");
        topic.put("defaults", defaults(LogConfig.configDefCopy()));
        Map<String, Object> broker = new LinkedHashMap<>();
        broker.put("scope", "broker");
        broker.put("defaults", defaults(kafka.server.KafkaConfig.configDef()));
        return List.of(producer, consumer, topic, broker);
    }
}
