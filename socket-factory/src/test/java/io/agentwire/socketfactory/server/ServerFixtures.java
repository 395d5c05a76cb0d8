package io.agentwire.socketfactory.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.AgentSocketFactory;
import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLSocket;

/** Identities, configurations and clients shared by the AgentServer tests. */
final class ServerFixtures {

  static final AgentIdentity SERVER = AgentIdentity.generate();
  static final AgentIdentity CLIENT = AgentIdentity.generate();

  static final AgentSocketConfig SERVER_CONFIG =
      AgentSocketConfig.builder()
          .identity(SERVER)
          .peerVerifier(PeerVerifier.onlyKey(CLIENT.publicKey()))
          .build();

  static final AgentSocketConfig CLIENT_CONFIG =
      AgentSocketConfig.builder()
          .identity(CLIENT)
          .peerVerifier(PeerVerifier.onlyKey(SERVER.publicKey()))
          .build();

  static final ConnectionHandler ECHO = (c, data) -> c.write(data);

  private ServerFixtures() {}

  static AgentServer.Builder echoServer() {
    return AgentServer.builder(SERVER_CONFIG).handler(ECHO);
  }

  static SSLSocket client(AgentServer server) throws IOException {
    return client(server, CLIENT_CONFIG);
  }

  static SSLSocket client(AgentServer server, AgentSocketConfig config) throws IOException {
    SSLSocket s =
        (SSLSocket) new AgentSocketFactory(config).createSocket("127.0.0.1", server.port());
    s.setSoTimeout(20_000);
    return s;
  }

  /** Connects, handshakes, sends {@code text}, half-closes and returns everything echoed. */
  static String echoOnce(AgentServer server, String text) throws IOException {
    try (SSLSocket s = client(server)) {
      s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      s.shutdownOutput();
      return new String(readAll(s.getInputStream()), StandardCharsets.UTF_8);
    }
  }

  /** Connects, handshakes and echoes one message, keeping the connection; the time it took. */
  static Duration timedEcho(AgentServer server) throws IOException {
    long t0 = System.nanoTime();
    try (SSLSocket s = client(server)) {
      s.setSoTimeout(5_000);
      byte[] msg = "ping".getBytes(StandardCharsets.UTF_8);
      s.getOutputStream().write(msg);
      s.getOutputStream().flush();
      byte[] got = s.getInputStream().readNBytes(msg.length);
      assertEquals("ping", new String(got, StandardCharsets.UTF_8));
      return Duration.ofNanos(System.nanoTime() - t0);
    }
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

  static InetSocketAddress address(AgentServer server) {
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  /** Waits up to {@code timeout} for {@code condition}; returns whether it became true. */
  static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(5);
    }
    return condition.getAsBoolean();
  }
}
