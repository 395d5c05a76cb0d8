package io.agentwire.conformance;

import static io.agentwire.conformance.VectorJson.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.noise.NoiseHandshake;
import io.agentwire.provider.noise.NoiseProtocol;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.provider.noise.NoiseTransport;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every published Noise vector in {@code ../shared/vectors/noise}: cacophony (944), snow (408)
 * and the noise-c fallback set (16). Each handshake message, transport message and handshake hash
 * must equal the vector byte for byte, in both roles. Nothing is listed as unsupported.
 */
class NoiseVectorTest {

  private static final Provider PROVIDER = new AgentWireProvider();
  private static final Map<String, AtomicInteger> PASSED = new ConcurrentHashMap<>();
  private static final Map<String, Integer> TOTAL = new ConcurrentHashMap<>();
  private static final AtomicInteger MESSAGES = new AtomicInteger();

  @TestFactory
  Stream<DynamicTest> cacophony() {
    return suite("cacophony", "noise/cacophony.json");
  }

  @TestFactory
  Stream<DynamicTest> snow() {
    return suite("snow", "noise/snow.json");
  }

  @TestFactory
  Stream<DynamicTest> noiseCFallback() {
    JsonNode all = VectorJson.load("noise/noise-c-fallback.json");
    List<DynamicTest> tests = new ArrayList<>();
    TOTAL.put("noise-c fallback", all.size());
    int i = 0;
    for (JsonNode v : all) {
      String name = (i++) + " " + v.get("name").asText();
      tests.add(
          DynamicTest.dynamicTest(
              name,
              () -> {
                runFallback(v);
                PASSED
                    .computeIfAbsent("noise-c fallback", k -> new AtomicInteger())
                    .incrementAndGet();
              }));
    }
    return tests.stream();
  }

  private Stream<DynamicTest> suite(String label, String file) {
    JsonNode vectors = VectorJson.load(file).get("vectors");
    TOTAL.put(label, vectors.size());
    List<DynamicTest> tests = new ArrayList<>();
    int i = 0;
    for (JsonNode v : vectors) {
      String name = (i++) + " " + v.get("protocol_name").asText();
      tests.add(
          DynamicTest.dynamicTest(
              name,
              () -> {
                run(v);
                PASSED.computeIfAbsent(label, k -> new AtomicInteger()).incrementAndGet();
              }));
    }
    return tests.stream();
  }

  @AfterAll
  static void report() {
    StringBuilder sb = new StringBuilder("Noise vectors:");
    for (Map.Entry<String, Integer> e : new TreeMap<>(TOTAL).entrySet()) {
      AtomicInteger passed = PASSED.get(e.getKey());
      sb.append(' ')
          .append(e.getKey())
          .append(' ')
          .append(passed == null ? 0 : passed.get())
          .append('/')
          .append(e.getValue())
          .append(';');
    }
    sb.append(" messages checked: ").append(MESSAGES.get()).append("; unsupported: none");
    var served = AgentWireProvider.backends();
    sb.append("; agentwire.native=")
        .append(System.getProperty("agentwire.native", "auto"))
        .append(": X25519 by ")
        .append(served.get(io.agentwire.provider.backend.Primitive.X25519))
        .append(", ChaChaPoly by ")
        .append(served.get(io.agentwire.provider.backend.Primitive.CHACHA20_POLY1305));
    System.out.println(sb);
  }

  static NoiseHandshake party(NoiseProtocol protocol, NoiseRole role, JsonNode v, String side)
      throws GeneralSecurityException {
    NoiseHandshake hs = NoiseHandshake.getInstance(protocol.name(), PROVIDER);
    hs.init(role);
    byte[] prologue = hex(v.get(side + "_prologue"));
    if (prologue != null) {
      hs.setPrologue(prologue);
    }
    byte[] s = hex(v.get(side + "_static"));
    if (s != null) {
      hs.setLocalStaticKey(privateKey(protocol, s));
    }
    byte[] e = hex(v.get(side + "_ephemeral"));
    if (e != null) {
      hs.setEphemeralKeyForTesting(privateKey(protocol, e));
    }
    byte[] rs = hex(v.get(side + "_remote_static"));
    if (rs != null) {
      hs.setRemoteStaticKey(publicKey(protocol, rs));
    }
    JsonNode psks = v.get(side + "_psks");
    if (psks != null) {
      List<Integer> positions = pskPositions(protocol.pattern());
      assertEquals(positions.size(), psks.size(), "psk count");
      for (int i = 0; i < psks.size(); i++) {
        hs.setPsk(positions.get(i), hex(psks.get(i)));
      }
    }
    return hs;
  }

  static List<Integer> pskPositions(String pattern) {
    List<Integer> r = new ArrayList<>();
    Matcher m = Pattern.compile("psk(\\d+)").matcher(pattern);
    while (m.find()) {
      r.add(Integer.parseInt(m.group(1)));
    }
    return r;
  }

  static PrivateKey privateKey(NoiseProtocol p, byte[] raw) throws GeneralSecurityException {
    String curve = curve(p);
    return KeyFactory.getInstance(curve, PROVIDER)
        .generatePrivate(new XECPrivateKeySpec(new NamedParameterSpec(curve), raw));
  }

