package kafkascope.oracle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
 * at run time.
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

        Link(String name, int listenPort, int targetPort) throws IOException {
            this.name = name;
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
            pump(down, up);
            pump(up, down);
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
        private void pump(Socket from, Socket to) {
            LinkedBlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[64 * 1024];
                try {
                    InputStream in = from.getInputStream();
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        byte[] chunk = new byte[n];
                        System.arraycopy(buf, 0, chunk, 0, n);
                        queue.put(new Object[] {System.nanoTime(), chunk});
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

    public void add(String name, int listenPort, int targetPort) throws IOException {
        links.put(name, new Link(name, listenPort, targetPort));
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
