package io.agentwire.socketfactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import io.agentwire.socketfactory.internal.protocol.WireFormat;
import io.agentwire.testsupport.EchoServer;
import io.agentwire.testsupport.MitmProxy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What version 2's frames add, over real sockets ({@code docs/PROTOCOL.md} sections 1 and 6): a
 * server knows TLS, plain text and version 1 clients from their first bytes and drops them at once
 * instead of at the handshake timeout; every transport frame header is checked as it arrives; big
 * writes leave as TLS-shaped records of at most 2^14 + 256 bytes.
 */
@Timeout(60)
class WireFramingSocketTest {

  private static final AgentIdentity SERVER = AgentIdentity.generate();
  private static final AgentIdentity CLIENT = AgentIdentity.generate();

  /** Well under the default 10 s handshake timeout, which the servers here keep. */
  private static final long QUICK_MS = 3000;

  private static AgentSocketConfig server() {
    return AgentSocketConfig.builder()
        .identity(SERVER)
        .peerVerifier(PeerVerifier.anyPeer())
        .build();
  }

  private static AgentSocketConfig client() {
    return AgentSocketConfig.builder()
        .identity(CLIENT)
        .peerVerifier(PeerVerifier.anyPeer())
        .build();
  }

  /** A failure the server recorded, with how long its handshake ran. */
  record ServerFailure(Throwable error, long millis) {}

  /** An AgentWire server that echoes and records each failed connection and its duration. */
  private static EchoServer recordingServer(List<ServerFailure> failed) throws IOException {
    return new EchoServer(
        new AgentServerSocketFactory(server()),
        s -> {
          long t0 = System.nanoTime();
          try {
            EchoServer.ECHO.serve(s);
          } catch (Exception e) {
            failed.add(new ServerFailure(e, (System.nanoTime() - t0) / 1_000_000));
            throw e;
          }
        });
  }

  private static ServerFailure onlyFailure(EchoServer es, List<ServerFailure> failed)
      throws InterruptedException {
    es.awaitEnded(1);
    assertEquals(1, failed.size(), "server failures: " + es.failures);
    return failed.get(0);
  }

