package kafkascope.oracle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP proxy on loopback with one listening port per directed link ("client-2", "1-2" = broker 1
 * to broker 2, "2-c3000" = broker 2 to controller 3000). Each link can be cut, slowed or healed
 * at run time, and the next frames of one of Kafka's message kinds can be dropped.
 *
 * A cut link behaves like a network partition, not like a refused connection: bytes stop
 * moving in both directions but are kept (as TCP keeps unacknowledged segments), new
 * connections are accepted but reach nobody, and the peers find out only through their own
 * timeouts (request.timeout.ms, replica.lag.time.max.ms, broker.session.timeout.ms), as they
 * would on a real network. Healing lets the held bytes through in order, so no Kafka frame is
 * ever torn.
 */
public final class FaultProxy implements AutoCloseable {
    /** One directed link: a listening port forwarding to a target port. */
    public static final class Link {
        final String name;
        final int listenPort;
        final int targetPort;
        volatile boolean cut;
        volatile long delayMs;
        private final ServerSocket server;
        private final List<Socket> sockets = new ArrayList<>();
        private final Map<String, java.util.concurrent.atomic.AtomicInteger> drops;

        Link(String name, int listenPort, int targetPort, Map<String, java.util.concurrent.atomic.AtomicInteger> drops)
                throws IOException {
            this.name = name;
            this.drops = drops;
            this.listenPort = listenPort;
            this.targetPort = targetPort;
            this.server = new ServerSocket();
            this.server.setReuseAddress(true);
            this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 64);
            Thread t = new Thread(this::acceptLoop, "proxy-" + name);
            t.setDaemon(true);
            t.start();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket down = server.accept();
                    down.setTcpNoDelay(true);
                    Thread t = new Thread(() -> connect(down), "proxy-" + name + "-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void connect(Socket down) {
            // A connection made during a cut waits here, as a SYN would go unanswered.
            awaitOpen();
            Socket up = new Socket();
            try {
                up.setTcpNoDelay(true);
                up.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
            } catch (IOException e) {
                closeQuietly(down);
                closeQuietly(up);
                return;
            }
            synchronized (sockets) {
                sockets.add(down);
                sockets.add(up);
            }
            // the requests' api keys by correlation id, so that a response can be told by kind
            Map<Integer, Short> inFlight = new ConcurrentHashMap<>();
            pump(down, up, true, inFlight);
            pump(up, down, false, inFlight);
        }

        /** Whether a frame of this kind is to be dropped (and counts it off). */
        private boolean takeDrop(short apiKey, boolean request) {
            java.util.concurrent.atomic.AtomicInteger left = drops.get(apiKey + (request ? ":request" : ":response"));
            if (left == null) {
                return false;
            }
            while (true) {
                int n = left.get();
                if (n <= 0) {
                    return false;
                }
                if (left.compareAndSet(n, n - 1)) {
                    System.err.println("[proxy] dropped a " + (request ? "request" : "response") + " of api key " + apiKey + " on link " + name);
                    return true;
                }
            }
        }

        private void awaitOpen() {
            synchronized (this) {
                while (cut) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        /** Copies from -> to; a reader thread stamps each chunk, a writer releases it after the
         * link's delay, so a slow link adds latency without throttling throughput. */
        private void pump(Socket from, Socket to, boolean requests, Map<Integer, Short> inFlight) {
            LinkedBlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                // Kafka's frames (a 4-byte size, then the message) are forwarded whole, so that
                // one can be dropped (network drop KIND) without tearing the stream: a request
                // starts with its api key, version and correlation id, a response with the
                // correlation id of its request.
                byte[] buf = new byte[64 * 1024];
                byte[] acc = new byte[64 * 1024];
                int accLen = 0;
                try {
                    InputStream in = from.getInputStream();
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        long readAt = System.nanoTime();
                        if (accLen + n > acc.length) {
                            acc = java.util.Arrays.copyOf(acc, Math.max(acc.length * 2, accLen + n));
                        }
                        System.arraycopy(buf, 0, acc, accLen, n);
                        accLen += n;
                        int start = 0;
                        while (accLen - start >= 4) {
                            int size = ByteBuffer.wrap(acc, start, 4).getInt();
                            if (size < 0 || accLen - start - 4 < size) {
                                break;
                            }
                            byte[] frame = java.util.Arrays.copyOfRange(acc, start, start + 4 + size);
                            start += 4 + size;
                            boolean drop = false;
                            if (requests && size >= 8) {
                                ByteBuffer b = ByteBuffer.wrap(frame, 4, size);
                                short apiKey = b.getShort();
                                b.getShort();
                                int correlationId = b.getInt();
                                inFlight.put(correlationId, apiKey);
                                drop = takeDrop(apiKey, true);
                            } else if (!requests && size >= 4) {
                                Short apiKey = inFlight.remove(ByteBuffer.wrap(frame, 4, 4).getInt());
                                drop = apiKey != null && takeDrop(apiKey, false);
                            }
                            if (!drop) {
                                queue.put(new Object[] {readAt, frame});
                            }
                        }
                        System.arraycopy(acc, start, acc, 0, accLen - start);
                        accLen -= start;
                    }
                } catch (IOException | InterruptedException e) {
                    // the connection ended
                }
                queue.add(new Object[] {0L, null});
            }, "proxy-" + name + "-read");
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = to.getOutputStream();
                    while (true) {
                        Object[] item = queue.take();
                        byte[] chunk = (byte[]) item[1];
                        if (chunk == null) {
                            break;
                        }
                        long due = (long) item[0] + delayMs * 1_000_000L;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                        }
                        awaitOpen();
                        out.write(chunk);
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // the other side ended
                }
                closeQuietly(from);
                closeQuietly(to);
            }, "proxy-" + name + "-write");
            reader.setDaemon(true);
            writer.setDaemon(true);
            reader.start();
            writer.start();
        }

        synchronized void setCut(boolean cut) {
            this.cut = cut;
            if (!cut) {
                notifyAll();
            }
        }

        /** Closes every connection through the link (its peers see a reset), e.g. when the
         * process on either end is killed and the other side must not keep a half-open socket. */
        void resetConnections() {
            synchronized (sockets) {
                for (Socket s : sockets) {
                    closeQuietly(s);
                }
                sockets.clear();
            }
        }

        void close() {
            closeQuietly(server);
            resetConnections();
        }
    }

    private final Map<String, Link> links = new ConcurrentHashMap<>();
    /** "apiKey:request" or "apiKey:response" -> how many more such frames to drop, on any link. */
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> drops = new ConcurrentHashMap<>();

    public void add(String name, int listenPort, int targetPort) throws IOException {
        links.put(name, new Link(name, listenPort, targetPort, drops));
    }

    /** Drops the next `count` frames of this kind wherever they cross (network drop KIND). */
    public void drop(short apiKey, boolean request, int count) {
        drops.computeIfAbsent(apiKey + (request ? ":request" : ":response"),
            k -> new java.util.concurrent.atomic.AtomicInteger()).addAndGet(count);
    }

    public Link link(String name) {
        Link l = links.get(name);
        if (l == null) {
            throw new IllegalArgumentException("no link " + name);
        }
        return l;
    }

    public Iterable<Link> links() {
        return links.values();
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already closed
        }
    }

    @Override
    public void close() {
        for (Link l : links.values()) {
            l.close();
        }
    }
}
