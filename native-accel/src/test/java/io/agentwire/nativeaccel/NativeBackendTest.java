package io.agentwire.nativeaccel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.PureJavaBackend;
import io.agentwire.provider.noise.NoiseHandshake;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.provider.noise.NoiseTransport;
import io.agentwire.testsupport.ChildProcess;
import io.agentwire.testsupport.SharedVectors;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The native backend in use: choice, storms, memory, and how it fails when it cannot load. */
class NativeBackendTest {

  private static final SodiumBackend NATIVE = new SodiumBackend();

  @BeforeEach
  void needsLibsodium() {
    NativeAvailable.check();
  }

  @Test
  void theProviderPicksLibsodiumAndSaysSo() {
    var health = AgentWireProvider.health();
    assertTrue(health.nativeInUse(), health.toString());
    assertTrue(health.servedBy().get(Primitive.X25519).startsWith("libsodium"), health.toString());
    assertTrue(health.nativeStatus().contains("self-tests passed"), health.toString());
    assertEquals("pure-java", health.servedBy().get(Primitive.X448));
  }

  @Test
  void aConcurrentStormThroughOneSharedProviderGivesCorrectResults() throws Exception {
    Provider provider = new AgentWireProvider();
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(pool.submit(() -> storm(provider)));
      }
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get(120, TimeUnit.SECONDS);
      }
      assertEquals(threads * 20, total);
    } finally {
      pool.shutdownNow();
    }
  }

  private static int storm(Provider provider) throws Exception {
    DhFunction javaDh = PureJavaBackend.INSTANCE.dh(Primitive.X25519);
    DhFunction nativeDh = NATIVE.dh(Primitive.X25519);
    int done = 0;
    for (int i = 0; i < 20; i++) {
      byte[] a = new byte[32];
      byte[] b = new byte[32];
      ThreadLocalRandom.current().nextBytes(a);
      ThreadLocalRandom.current().nextBytes(b);
      byte[] pub = new byte[32];
      javaDh.publicKey(b, pub);
      byte[] x = new byte[32];
      byte[] y = new byte[32];
      javaDh.agree(a, pub, x);
      nativeDh.agree(a, pub, y);
      assertArrayEquals(x, y);
      String name = "Noise_XX_25519_ChaChaPoly_BLAKE2b";
      NoiseHandshake init = NoiseHandshake.getInstance(name, provider);
      NoiseHandshake resp = NoiseHandshake.getInstance(name, provider);
      init.init(NoiseRole.INITIATOR);
      resp.init(NoiseRole.RESPONDER);
      init.setLocalStaticKey(KeyPairGenerator.getInstance("X25519", provider).generateKeyPair());
      resp.setLocalStaticKey(KeyPairGenerator.getInstance("X25519", provider).generateKeyPair());
      resp.readMessage(init.writeMessage(new byte[0]));
      init.readMessage(resp.writeMessage(new byte[0]));
      resp.readMessage(init.writeMessage(new byte[0]));
      NoiseTransport ti = init.split();
      NoiseTransport tr = resp.split();
      byte[] msg = new byte[ThreadLocalRandom.current().nextInt(0, 5000)];
      ThreadLocalRandom.current().nextBytes(msg);
      assertArrayEquals(msg, tr.decrypt(ti.encrypt(msg)));
      done++;
    }
    return done;
  }

  @Test
  void aMillionOperationsLeaveResidentMemoryFlat() throws Exception {
    byte[] key = new byte[32];
    byte[] nonce = new byte[12];
    byte[] msg = new byte[64];
    byte[] out = new byte[80];
    byte[] pt = new byte[64];
    churn(100_000, key, nonce, msg, out, pt); // reach steady state: JIT, thread locals, pools
    System.gc();
    long before = residentKiB();
    churn(1_000_000, key, nonce, msg, out, pt);
    System.gc();
    long after = residentKiB();
    assertTrue(
        after - before < 64 * 1024,
        "resident memory grew by " + (after - before) + " KiB over a million native calls");
  }

  private static void churn(int n, byte[] key, byte[] nonce, byte[] msg, byte[] out, byte[] pt)
      throws Exception {
    AeadCipher a = NATIVE.newAead(Primitive.CHACHA20_POLY1305);
    a.setKey(key);
    for (int i = 0; i < n; i++) {
      if (i % 1000 == 0) {
        a = NATIVE.newAead(Primitive.CHACHA20_POLY1305); // exercise allocation and the cleaner
        a.setKey(key);
      }
      nonce[0] = (byte) i;
      nonce[1] = (byte) (i >> 8);
      nonce[2] = (byte) (i >> 16);
      a.seal(nonce, null, 0, 0, msg, 0, msg.length, out, 0);
      a.open(nonce, null, 0, 0, out, 0, out.length, pt, 0);
    }
  }

  private static long residentKiB() throws Exception {
    for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  @Test
  void xchacha20Poly1305PassesWycheproof() throws Exception {
    Path file = SharedVectors.file("wycheproof/xchacha20_poly1305_test.json");
    String json = Files.readString(file);
    // A small reader for this file's flat test objects; the module needs no JSON library.
    var tests =
        java.util.regex.Pattern.compile(
                "\"tcId\"\\s*:\\s*(\\d+).*?\"key\"\\s*:\\s*\"(\\w*)\".*?\"iv\"\\s*:\\s*\"(\\w*)\""
                    + ".*?\"aad\"\\s*:\\s*\"(\\w*)\".*?\"msg\"\\s*:\\s*\"(\\w*)\".*?\"ct\"\\s*:\\s*\"(\\w*)\""
                    + ".*?\"tag\"\\s*:\\s*\"(\\w*)\".*?\"result\"\\s*:\\s*\"(\\w+)\"",
                java.util.regex.Pattern.DOTALL)
            .matcher(json);
    var hex = java.util.HexFormat.of();
    int valid = 0;
    int invalid = 0;
    int unsupported = 0;
    while (tests.find()) {
      byte[] key = hex.parseHex(tests.group(2));
      byte[] iv = hex.parseHex(tests.group(3));
      byte[] aad = hex.parseHex(tests.group(4));
      byte[] msg = hex.parseHex(tests.group(5));
      byte[] ct = hex.parseHex(tests.group(6) + tests.group(7));
      boolean isValid = tests.group(8).equals("valid");
      if (iv.length != 24 || key.length != 32) {
        unsupported++;
        continue;
      }
      AeadCipher x = NATIVE.newXChaCha20Poly1305();
      x.setKey(key);
      byte[] sealed = new byte[msg.length + 16];
      x.seal(iv, aad, 0, aad.length, msg, 0, msg.length, sealed, 0);
      byte[] back = new byte[Math.max(0, ct.length - 16)];
      if (isValid) {
        assertArrayEquals(ct, sealed, "tcId " + tests.group(1));
        x.open(iv, aad, 0, aad.length, ct, 0, ct.length, back, 0);
        assertArrayEquals(msg, back, "tcId " + tests.group(1));
        valid++;
      } else {
        assertThrows(
            AEADBadTagException.class,
            () -> x.open(iv, aad, 0, aad.length, ct, 0, ct.length, back, 0),
            "tcId " + tests.group(1));
        invalid++;
      }
    }
    System.out.println(
        "Wycheproof xchacha20_poly1305_test (libsodium): "
            + valid
            + " valid passed, "
            + invalid
            + " invalid rejected, "
            + unsupported
            + " unsupported (nonce not 24 bytes)");
    assertTrue(valid > 200, "the file was read: " + valid + " valid cases");
  }

  @Test
  void requireFailsFastWithTheReasonWhenLibsodiumCannotLoad() throws Exception {
    String out =
        child("-Dagentwire.native=require", "-Dagentwire.sodium.path=/nonexistent/libsodium.so");
    assertTrue(out.contains("ProviderException"), out);
    assertTrue(
        out.contains("agentwire.sodium.path=/nonexistent/libsodium.so could not be loaded"), out);
  }

  @Test
  void autoFallsBackToPureJavaAndSaysWhy() throws Exception {
    String out = child("-Dagentwire.sodium.path=/nonexistent/libsodium.so");
    assertTrue(out.contains("handshake ok"), out);
    assertTrue(out.contains("native not in use"), out);
    assertTrue(out.contains("could not be loaded"), out);
  }

  @Test
  void withoutJnaOnTheClassPathTheProviderStillWorks() throws Exception {
    String cp =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(e -> !Paths.get(e).getFileName().toString().startsWith("jna-"))
            .collect(Collectors.joining(File.pathSeparator));
    String out = childWithClassPath(cp);
    assertTrue(out.contains("handshake ok"), out);
    assertTrue(out.contains("native not in use"), out);
    assertTrue(out.contains("JNA is not on the class path") || out.contains("failed to load"), out);
  }

  @Test
  void offMeansPureJavaEverywhere() throws Exception {
    String out = child("-Dagentwire.native=off");
    assertTrue(out.contains("handshake ok"), out);
    assertTrue(out.contains("agentwire.native=off; native not in use"), out);
  }

  private static String child(String... props) throws Exception {
    return run(System.getProperty("java.class.path"), props);
  }

  private static String childWithClassPath(String cp) throws Exception {
    return run(cp);
  }

  private static String run(String cp, String... props) throws Exception {
    try (ChildProcess p =
        ChildProcess.startMerged(ChildProcess.javaMain(cp, Child.class.getName(), props))) {
      assertTrue(p.waitFor(Duration.ofSeconds(60)), "child finished");
      return p.out();
    }
  }

  /** Runs in a child JVM so that backend selection starts from scratch. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      try {
        Provider p = new AgentWireProvider();
        System.out.println(AgentWireProvider.health());
        String name = "Noise_NN_25519_ChaChaPoly_BLAKE2b";
        NoiseHandshake a = NoiseHandshake.getInstance(name, p);
        NoiseHandshake b = NoiseHandshake.getInstance(name, p);
        a.init(NoiseRole.INITIATOR);
        b.init(NoiseRole.RESPONDER);
        b.readMessage(a.writeMessage(new byte[0]));
        a.readMessage(b.writeMessage(new byte[0]));
        byte[] back = b.split().decrypt(a.split().encrypt(new byte[] {7}));
        System.out.println(back[0] == 7 ? "handshake ok" : "handshake wrong");
      } catch (java.security.ProviderException e) {
        System.out.println("ProviderException: " + e.getMessage());
      }
    }
  }
}
