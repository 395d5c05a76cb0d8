package io.agentwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentwire.testsupport.ChildProcess;
import io.agentwire.testsupport.NoiseJavaKeys;
import io.agentwire.testsupport.NoiseJavaPeer;
import io.agentwire.testsupport.NoisePeer;
import io.agentwire.testsupport.Openssl;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real jar, run as a user runs it. */
@Timeout(120)
class CliIT {

  @TempDir Path dir;

  private static String field(String output, String name) {
    for (String line : output.split("\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).strip();
      }
    }
    throw new AssertionError("no '" + name + "' in: " + output);
  }

  @Test
  void keygenAndPubkeyAgreeWithEachOtherAndWithOpenssl() throws Exception {
    Path key = dir.resolve("agent.pem");
    Cli gen = Cli.keygen(key);
    assertEquals(0, gen.exit(), gen.err());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    Cli pub = Cli.run("", "pubkey", "-k", key.toString());
    assertEquals(0, pub.exit(), pub.err());
    assertEquals(field(gen.out(), "public key"), field(pub.out(), "public key"));
    assertEquals(field(gen.out(), "fingerprint"), field(pub.out(), "fingerprint"));

    Cli again = Cli.keygen(key);
    assertEquals(2, again.exit(), "refuses to overwrite: " + again.err());
    assertTrue(again.err().contains("exists"), again.err());

    assumeTrue(
        Openssl.installed(), "openssl is not installed: skipping the openssl half of this test");
    Path made = dir.resolve("openssl.pem");
    ChildProcess p =
        Openssl.run(null, true, "genpkey", "-algorithm", "X25519", "-out", made.toString());
    assertEquals(0, p.exitValue());
    ChildProcess der =
        Openssl.run(null, false, "pkey", "-in", made.toString(), "-pubout", "-outform", "DER");
    byte[] spki = der.outBytes();
    assertEquals(0, der.exitValue());
    String expected =
        java.util.Base64.getEncoder().encodeToString(Arrays.copyOfRange(spki, 12, spki.length));
    Cli fromOpenssl = Cli.run("", "pubkey", "-k", made.toString());
    assertEquals(0, fromOpenssl.exit(), fromOpenssl.err());
    assertEquals(expected, field(fromOpenssl.out(), "public key"));
    // And openssl reads ours.
    ChildProcess ours = Openssl.run(null, false, "pkey", "-in", key.toString(), "-noout");
    assertEquals(0, ours.exitValue(), ours.err());
  }

  @Test
  void listenAndConnectEchoOverLoopbackWithPinnedKeys() throws Exception {
    Path server = dir.resolve("server.pem");
    Path client = dir.resolve("client.pem");
    String serverKey = field(Cli.keygen(server).out(), "public key");
    String clientFingerprint = field(Cli.keygen(client).out(), "fingerprint");
    try (Cli listen =
        Cli.start("listen", "--port", "0", "--key", server.toString(), "--echo", "--any-peer")) {
      String port = listen.awaitPort();
      Cli connect =
          Cli.run(
              "hello over noise\nsecond line\n",
              "connect",
              "127.0.0.1:" + port,
              "--key",
              client.toString(),
              "--peer-key",
              serverKey);
      assertEquals(0, connect.exit(), connect.err());
      assertEquals("hello over noise\nsecond line\n", connect.out());
      assertTrue(connect.err().contains("Noise_IK_25519"), connect.err());
      String logged = listen.awaitErrLine("connection from 127.0.0.1");
      assertTrue(logged.contains(clientFingerprint), logged);
      String closed =
          listen.awaitErrLine(
              "connection from 127.0.0.1:" + logged.split(":")[1].split(" ")[0] + " closed");
      assertTrue(closed.contains("29 bytes in, 29 bytes out"), closed);
    }
  }