  static PublicKey publicKey(NoiseProtocol p, byte[] raw) throws GeneralSecurityException {
    String curve = curve(p);
    byte[] be = new byte[raw.length];
    for (int i = 0; i < raw.length; i++) {
      be[i] = raw[raw.length - 1 - i];
    }
    return KeyFactory.getInstance(curve, PROVIDER)
        .generatePublic(new XECPublicKeySpec(new NamedParameterSpec(curve), new BigInteger(1, be)));
  }

  private static String curve(NoiseProtocol p) {
    return p.dh().name();
  }

  private void run(JsonNode v) throws GeneralSecurityException {
    NoiseProtocol protocol = NoiseProtocol.parse(v.get("protocol_name").asText());
    NoiseHandshake init = party(protocol, NoiseRole.INITIATOR, v, "init");
    NoiseHandshake resp = party(protocol, NoiseRole.RESPONDER, v, "resp");
    NoiseTransport initT = null;
    NoiseTransport respT = null;
    JsonNode messages = v.get("messages");
    for (int i = 0; i < messages.size(); i++) {
      byte[] payload = hex(messages.get(i).get("payload"));
      byte[] expected = hex(messages.get(i).get("ciphertext"));
      boolean initSends = protocol.isOneWay() || i % 2 == 0;
      if (initT == null) {
        NoiseHandshake sender = initSends ? init : resp;
        NoiseHandshake receiver = initSends ? resp : init;
        assertEquals(NoiseHandshake.Action.WRITE_MESSAGE, sender.getAction(), "message " + i);
        byte[] ct = sender.writeMessage(payload);
        assertEquals(hex(expected), hex(ct), "handshake message " + i + " ciphertext");
        assertArrayEquals(payload, receiver.readMessage(ct), "handshake message " + i + " payload");
        if (init.isComplete()) {
          assertTrue(resp.isComplete(), "both sides complete together");
          byte[] h = hex(v.get("handshake_hash"));
          byte[] hi = init.getHandshakeHash();
          assertArrayEquals(hi, resp.getHandshakeHash(), "handshake hashes agree");
          if (h != null) {
            assertEquals(hex(h), hex(hi), "handshake hash");
          }
          initT = init.split();
          respT = resp.split();
        }
      } else {
        NoiseTransport sender = initSends ? initT : respT;
        NoiseTransport receiver = initSends ? respT : initT;
        byte[] ct = sender.encrypt(payload);
        assertEquals(hex(expected), hex(ct), "transport message " + i + " ciphertext");
        assertArrayEquals(payload, receiver.decrypt(ct), "transport message " + i + " payload");
      }
      MESSAGES.incrementAndGet();
    }
    assertTrue(initT != null, "the vector completes the handshake");
  }

  /** IK with a stale responder key, then XXfallback (Noise Pipes, section 10.4). */
  private void runFallback(JsonNode v) throws GeneralSecurityException {
    String suffix =
        "_" + v.get("dh").asText() + "_" + v.get("cipher").asText() + "_" + v.get("hash").asText();
    NoiseProtocol first = NoiseProtocol.parse("Noise_" + v.get("pattern").asText() + suffix);
    String fallbackName = v.get("name").asText();
    NoiseHandshake alice = party(first, NoiseRole.INITIATOR, v, "init");
    NoiseHandshake bob = party(first, NoiseRole.RESPONDER, v, "resp");
    JsonNode messages = v.get("messages");

    byte[] m0 = alice.writeMessage(hex(messages.get(0).get("payload")));
    assertEquals(messages.get(0).get("ciphertext").asText(), hex(m0), "IK message");
    assertThrows(AEADBadTagException.class, () -> bob.readMessage(m0), "stale key must fail IK");
    MESSAGES.incrementAndGet();

    NoiseHandshake bob2 = bob.fallback(fallbackName);
    assertEquals(NoiseRole.INITIATOR, bob2.getRole(), "Bob initiates XXfallback");
    bob2.setEphemeralKeyForTesting(privateKey(first, hex(v.get("resp_ephemeral"))));
    NoiseHandshake alice2 = alice.fallback(fallbackName);
    assertEquals(NoiseRole.RESPONDER, alice2.getRole());

    NoiseTransport aliceT = null;
    NoiseTransport bobT = null;
    for (int i = 1; i < messages.size(); i++) {
      byte[] payload = hex(messages.get(i).get("payload"));
      String expected = messages.get(i).get("ciphertext").asText();
      boolean bobSends = i % 2 == 1;
      if (aliceT == null) {
        NoiseHandshake sender = bobSends ? bob2 : alice2;
        NoiseHandshake receiver = bobSends ? alice2 : bob2;
        byte[] ct = sender.writeMessage(payload);
        assertEquals(expected, hex(ct), "fallback handshake message " + i);
        assertArrayEquals(payload, receiver.readMessage(ct));
        if (alice2.isComplete()) {
          assertEquals(v.get("handshake_hash").asText(), hex(alice2.getHandshakeHash()));
          assertArrayEquals(alice2.getHandshakeHash(), bob2.getHandshakeHash());
          aliceT = alice2.split();
          bobT = bob2.split();
        }
      } else {
        NoiseTransport sender = bobSends ? bobT : aliceT;
        NoiseTransport receiver = bobSends ? aliceT : bobT;
        byte[] ct = sender.encrypt(payload);
        assertEquals(expected, hex(ct), "transport message " + i);
        assertArrayEquals(payload, receiver.decrypt(ct));
      }
      MESSAGES.incrementAndGet();
    }
    assertTrue(aliceT != null, "the fallback completes");
  }
}