  private static void assertServerReason(ServerFailure f, FailureReason reason, String says) {
    AgentHandshakeException e =
        assertInstanceOf(AgentHandshakeException.class, f.error(), String.valueOf(f.error()));
    assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(says), e.getMessage());
    assertTrue(f.millis() < QUICK_MS, "the server took " + f.millis() + " ms: " + e.getMessage());
  }

  // ------------------------------------------------------------- first-frame recognition

  @ParameterizedTest
  @ValueSource(strings = {"TLS", "TLSv1.2"})
  void aJdkTlsClientIsToldApartAtItsFirstRecordAndFailsQuickly(String tls) throws Exception {
    List<ServerFailure> failed = new CopyOnWriteArrayList<>();
    try (EchoServer es = recordingServer(failed)) {
      SSLContext ctx = SSLContext.getInstance(tls, "SunJSSE");
      ctx.init(null, null, null);
      try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", es.port())) {
        s.setSoTimeout(20_000);
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class, s::startHandshake);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < QUICK_MS, "the TLS client failed only after " + ms + " ms: " + e);
      }
      // SunJSSE puts record version 3.3 on its ClientHello, so the header passes and the body,
      // a ClientHello (handshake type 1) rather than an 'AW' hello, names TLS (PROTOCOL.md 6).
      assertServerReason(onlyFailure(es, failed), FailureReason.NOT_AGENTWIRE, "speaks TLS");
    }
  }

  @Test
  void plainTextIsToldApartAtItsFirstBytes() throws Exception {
    assertRawClientRefused(
        "GET / HTTP/1.1\r\nHost: agent\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
        FailureReason.NOT_AGENTWIRE,
        "plain text");
  }

  @Test
  void aVersionOneHelloIsAnUnsupportedVersionAtItsFirstBytes() throws Exception {
    byte[] name = "Noise_XX_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);
    // version 1: u16 length || 'A' 'W' 1 || flags 0 || name_len || name || message 1 (e)
    byte[] v1 = new byte[2 + 5 + name.length + 32];
    v1[1] = (byte) (v1.length - 2);
    v1[2] = 'A';
    v1[3] = 'W';
    v1[4] = 1;
    v1[6] = (byte) name.length;
    System.arraycopy(name, 0, v1, 7, name.length);
    assertRawClientRefused(v1, FailureReason.UNSUPPORTED_VERSION, "version 1");
  }

  /** A plain TCP client sends {@code first} and waits: the server must drop it at once. */
  private static void assertRawClientRefused(byte[] first, FailureReason reason, String says)
      throws Exception {
    List<ServerFailure> failed = new CopyOnWriteArrayList<>();
    try (EchoServer es = recordingServer(failed);
        Socket s = new Socket(InetAddress.getLoopbackAddress(), es.port())) {
      s.setSoTimeout(20_000);
      long t0 = System.nanoTime();
      s.getOutputStream().write(first);
      try {
        s.getInputStream().readAllBytes(); // whatever the server says, then its close
      } catch (SocketTimeoutException e) {
        throw new AssertionError("still connected after 20 s", e);
      } catch (IOException reset) {
        // dropped as well
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < QUICK_MS, "dropped only after " + ms + " ms");
      assertServerReason(onlyFailure(es, failed), reason, says);
    }
  }

  // ------------------------------------------------------- frame headers after the handshake

  /** Alterations of the first transport frame's header, each a protocol error at once. */
  enum BadHeader {
    HANDSHAKE_TYPE(f -> set(f, 0, WireFormat.TYPE_HANDSHAKE)),
    LEGACY_VERSION_3_1(f -> set(f, 2, 1)),
    LENGTH_16641(f -> length(f, WireFormat.MAX_BODY + 1)),
    LENGTH_0(f -> concat(length(Arrays.copyOf(f, WireFormat.HEADER_BYTES), 0), f));

    final UnaryOperator<byte[]> edit;

    BadHeader(UnaryOperator<byte[]> edit) {
      this.edit = edit;
    }

    private static byte[] set(byte[] f, int at, int value) {
      byte[] g = f.clone();
      g[at] = (byte) value;
      return g;
    }

    private static byte[] length(byte[] f, int length) {
      byte[] g = f.clone();
      g[3] = (byte) (length >>> 8);
      g[4] = (byte) length;
      return g;
    }
  }

  @ParameterizedTest
  @EnumSource(BadHeader.class)
  void aBadTransportFrameHeaderToTheServerIsMalformedAndEndsTheConnection(BadHeader bad)
      throws Exception {
    // Client to server in XX: 0 the hello, 1 message 3, 2 the first data record.
    List<ServerFailure> failed = new CopyOnWriteArrayList<>();
    try (EchoServer es = recordingServer(failed);
        MitmProxy proxy =
            new MitmProxy(
                es.port(),
                HostileInputTest.frames((i, f) -> List.of(i == 2 ? bad.edit.apply(f) : f)),
                MitmProxy.pass());
        Socket s = new AgentSocketFactory(client()).createSocket("127.0.0.1", proxy.port())) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
      IOException clientSide = assertThrows(IOException.class, () -> readAll(s.getInputStream()));
      assertNotNull(clientSide);
      ServerFailure f = onlyFailure(es, failed);
      AgentProtocolException e =
          assertInstanceOf(AgentProtocolException.class, f.error(), String.valueOf(f.error()));
      assertEquals(FailureReason.MALFORMED, e.reason(), e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(BadHeader.class)
  void aBadTransportFrameHeaderToTheClientIsMalformedAndEndsTheConnection(BadHeader bad)
      throws Exception {
    // Server to client in XX: 0 the response with message 2, 1 the first echoed record.
    try (EchoServer es = new EchoServer(new AgentServerSocketFactory(server()), EchoServer.ECHO);
        MitmProxy proxy =
            new MitmProxy(
                es.port(),
                MitmProxy.pass(),
                HostileInputTest.frames((i, f) -> List.of(i == 1 ? bad.edit.apply(f) : f)));
        Socket s = new AgentSocketFactory(client()).createSocket("127.0.0.1", proxy.port())) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
      AgentProtocolException e =
          assertThrows(AgentProtocolException.class, () -> readAll(s.getInputStream()));
      assertEquals(FailureReason.MALFORMED, e.reason(), e.getMessage());
      // The connection is over: the failure stays, it does not turn into data or an end of file.
      SSLException again = assertThrows(SSLException.class, () -> s.getInputStream().read());
      assertEquals(Optional.of(FailureReason.MALFORMED), FailureReason.of(again), again.toString());
      s.close();
      es.awaitEnded(1);
      assertEquals(1, es.served.get() + es.failures.size(), "the server's connection ended");
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    return in.readAllBytes();
  }

  // -------------------------------------------------------------------- big writes, split

  @Test
  void a100KibWriteArrivesIntactAsTlsShapedRecordsOfAtMost16640Bytes() throws Exception {
    List<byte[]> c2s = new CopyOnWriteArrayList<>();
    List<byte[]> s2c = new CopyOnWriteArrayList<>();
    byte[] sent = new byte[100 * 1024];
    new Random(100).nextBytes(sent);
    try (EchoServer es = new EchoServer(new AgentServerSocketFactory(server()), EchoServer.ECHO);
        MitmProxy proxy = new MitmProxy(es.port(), recordHeaders(c2s), recordHeaders(s2c));
        Socket s = new AgentSocketFactory(client()).createSocket("127.0.0.1", proxy.port())) {
      s.setSoTimeout(20_000);
      CompletableFuture<byte[]> echoed =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return s.getInputStream().readAllBytes();
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      s.getOutputStream().write(sent); // one write
      s.shutdownOutput();
      assertArrayEquals(sent, echoed.get(20, TimeUnit.SECONDS));
      es.awaitEnded(1);
      assertEquals(List.of(), es.failures);
    }
    // XX: the client sends 2 handshake frames, the server 1; every other frame is transport.
    assertFrames("client->server", c2s, 2, sent.length);
    assertFrames("server->client", s2c, 1, sent.length);
  }

  /** Passes every frame on, keeping its header. */
  private static MitmProxy.Direction recordHeaders(List<byte[]> headers) {
    return HostileInputTest.frames(
        (i, f) -> {
          headers.add(Arrays.copyOf(f, WireFormat.HEADER_BYTES));
          return List.of(f);
        });
  }

  private static void assertFrames(String dir, List<byte[]> headers, int handshake, int data) {
    int transport = 0;
    for (int i = 0; i < headers.size(); i++) {
      byte[] h = headers.get(i);
      int type = i < handshake ? WireFormat.TYPE_HANDSHAKE : WireFormat.TYPE_TRANSPORT;
      String what = dir + " frame " + i + ": " + Arrays.toString(h);
      assertEquals(type, h[0] & 0xff, what);
      assertEquals(WireFormat.LEGACY_VERSION_MAJOR, h[1], what);
      assertEquals(WireFormat.LEGACY_VERSION_MINOR, h[2], what);
      int length = ((h[3] & 0xff) << 8) | (h[4] & 0xff);
      assertTrue(length >= 1 && length <= WireFormat.MAX_BODY, what);
      if (type == WireFormat.TYPE_TRANSPORT) {
        transport++;
      }
    }
    // DATA records carry at most 2^14 bytes, so the data needs this many records at least, and
    // the close one more.
    int records = (data + WireFormat.MAX_DATA - 1) / WireFormat.MAX_DATA;
    assertTrue(transport >= records + 1, dir + ": " + transport + " transport frames");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