  @Test
  void echoModeReapsSilentConnectionsAndServesARealClientMeanwhile() throws Exception {
    Path server = dir.resolve("server.pem");
    Path client = dir.resolve("client.pem");
    String serverKey = field(Cli.keygen(server).out(), "public key");
    Cli.keygen(client);
    try (Cli listen =
        Cli.start(
            "listen",
            "--port",
            "0",
            "--key",
            server.toString(),
            "--echo",
            "--any-peer",
            "--handshake-timeout",
            "1",
            "--max-handshakes",
            "2",
            "--max-connections",
            "100")) {
      String port = listen.awaitPort();
      java.util.List<Socket> silent = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 20; i++) {
          silent.add(new Socket("127.0.0.1", Integer.parseInt(port)));
        }
        Cli connect =
            Cli.run(
                "through the crowd\n",
                "connect",
                "127.0.0.1:" + port,
                "--key",
                client.toString(),
                "--peer-key",
                serverKey);
        assertEquals(0, connect.exit(), connect.err());
        assertEquals("through the crowd\n", connect.out());
        // Each silent connection is closed by the one-second handshake timeout, and logged.
        for (Socket s : silent) {
          s.setSoTimeout(10_000);
          assertEquals(-1, s.getInputStream().read());
        }
        String failed =
            listen.awaitErrLine(
                "connection from 127.0.0.1:" + silent.get(0).getLocalPort() + " failed");
        assertTrue(failed.contains("no complete AgentWire handshake"), failed);
        assertTrue(failed.contains("within 1000 ms"), failed);
        assertTrue(listen.process.isAlive());
      } finally {
        for (Socket s : silent) {
          s.close();
        }
      }
    }
  }

  @Test
  void netcatModeCarriesStdinBothWaysAndOnceExitsAfterOneConnection() throws Exception {
    Path server = dir.resolve("server.pem");
    Path client = dir.resolve("client.pem");
    String serverKey = field(Cli.keygen(server).out(), "public key");
    Cli.keygen(client);
    try (Cli listen =
        Cli.start("listen", "--port", "0", "--key", server.toString(), "--any-peer", "--once")) {
      try (java.io.OutputStream stdin = listen.process.getOutputStream()) {
        stdin.write("from server\n".getBytes(StandardCharsets.UTF_8));
      }
      String port = listen.awaitPort();
      Cli connect =
          Cli.run(
              "from client\n",
              "connect",
              "127.0.0.1:" + port,
              "--key",
              client.toString(),
              "--peer-key",
              serverKey);
      assertEquals(0, connect.exit(), connect.err());
      assertEquals("from server\n", connect.out());
      assertEquals(0, listen.await(), listen.err());
      assertEquals("from client\n", listen.out());
      assertTrue(listen.err().contains("12 bytes in"), listen.err());
    }
  }

  @Test
  void tofuPinsTheServerThenRefusesAChangedKeyAndTrustOnlyReads() throws Exception {
    Path server = dir.resolve("server.pem");
    Path replacement = dir.resolve("replacement.pem");
    Path client = dir.resolve("client.pem");
    String serverFp = field(Cli.keygen(server).out(), "fingerprint");
    String newFp = field(Cli.keygen(replacement).out(), "fingerprint");
    Cli.keygen(client);
    Path known = dir.resolve("known_agents");
    String port;
    try (Cli listen =
        Cli.start("listen", "--port", "0", "--key", server.toString(), "--echo", "--any-peer")) {
      port = listen.awaitPort();
      Cli first =
          Cli.run(
              "x",
              "connect",
              "127.0.0.1:" + port,
              "--key",
              client.toString(),
              "--tofu",
              known.toString());
      assertEquals(0, first.exit(), first.err());
      assertTrue(Files.readString(known).startsWith("#"), "a trust file was written");
      Cli again =
          Cli.run(
              "y",
              "connect",
              "127.0.0.1:" + port,
              "--key",
              client.toString(),
              "--trust",
              known.toString());
      assertEquals(0, again.exit(), again.err());
      assertTrue(again.err().contains("Noise_IK_"), "the pinned key enables IK: " + again.err());
    }
    try (Cli listen =
        Cli.start(
            "listen", "--port", port, "--key", replacement.toString(), "--echo", "--any-peer")) {
      listen.awaitErrLine("listening on ");
      Cli changed =
          Cli.run(
              "z",
              "connect",
              "127.0.0.1:" + port,
              "--key",
              client.toString(),
              "--trust",
              known.toString());
      assertEquals(1, changed.exit(), changed.err());
      assertTrue(changed.err().contains(serverFp) && changed.err().contains(newFp), changed.err());
    }
  }

  @Test
  void aWrongPinnedKeyFailsWithExitOneNamingBothFingerprints() throws Exception {
    Path server = dir.resolve("server.pem");
    Path client = dir.resolve("client.pem");
    Path other = dir.resolve("other.pem");
    String serverFp = field(Cli.keygen(server).out(), "fingerprint");
    Cli.keygen(client);
    Cli otherGen = Cli.keygen(other);
    try (Cli listen =
        Cli.start("listen", "--port", "0", "--key", server.toString(), "--echo", "--any-peer")) {
      String port = listen.awaitPort();
      Cli connect =
          Cli.run(
              "secret\n",
              "connect",
              "127.0.0.1:" + port,
              "--key",
              client.toString(),
              "--peer-key",
              field(otherGen.out(), "public key"),
              "--protocol",
              "Noise_XX_25519_ChaChaPoly_BLAKE2s");
      assertEquals(1, connect.exit(), connect.err());
      assertEquals("", connect.out());
      assertTrue(connect.err().contains(serverFp), connect.err());
      assertTrue(connect.err().contains(field(otherGen.out(), "fingerprint")), connect.err());
      assertEquals(1, connect.err().strip().split("\n").length, "one line: " + connect.err());
      // The server logged the failure and keeps serving.
      listen.awaitErrLine("connection from 127.0.0.1");
      assertTrue(listen.process.isAlive());
    }
  }

  @Test
  void rawModeTalksToNoiseJava() throws Exception {
    String protocol = "Noise_XX_25519_ChaChaPoly_SHA256";
    Path client = dir.resolve("client.pem");
    Cli.keygen(client);
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread peer =
          new Thread(
              () -> {
                try (Socket s = ss.accept()) {
                  DataInputStream in = new DataInputStream(s.getInputStream());
                  DataOutputStream out = new DataOutputStream(s.getOutputStream());
                  NoisePeer hs =
                      NoiseJavaPeer.create(
                          protocol,
                          false,
                          new byte[] {1, 2, 3},
                          NoiseJavaKeys.generate("25519").privateKey(),
                          null,
                          null);
                  while (!hs.isComplete()) {
                    if (hs.writesNext()) {
                      byte[] m = hs.write(new byte[0]);
                      out.writeShort(m.length);
                      out.write(m);
                    } else {
                      byte[] m = new byte[in.readUnsignedShort()];
                      in.readFully(m);
                      hs.read(m);
                    }
                  }
                  hs.split();
                  byte[] m = new byte[in.readUnsignedShort()];
                  in.readFully(m);
                  byte[] reply =
                      ("noise-java got: " + new String(hs.decrypt(m), StandardCharsets.UTF_8))
                          .getBytes(StandardCharsets.UTF_8);
                  byte[] ct = hs.encrypt(reply);
                  out.writeShort(ct.length);
                  out.write(ct);
                  out.flush();
                  s.shutdownOutput();
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      peer.start();
      Cli connect =
          Cli.run(
              "ping",
              "connect",
              "127.0.0.1:" + ss.getLocalPort(),
              "--raw",
              "--protocol",
              protocol,
              "--prologue",
              HexFormat.of().formatHex(new byte[] {1, 2, 3}),
              "--key",
              client.toString(),
              "--any-peer");
      peer.join(TimeUnit.SECONDS.toMillis(30));
      assertEquals(0, connect.exit(), connect.err());
      assertEquals("noise-java got: ping", connect.out());
    }
  }

  @Test
  void usageErrorsExitTwoWithOneLine() throws Exception {
    Path key = dir.resolve("usage.pem");
    Cli.keygen(key);
    for (String[] args :
        new String[][] {
          {},
          {"frobnicate"},
          {"connect"},
          {"connect", "nohostport"},
          {"connect", "127.0.0.1:1", "--key", "/nonexistent/key.pem", "--tofu", "x"},
          {"connect", "127.0.0.1:1"},
          {"listen", "--port", "0"},
          {"listen", "--port", "0", "--key", "KEY", "--any-peer", "--max-handshakes", "3"},
          {
            "listen",
            "--port",
            "0",
            "--key",
            "KEY",
            "--any-peer",
            "--echo",
            "--max-connections",
            "0"
          },
          {"pubkey", "-k", "not-a-key"},
          {"connect", "127.0.0.1:1", "--raw"},
          {"connect", "127.0.0.1:1", "--peer-key", "09".repeat(32)},
          {"connect", "127.0.0.1:1", "--key", "KEY", "--trust", "/nonexistent/known_agents"},
          {
            "connect",
            "127.0.0.1:1",
            "--raw",
            "--protocol",
            "Noise_NN_25519_ChaChaPoly_SHA256",
            "--peer-key",
            "09".repeat(32)
          },
          {
            "connect",
            "127.0.0.1:1",
            "--raw",
            "--protocol",
            "Noise_IK_25519_ChaChaPoly_SHA256",
            "--key",
            "KEY"
          },
          {
            "connect",
            "127.0.0.1:1",
            "--raw",
            "--protocol",
            "Noise_XX_25519_ChaChaPoly_SHA256",
            "--key",
            "KEY"
          },
          {"connect", "127.0.0.1:1", "--raw", "--protocol", "Noise_NNpsk0_25519_ChaChaPoly_SHA256"},
          {
            "listen",
            "--port",
            "0",
            "--raw",
            "--protocol",
            "Noise_XX_448_ChaChaPoly_SHA256",
            "--key",
            "KEY",
            "--any-peer"
          },
        }) {
      String[] real =
          Arrays.stream(args).map(a -> a.equals("KEY") ? key.toString() : a).toArray(String[]::new);
      Cli c = Cli.run("", real);
      assertEquals(2, c.exit(), Arrays.toString(args) + " -> " + c.err());
      assertTrue(c.err().startsWith("agentwire: "), Arrays.toString(args) + " -> " + c.err());
      assertEquals(1, c.err().strip().split("\n").length, "one line: " + c.err());
    }
    Cli refused =
        Cli.run(
            "", "connect", "127.0.0.1:1", "--key", key.toString(), "--peer-key", "09".repeat(32));
    assertEquals(1, refused.exit(), refused.err());
    assertEquals(1, refused.err().strip().split("\n").length, refused.err());
    assertTrue(refused.err().contains("127.0.0.1:1"), "names the target: " + refused.err());
  }

  @Test
  void demoRunsToItsSummary() throws Exception {
    Cli demo = Cli.run("", "demo");
    assertEquals(0, demo.exit(), demo.err());
    String out = demo.out();
    assertTrue(out.contains("Summary"), out);
    assertTrue(out.contains("Noise_XX_25519"), out);
    assertTrue(out.contains("Noise_IK_25519"), out);
    assertTrue(out.contains("bob refused it: a record failed authentication"), out);
  }

  @Test
  void infoNamesTheBackends() throws Exception {
    Cli info = Cli.run("", "info");
    assertEquals(0, info.exit(), info.err());
    assertTrue(info.out().contains("SSLContext AgentWire"), info.out());
    assertTrue(info.out().contains("CHACHA20_POLY1305"), info.out());
    assertTrue(info.out().contains("native:"), info.out());
  }
}
