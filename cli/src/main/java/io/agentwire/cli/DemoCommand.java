package io.agentwire.cli;

import io.agentwire.socketfactory.AgentServerSocketFactory;
import io.agentwire.socketfactory.AgentSession;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.AgentSocketFactory;
import io.agentwire.socketfactory.RekeyPolicy;
import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerTrustStore;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import picocli.CommandLine.Command;

/**
 * {@code agentwire demo}: two agents in one process over loopback. They create identities, meet
 * (XX, trust on first use pins each key), reconnect with the pinned key (IK), talk both ways
 * through rekeys and Diffie-Hellman steps, and reject a message a man in the middle altered. Then
 * five agents form an MLS group ({@link DemoGroupAct}).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Watch two agents authenticate each other and talk, in one process over loopback; then"
            + " five agents in an MLS group.")
final class DemoCommand implements Callable<Integer> {

  private final List<String[]> summary = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("agentwire-demo");
    try {
      return run(dir);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private int run(Path dir) throws Exception {
    say("AgentWire demo: two agents, alice (client) and bob (server), on 127.0.0.1");
    long t = System.nanoTime();
    AgentIdentity alice = AgentIdentity.generate();
    AgentIdentity bob = AgentIdentity.generate();
    alice.save(dir.resolve("alice.pem"));
    bob.save(dir.resolve("bob.pem"));
    step("1. identities", t, "alice " + alice.fingerprint() + ", bob " + bob.fingerprint());

    PeerTrustStore aliceTrust = PeerTrustStore.open(dir.resolve("alice_known_agents"), true);
    PeerTrustStore bobTrust = PeerTrustStore.open(dir.resolve("bob_known_agents"), true);
    RekeyPolicy lively = RekeyPolicy.of(4, 1 << 20, Duration.ofMillis(20));
    AgentSocketConfig bobConfig =
        AgentSocketConfig.builder()
            .identity(bob)
            .peerVerifier(bobTrust)
            .rekeyPolicy(lively)
            .build();
    AgentSocketConfig aliceConfig =
        AgentSocketConfig.builder()
            .identity(alice)
            .peerVerifier(aliceTrust)
            .rekeyPolicy(lively)
            .build();
    AgentSocketFactory aliceSockets = new AgentSocketFactory(aliceConfig);

    try (ServerSocket bobServer =
        new AgentServerSocketFactory(bobConfig)
            .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread bobThread = new Thread(() -> bobServes(bobServer), "bob");
      bobThread.setDaemon(true);
      bobThread.start();
      int port = bobServer.getLocalPort();

      t = System.nanoTime();
      try (SSLSocket s = (SSLSocket) aliceSockets.createSocket("127.0.0.1", port)) {
        s.startHandshake();
        AgentSession session = (AgentSession) s.getSession();
        step(
            "2. first contact",
            t,
            session.getCipherSuite()
                + "; alice pinned bob as "
                + session.peer().orElseThrow().fingerprint()
                + "; channel binding "
                + HexFormat.of().formatHex(session.getHandshakeHash(), 0, 8)
                + "...");
        t = System.nanoTime();
        String reply = ask(s, "hello bob, this is alice");
        step(
            "3. messages both ways",
            t,
            "alice -> bob 'hello bob, this is alice'; bob -> alice '" + reply + "'");
      }

      t = System.nanoTime();
      try (SSLSocket s = (SSLSocket) aliceSockets.createSocket("127.0.0.1", port)) {
        s.startHandshake();
        step(
            "4. reconnect",
            t,
            s.getSession().getCipherSuite()
                + ": alice already knows bob's key, so one round trip fewer; bob recognises alice");
        t = System.nanoTime();
        int n = 40;
        for (int i = 0; i < n; i++) {
          ask(s, "message " + i);
          if (i % 10 == 9) {
            Thread.sleep(25); // let the DH interval pass
          }
        }
        step(
            "5. rekeys and DH steps",
            t,
            n
                + " round trips under a policy of a rekey every 4 records and a DH step every 20"
                + " ms; every message decrypted with renewed keys");
      }

      t = System.nanoTime();
      String outcome = tamperedMessage(aliceSockets, port);
      step("6. tampered message", t, outcome);
    }
    say("");
    say("Five agents in an MLS group (RFC 9420, suite 1): ada, bo, cy, di and eve");
    boolean group = DemoGroupAct.run(this::step, 7);
    say("");
    say("Summary");
    for (String[] row : summary) {
      say(
          String.format(
              "  %-24s %9s  %s",
              row[0], row[1], row[2].length() > 90 ? row[2].substring(0, 87) + "..." : row[2]));
    }
    say("");
    say("Both agents proved their static keys; no certificate authority was involved.");
    if (group) {
      say("The group rekeyed with one commit per change; the removed agent read nothing after.");
    }
    return Main.OK;
  }

  /** Bob answers every message with "bob heard: <message>", one connection at a time. */
  private static void bobServes(ServerSocket server) {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        while (true) {
          String m;
          try {
            m = in.readUTF();
          } catch (java.io.EOFException e) {
            break;
          }
          out.writeUTF("bob heard: " + m);
        }
      } catch (SSLException e) {
        lastBobFailure = e.getMessage();
      } catch (IOException e) {
        // the server socket closed, or the demo moved on
      }
    }
  }

  private static volatile String lastBobFailure;

  private static String ask(Socket s, String message) throws IOException {
    DataOutputStream out = new DataOutputStream(s.getOutputStream());
    out.writeUTF(message);
    return new DataInputStream(s.getInputStream()).readUTF();
  }

  /**
   * Alice connects through a relay that flips one bit of the first application record it forwards;
   * bob must refuse that record.
   */
  private static String tamperedMessage(AgentSocketFactory alice, int bobPort) throws Exception {
    lastBobFailure = null;
    try (ServerSocket relay = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t =
          new Thread(
              () -> {
                try (Socket a = relay.accept();
                    Socket b = new Socket(InetAddress.getLoopbackAddress(), bobPort)) {
                  InputStream fromBob = b.getInputStream();
                  Thread back = new Thread(() -> copyQuietly(fromBob, a), "relay-back");
                  back.setDaemon(true);
                  back.start();
                  InputStream in = a.getInputStream();
                  OutputStream out = b.getOutputStream();
                  // Frames: the IK hello, then alice's first record; flip a bit in the record.
                  // Each frame is a 5-byte TLS-shaped header (type, 3.3, u16 body length), then
                  // the body (docs/PROTOCOL.md section 1).
                  for (int frame = 0; ; frame++) {
                    byte[] header = in.readNBytes(5);
                    if (header.length < 5) {
                      break;
                    }
                    byte[] body = in.readNBytes(((header[3] & 0xff) << 8) | (header[4] & 0xff));
                    if (frame == 1) {
                      body[body.length / 2] ^= 0x01;
                    }
                    out.write(header);
                    out.write(body);
                  }
                } catch (IOException e) {
                  // one side closed
                }
              },
              "relay");
      t.setDaemon(true);
      t.start();
      try (SSLSocket s = (SSLSocket) alice.createSocket("127.0.0.1", relay.getLocalPort())) {
        s.setSoTimeout(5000);
        try {
          ask(s, "transfer 100 credits to mallory");
          return "NOT DETECTED: the altered message was accepted";
        } catch (IOException expected) {
          // bob ended the connection
        }
      }
      for (int i = 0; i < 100 && lastBobFailure == null; i++) {
        Thread.sleep(10);
      }
      return "bob refused it: " + lastBobFailure;
    }
  }

  private static void copyQuietly(InputStream in, Socket to) {
    try {
      Pump.copy(in, to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException e) {
      // done
    }
  }

  private void step(String name, long startNanos, String detail) {
    String ms = String.format("%.1f ms", (System.nanoTime() - startNanos) / 1e6);
    summary.add(new String[] {name, ms, detail});
    say(String.format("%-24s %9s  %s", name, ms, detail));
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
