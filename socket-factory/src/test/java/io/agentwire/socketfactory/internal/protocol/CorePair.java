package io.agentwire.socketfactory.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.socketfactory.AgentSocketConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * A client and a server {@link ConnectionCore} joined in memory, with no sockets: each delivery
 * moves one side's outbound bytes into the other and processes them, so a test decides exactly how
 * records interleave. The one pump for every test of the I/O-free core.
 */
final class CorePair {

  /** Sees the bytes of every delivery before the receiver does. */
  interface Wire {
    void carried(boolean fromClient, byte[] bytes);
  }

  final ConnectionCore client;
  final ConnectionCore server;
  private final Wire wire;

  CorePair(AgentSocketConfig clientConfig, AgentSocketConfig serverConfig) {
    this(clientConfig, serverConfig, (fromClient, bytes) -> {});
  }

  CorePair(AgentSocketConfig clientConfig, AgentSocketConfig serverConfig, Wire wire) {
    client =
        new ConnectionCore(
            new ConnectionSettings(
                clientConfig, true, "127.0.0.1", false, clientConfig.cipherSuites(), true));
    server =
        new ConnectionCore(
            new ConnectionSettings(
                serverConfig, false, null, false, serverConfig.cipherSuites(), true));
    this.wire = wire;
  }

  /** Runs the handshake to completion on both sides. */
  void handshake() throws IOException {
    client.beginHandshake();
    server.beginHandshake();
    for (int i = 0; i < 4 && !(client.isHandshakeComplete() && server.isHandshakeComplete()); i++) {
      deliver(true);
      deliver(false);
    }
    assertTrue(client.isHandshakeComplete() && server.isHandshakeComplete());
  }

  /**
   * Moves the client's ({@code fromClient}) or the server's outbound bytes into the other side and
   * processes them; returns the application data that came out.
   */
  byte[] deliver(boolean fromClient) throws IOException {
    ConnectionCore from = fromClient ? client : server;
    ConnectionCore to = fromClient ? server : client;
    byte[] bytes = Arrays.copyOf(from.outboundArray(), from.outboundLength());
    from.outboundDrained();
    wire.carried(fromClient, bytes);
    to.feed(bytes, 0, bytes.length);
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    while (true) {
      if (to.plainAvailable() > 0) {
        byte[] b = new byte[to.plainAvailable()];
        data.write(b, 0, to.readPlain(b, 0, b.length));
        continue;
      }
      if (to.unwrap() == ConnectionCore.Event.NEED_INPUT) {
        return data.toByteArray();
      }
    }
  }
}
