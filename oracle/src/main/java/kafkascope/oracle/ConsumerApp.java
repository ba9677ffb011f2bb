package kafkascope.oracle;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One consumer application in its own JVM, so that `consumer crash` can be a real kill -9:
 * no LeaveGroup, no final commit, the coordinator learns only from the session timeout.
 *
 * The application around the client is the one Kafkascope models: a poll loop that processes
 * each record for processing.time.ms (processing=poll-loop), or hands records to a worker
 * thread and polls on (processing=worker); commit.after.processing=true commits synchronously
 * after each batch. Commands arrive on stdin (commit, pause, resume, close, observe); events
 * leave on stdout as JSON lines.
 */
public final class ConsumerApp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);

    static synchronized void emit(Map<String, Object> event) {
        try {
            OUT.println(JSON.writeValueAsString(event));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> event(String kind) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", kind);
        return m;
    }

    static List<String> names(Collection<TopicPartition> tps) {
        TreeSet<String> s = new TreeSet<>();
        for (TopicPartition tp : tps) {
            s.add(tp.topic() + "-" + tp.partition());
        }
        return new ArrayList<>(s);
    }

    /** Loads and runs the client's code once (a consumer outside any group reads the cluster's
     * topics), so that the scenario's consumer is built in milliseconds, not in the seconds a
     * cold JVM takes on a busy machine, which the model's consumer does not take. */
    static void warmUp(String bootstrap) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("client.id", "oracle-warm-up");
        p.setProperty("key.deserializer", StringDeserializer.class.getName());
        p.setProperty("value.deserializer", StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            c.listTopics(Duration.ofSeconds(10));
        } catch (Exception e) {
            // only a warm-up
        }
    }

    public static void main(String[] argv) throws Exception {
        // The JVM starts ahead of need (Driver's warm consumer); its first stdin line is a JSON
        // array: the bootstrap servers, the consumer's name, then the scenario's name=value pairs.
        BufferedReader stdinReader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (argv.length > 0) {
            warmUp(argv[0]);
        }
        emit(event("ready"));
        String first = stdinReader.readLine();
        if (first == null) {
            return;
        }
        String[] args = JSON.readValue(first, String[].class);
        String bootstrap = args[0];
        String name = args[1];
        Properties props = new Properties();
        String processing = "poll-loop";
        long processingMs = 10;
        boolean commitAfter = false;
        List<String> topics = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            switch (kv[0]) {
                case "topics", "topic" -> topics.addAll(Arrays.asList(kv[1].split(",")));
                case "processing" -> processing = kv[1];
                case "processing.time.ms" -> processingMs = Driver.durationMs(kv[1]);
                case "commit.after.processing" -> commitAfter = Boolean.parseBoolean(kv[1]);
                case "partition.assignment.strategy" -> props.setProperty(kv[0], Driver.assignorClasses(kv[1]));
                default -> props.setProperty(kv[0], Driver.isDurationConfig(kv[0]) ? Long.toString(Driver.durationMs(kv[1])) : kv[1]);
            }
        }
        props.setProperty("bootstrap.servers", bootstrap);
        props.setProperty("client.id", name);
        props.setProperty("key.deserializer", StringDeserializer.class.getName());
        props.setProperty("value.deserializer", StringDeserializer.class.getName());

        ConcurrentLinkedQueue<String> commands = new ConcurrentLinkedQueue<>();
        Thread stdin = new Thread(() -> {
            try (BufferedReader r = stdinReader) {
                String line;
                while ((line = r.readLine()) != null) {
                    commands.add(line.trim());
                }
            } catch (Exception e) {
                // the driver went away
            }
            commands.add("exit");
        }, "stdin");
        stdin.setDaemon(true);
        stdin.start();

        AtomicLong processedCount = new AtomicLong();
        List<String> processed = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> errors = new ArrayList<>();
        ExecutorService worker = Executors.newSingleThreadExecutor();
        final long perRecordMs = processingMs;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    Map<String, Object> e = event("revoked");
                    e.put("partitions", names(partitions));
                    emit(e);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    Map<String, Object> e = event("assigned");
                    e.put("partitions", names(partitions));
                    e.put("generation", consumer.groupMetadata().generationId());
                    e.put("member_id", consumer.groupMetadata().memberId());
                    emit(e);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    Map<String, Object> e = event("lost");
                    e.put("partitions", names(partitions));
                    emit(e);
                }
            });
            boolean processingInLoop = processing.equals("poll-loop");
            while (true) {
                String cmd;
                while ((cmd = commands.poll()) != null) {
                    switch (cmd) {
                        case "commit" -> {
                            try {
                                consumer.commitSync();
                            } catch (Exception ex) {
                                errors.add(Errors.forException(ex).name());
                            }
                        }
                        case "pause" -> consumer.pause(consumer.assignment());
                        case "resume" -> consumer.resume(consumer.paused());
                        case "close", "exit" -> {
                            worker.shutdownNow();
                            consumer.close();
                            emit(event("closed"));
                            System.exit(0);
                        }
                        case "observe" -> {
                            Map<String, Object> e = event("observation");
                            e.put("assignment", names(consumer.assignment()));
                            Map<String, Long> positions = new LinkedHashMap<>();
                            for (TopicPartition tp : consumer.assignment()) {
                                try {
                                    positions.put(tp.topic() + "-" + tp.partition(), consumer.position(tp, Duration.ofMillis(500)));
                                } catch (Exception ex) {
                                    positions.put(tp.topic() + "-" + tp.partition(), null);
                                }
                            }
                            e.put("positions", positions);
                            e.put("generation", consumer.groupMetadata().generationId());
                            e.put("processed", processedCount.get());
                            synchronized (processed) {
                                e.put("processed_records", new ArrayList<>(processed));
                            }
                            e.put("errors", new ArrayList<>(errors));
                            emit(e);
                        }
                        default -> errors.add("UNKNOWN_COMMAND " + cmd);
                    }
                }
                ConsumerRecords<String, String> records;
                try {
                    records = consumer.poll(Duration.ofMillis(100));
                } catch (Exception ex) {
                    // e.g. NoOffsetForPartitionException for auto.offset.reset=none: Java's class
                    // name is what the model reports.
                    // Java's class and message, as the model reports them
                    String err = ex.getClass().getSimpleName() + ": " + ex.getMessage();
                    if (errors.isEmpty() || !errors.get(errors.size() - 1).equals(err)) {
                        errors.add(err);
                        Map<String, Object> e = event("error");
                        e.put("error", err);
                        e.put("message", String.valueOf(ex.getMessage()));
                        emit(e);
                    }
                    Thread.sleep(100);
                    continue;
                }
                List<String> batch = new ArrayList<>();
                for (ConsumerRecord<String, String> r : records) {
                    batch.add(r.topic() + "-" + r.partition() + "@" + r.offset());
                }
                if (batch.isEmpty()) {
                    continue;
                }
                Runnable work = () -> {
                    for (String r : batch) {
                        if (perRecordMs > 0) {
                            try {
                                Thread.sleep(perRecordMs);
                            } catch (InterruptedException ie) {
                                return;
                            }
                        }
                        processed.add(r);
                        processedCount.incrementAndGet();
                    }
                };
                if (processingInLoop) {
                    work.run();
                    if (commitAfter) {
                        try {
                            consumer.commitSync();
                        } catch (Exception ex) {
                            errors.add(Errors.forException(ex).name());
                        }
                    }
                } else {
                    worker.submit(work);
                }
            }
        }
    }

}
