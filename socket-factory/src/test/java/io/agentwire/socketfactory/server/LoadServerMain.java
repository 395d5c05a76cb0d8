package io.agentwire.socketfactory.server;

import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.FailureReason;
import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An echo AgentServer in its own JVM, for {@link AgentServerLoadTest}: so the test can read the
 * server's own memory and threads from {@code /proc}, and the file descriptors of the two sides
 * come from two processes. Arguments: the identity file, the handshake timeout in milliseconds, the
 * connection limit. Prints {@code listening on HOST:PORT} on stderr, then answers stdin: {@code
 * stats N} with a {@code stats N ...} line, {@code gc N} with {@code gc N done} after a full
 * collection. Ends when stdin does.
 */
public final class LoadServerMain {

  private LoadServerMain() {}

  public static void main(String[] args) throws Exception {
    AgentIdentity identity = AgentIdentity.load(Path.of(args[0]));
    AgentSocketConfig config =
        AgentSocketConfig.builder().identity(identity).peerVerifier(PeerVerifier.anyPeer()).build();
    try (AgentServer server =
        AgentServer.builder(config)
            .handler((c, data) -> c.write(data))
            .handshakeTimeout(Duration.ofMillis(Long.parseLong(args[1])))
            .maxConnections(Integer.parseInt(args[2]))
            .build()
            .start()) {
      System.err.println("listening on 127.0.0.1:" + server.port());
      System.err.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] words = line.strip().split(" ");
        if (words[0].equals("stats")) {
          AgentServer.Stats s = server.stats();
          System.err.println(
              "stats "
                  + words[1]
                  + " open="
                  + s.openConnections()
                  + " inHandshake="
                  + s.handshakesInProgress()
                  + " slots="
                  + s.handshakeSlotsInUse()
                  + " waiting="
                  + s.waitingForSlot()
                  + " established="
                  + s.established()
                  + " completed="
                  + s.handshakesCompleted()
                  + " timeouts="
                  + s.failures(FailureReason.HANDSHAKE_TIMEOUT)
                  + " peerClosed="
                  + s.failures(FailureReason.PEER_CLOSED)
                  + " failed="
                  + s.handshakesFailed()
                  + " evicted="
                  + (s.evictedForCapacity() + s.evictedStalled())
                  + " rejected="
                  + s.rejectedForCapacity());
        } else if (words[0].equals("gc")) {
          System.gc();
          Thread.sleep(200);
          System.gc();
          System.err.println("gc " + words[1] + " done");
        }
        System.err.flush();
      }
    }
  }
}
