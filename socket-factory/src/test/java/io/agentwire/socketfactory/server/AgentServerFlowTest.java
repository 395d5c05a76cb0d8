package io.agentwire.socketfactory.server;

import static io.agentwire.socketfactory.server.ServerFixtures.SERVER_CONFIG;
import static io.agentwire.socketfactory.server.ServerFixtures.address;
import static io.agentwire.socketfactory.server.ServerFixtures.await;
import static io.agentwire.socketfactory.server.ServerFixtures.client;
import static io.agentwire.socketfactory.server.ServerFixtures.echoOnce;
import static io.agentwire.socketfactory.server.ServerFixtures.echoServer;
import static io.agentwire.socketfactory.server.ServerFixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.socketfactory.AgentWireJsseProvider;
import io.agentwire.testsupport.TestThreads;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Backpressure, closing, idle connections, failing handlers, the builder's checks. */
@Timeout(120)
class AgentServerFlowTest {

  @Test
  void aClientThatWritesButNeverReadsCannotMakeTheServerBufferBeyondItsBound() throws Exception {
    int limit = 64 * 1024;
    // One read takes at most two packets of input, so the queue overshoots the limit by at most
    // about that much before reading stops.
    int bound = limit + 2 * 16_645 + 4096;
    ExecutorService pool = TestThreads.daemonPool("no-reader");
    try (AgentServer server = echoServer().maxQueuedBytesPerConnection(limit).build().start()) {
      byte[] payload = new byte[10 * 1024 * 1024];
      new Random(7).nextBytes(payload);
      try (SSLSocket s = client(server)) {
        s.setSoTimeout(30_000);
        AtomicLong written = new AtomicLong();
        Future<?> writer =
            pool.submit(
                () -> {
                  for (int off = 0; off < payload.length; off += 8192) {
                    s.getOutputStream().write(payload, off, 8192);
                    written.addAndGet(8192);
                  }
                  s.getOutputStream().flush();
                  s.shutdownOutput();
                  return null;
                });
        // The writer stalls, because the server stops reading once the echo queue is full.
        long before;
        long after;
        do {
          before = written.get();
          Thread.sleep(500);
          after = written.get();
        } while (after != before);
        assertTrue(after < payload.length, "the writer is held back: " + after);
        AgentServer.Stats stalled = server.stats();
        assertTrue(stalled.queuedBytes() > limit / 2, stalled.toString());
        assertTrue(stalled.maxQueuedBytes() <= bound, stalled.toString());
        // The client reads at last: everything comes back, and the writer finishes.
        byte[] echoed = readAll(s.getInputStream());
        writer.get(30, TimeUnit.SECONDS);
        assertArrayEquals(payload, echoed);
      }
      AgentServer.Stats s = server.stats();
      assertTrue(s.maxQueuedBytes() <= bound, s.toString());
      assertTrue(await(Duration.ofSeconds(5), () -> server.stats().queuedBytes() == 0));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aHandlerWriterThatWaitsForWritableIsPacedBySlowPeers() throws Exception {
    int limit = 32 * 1024;
    int total = 4 * 1024 * 1024;
    try (AgentServer server =
        AgentServer.builder(SERVER_CONFIG)
            .maxQueuedBytesPerConnection(limit)
            .handler(
                new ConnectionHandler() {
                  int sent;

                  @Override
                  public void onOpen(AgentConnection c) {
                    onWritable(c);
                  }

                  @Override
                  public void onWritable(AgentConnection c) {
                    // A producer: writes while writable, then waits to be called again.
                    while (c.isWritable() && sent < total) {
                      c.write(ByteBuffer.wrap(new byte[8192]));
                      sent += 8192;
                    }
                    if (sent >= total) {
                      c.close();
                    }
                  }

                  @Override
                  public void onData(AgentConnection c, ByteBuffer data) {}
                })
            .build()
            .start()) {
      try (SSLSocket s = client(server)) {
        s.startHandshake();
        Thread.sleep(300); // let the server fill its queue
        assertTrue(
            server.stats().maxQueuedBytes() <= limit + 16_645 + 1024, server.stats().toString());
        InputStream in = s.getInputStream();
        long n = in.transferTo(java.io.OutputStream.nullOutputStream());
        assertEquals(total, n);
      }
    }
  }

  @Test
  void closingTheServerClosesEveryConnectionCleanlyAndStopsAccepting() throws Exception {
    CompletableFuture<Throwable> closed = new CompletableFuture<>();
    AgentServer server =
        AgentServer.builder(SERVER_CONFIG)
            .handler(
                new ConnectionHandler() {
                  @Override
                  public void onData(AgentConnection c, ByteBuffer data) {
                    c.write(data);
                  }

                  @Override
                  public void onClose(AgentConnection c, Throwable cause) {
                    closed.complete(cause == null ? new Throwable("clean") : cause);
                  }
                })
            .build()
            .start();
    int port = server.port();
    try (SSLSocket s = client(server)) {
      s.getOutputStream().write(1);
      s.getOutputStream().flush();
      assertEquals(1, s.getInputStream().read());
      server.close();
      assertFalse(server.isRunning());
      assertEquals(-1, s.getInputStream().read(), "the authenticated close, not a truncation");
      assertEquals("clean", closed.get(5, TimeUnit.SECONDS).getMessage());
    }
    server.close(); // idempotent
    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    assertThrows(IllegalStateException.class, server::start);
  }

  @Test
  void aConnectionClosedByItsHandlerDeliversWhatWasWrittenThenTheClose() throws Exception {
    CompletableFuture<Boolean> writeAfterClose = new CompletableFuture<>();
    try (AgentServer server =
        AgentServer.builder(SERVER_CONFIG)
            .handler(
                (c, data) -> {
                  c.write(ByteBuffer.wrap("bye".getBytes(StandardCharsets.UTF_8)));
                  c.close();
                  writeAfterClose.complete(c.write(ByteBuffer.wrap(new byte[1])));
                  assertFalse(c.isOpen());
                })
            .build()
            .start()) {
      try (SSLSocket s = client(server)) {
        s.getOutputStream().write("hi".getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        assertEquals("bye", new String(readAll(s.getInputStream()), StandardCharsets.UTF_8));
      }
      assertFalse(writeAfterClose.get(5, TimeUnit.SECONDS), "a write after close is dropped");
      assertEquals(0, server.stats().connectionFailures());
    }
  }

  @Test
  void theIdleTimeoutClosesQuietConnectionsOnly() throws Exception {
    CompletableFuture<Throwable> cause = new CompletableFuture<>();
    try (AgentServer server =
        AgentServer.builder(SERVER_CONFIG)
            .idleTimeout(Duration.ofMillis(400))
            .handler(
                new ConnectionHandler() {
                  @Override
                  public void onData(AgentConnection c, ByteBuffer data) {
                    c.write(data);
                  }

                  @Override
                  public void onClose(AgentConnection c, Throwable t) {
                    cause.complete(t);
                  }
                })
            .build()
            .start()) {
      try (SSLSocket s = client(server)) {
        // Busy for longer than the timeout: kept.
        for (int i = 0; i < 8; i++) {
          s.getOutputStream().write(i);
          s.getOutputStream().flush();
          assertEquals(i, s.getInputStream().read());
          Thread.sleep(100);
        }
        // Then quiet: closed with the authenticated close.
        long t0 = System.nanoTime();
        assertEquals(-1, s.getInputStream().read());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 300 && ms < 3000, "closed after " + ms + " ms");
      }
      assertInstanceOf(SocketTimeoutException.class, cause.get(5, TimeUnit.SECONDS));
      assertEquals(1, server.stats().idleTimeouts());
    }
  }

  @Test
  void aThrowingHandlerClosesOnlyItsConnection() throws Exception {
    try (AgentServer server =
        AgentServer.builder(SERVER_CONFIG)
            .handler(
                (c, data) -> {
                  if (data.get(0) == 'x') {
                    throw new IllegalStateException("handler bug");
                  }
                  c.write(data);
                })
            .build()
            .start()) {
      try (SSLSocket bad = client(server)) {
        bad.getOutputStream().write('x');
        bad.getOutputStream().flush();
        assertThrows(IOException.class, () -> bad.getInputStream().read(), "truncated");
      }
      assertEquals("fine", echoOnce(server, "fine"));
      assertEquals(1, server.stats().handlerFailures());
      assertEquals(1, server.stats().connectionFailures());
    }
  }

  @Test
  void theBuilderChecksWhatItIsGiven() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> AgentServer.builder(SERVER_CONFIG).build());
    AgentServer.Builder b = echoServer();
    assertThrows(IllegalArgumentException.class, () -> b.maxConcurrentHandshakes(0));
    assertThrows(IllegalArgumentException.class, () -> b.maxConnections(0));
    assertThrows(IllegalArgumentException.class, () -> b.handshakeTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> b.idleTimeout(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> b.handshakeStallTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> b.maxQueuedBytesPerConnection(10));
    assertThrows(IllegalArgumentException.class, () -> b.backlog(0));
    assertThrows(NullPointerException.class, () -> b.bind(null));
    assertThrows(NullPointerException.class, () -> b.handler(null));
    SSLContext uninitialised = SSLContext.getInstance("AgentWire", new AgentWireJsseProvider());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> AgentServer.builder(uninitialised).handler(ServerFixtures.ECHO).build());
    assertTrue(e.getMessage().contains("cannot create engines"), e.getMessage());
    AgentServer notStarted = b.build();
    assertThrows(IllegalStateException.class, notStarted::port);
    notStarted.close();
    // Binding a port in use fails in start, with the reason.
    try (AgentServer first = echoServer().build().start()) {
      AgentServer second = echoServer().bind(address(first)).build();
      assertThrows(IOException.class, second::start);
    }
  }
}
