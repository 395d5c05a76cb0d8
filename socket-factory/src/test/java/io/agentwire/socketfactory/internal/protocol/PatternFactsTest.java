package io.agentwire.socketfactory.internal.protocol;

import static io.agentwire.provider.noise.NoiseRole.INITIATOR;
import static io.agentwire.provider.noise.NoiseRole.RESPONDER;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwire.provider.noise.NoiseProtocol;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.provider.noise.PeerProof;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * For every one of the 38 patterns, with psk modifiers and as XXfallback, and for both roles: the
 * provider's facts and the socket layer's "peer key proven" answer (the rule {@code
 * Negotiation.verifyPeerIfKnown} applies) equal this table, written by hand from Noise revision 34
 * (sections 7.4, 7.5 and 18 for the tokens, 7.7 for when a message authenticates its sender, 9 and
 * 10.2 for the modifiers). Not computed: each cell was read off the pattern's tokens.
 */
class PatternFactsTest {

  /**
   * Per pattern: the initiator's cell, then the responder's. A cell is three symbols: whether this
   * role has a static key ({@code y}/{@code n}); the peer's static key ({@code -} none, {@code K}
   * known in advance, {@code T} transmitted in the handshake); and when it is proven to this role
   * ({@code -} never, {@code t} only by the peer's first transport message, or the number of the
   * handshake message, from 1, that proves it).
   */
  private static final String[][] TABLE = {
    // one-way, section 7.4: the responder never sends, so it never proves anything.
    {"N", "n K -", "y - -"},
    {"K", "y K -", "y K 1"},
    {"X", "y K -", "y T 1"},
    // fundamental, section 7.5
    {"NN", "n - -", "n - -"},
    {"NK", "n K 2", "y - -"},
    {"NX", "n T 2", "y - -"},
    {"XN", "y - -", "n T 3"}, // -> s, se proves the initiator in message 3
    {"XK", "y K 2", "y T 3"},
    {"XX", "y T 2", "y T 3"},
    {"KN", "y - -", "n K t"}, // se comes in the responder's last message
    {"KK", "y K 2", "y K 1"},
    {"KX", "y T 2", "y K t"},
    {"IN", "y - -", "n T t"},
    {"IK", "y K 2", "y T 1"},
    {"IX", "y T 2", "y T t"},
    // deferred, section 18
    {"NK1", "n K 2", "y - -"},
    {"NX1", "n T t", "y - -"},
    {"X1N", "y - -", "n T t"},
    {"X1K", "y K 2", "y T t"},
    {"XK1", "y K 2", "y T 3"},
    {"X1K1", "y K 2", "y T t"},
    {"X1X", "y T 2", "y T t"},
    {"XX1", "y T t", "y T 3"},
    {"X1X1", "y T 4", "y T t"},
    {"K1N", "y - -", "n K 3"},
    {"K1K", "y K 2", "y K 3"},
    {"KK1", "y K 2", "y K t"},
    {"K1K1", "y K 2", "y K 3"},
    {"K1X", "y T 2", "y K 3"},
    {"KX1", "y T t", "y K 3"},
    {"K1X1", "y T t", "y K 3"},
    {"I1N", "y - -", "n T 3"},
    {"I1K", "y K 2", "y T 3"},
    {"IK1", "y K 2", "y T t"},
    {"I1K1", "y K 2", "y T 3"},
    {"I1X", "y T 2", "y T 3"},
    {"IX1", "y T t", "y T 3"},
    {"I1X1", "y T t", "y T 3"},
    // fallback, section 10.2: Bob, the IK responder, initiates <- e, ee, s, es; -> s, se.
    {"XXfallback", "y T 2", "y T 1"},
  };

  @Test
  void theTableCoversEveryBasePattern() {
    List<String> written = new ArrayList<>();
    for (String[] row : TABLE) {
      if (!row[0].endsWith("fallback")) {
        written.add(row[0]);
      }
    }
    assertEquals(38, written.size());
    assertEquals(NoiseProtocol.basePatterns(), written);
  }

  @Test
  void providerFactsAndTheSocketRuleMatchTheHandWrittenTable() throws Exception {
    int checked = 0;
    for (String[] row : TABLE) {
      for (String pattern : withPskModifiers(row[0])) {
        NoiseProtocol p = NoiseProtocol.parse("Noise_" + pattern + "_25519_ChaChaPoly_SHA256");
        check(p, INITIATOR, row[1]);
        check(p, RESPONDER, row[2]);
        checked++;
      }
    }
    assertEquals(TABLE.length * 3 - 1, checked, "every pattern with psk0 and its last pskN");
  }

  /** The pattern alone, with psk0 (where valid), and with a psk after its last message. */
  private static List<String> withPskModifiers(String pattern) {
    List<String> all = new ArrayList<>(List.of(pattern));
    if (pattern.endsWith("fallback")) {
      all.add(pattern + "+psk0");
      return all; // XXfallback has two messages; +psk2 is covered by the same rule as XX's
    }
    all.add(pattern + "psk0");
    all.add(pattern + "psk" + MESSAGES.get(pattern));
    return all;
  }

  /** Handshake messages per base pattern, counted by hand from the token table. */
  private static final Map<String, Integer> MESSAGES = new LinkedHashMap<>();

  static {
    for (String one : List.of("N", "K", "X")) {
      MESSAGES.put(one, 1);
    }
    for (String two : List.of("NN", "NK", "NX", "KN", "KK", "KX", "IN", "IK", "IX")) {
      MESSAGES.put(two, 2);
    }
    for (String two : List.of("NK1", "KK1", "IK1")) {
      MESSAGES.put(two, 2);
    }
    for (String three : List.of("XN", "XK", "XX", "NX1", "XK1", "XX1", "K1N", "K1K")) {
      MESSAGES.put(three, 3);
    }
    for (String three : List.of("K1K1", "K1X", "KX1", "K1X1", "I1N", "I1K")) {
      MESSAGES.put(three, 3);
    }
    for (String three : List.of("I1K1", "I1X", "IX1", "I1X1")) {
      MESSAGES.put(three, 3);
    }
    for (String four : List.of("X1N", "X1K", "X1K1", "X1X", "X1X1")) {
      MESSAGES.put(four, 4);
    }
  }

  private static void check(NoiseProtocol p, NoiseRole role, String cell) {
    String[] c = cell.split(" ");
    String where = p.pattern() + " " + role;
    assertEquals(c[0].equals("y"), p.needsLocalStaticKey(role), where + ": local static key");
    assertEquals(!c[1].equals("-"), p.peerHasStaticKey(role), where + ": peer has a static key");
    assertEquals(c[1].equals("K"), p.needsRemoteStaticKeyInAdvance(role), where + ": in advance");
    assertEquals(c[1].equals("T"), p.remoteStaticKeyTransmitted(role), where + ": transmitted");
    PeerProof expected =
        c[2].equals("-")
            ? PeerProof.NEVER
            : c[2].equals("t")
                ? PeerProof.FIRST_TRANSPORT_MESSAGE
                : PeerProof.atHandshakeMessage(Integer.parseInt(c[2]));
    assertEquals(expected, p.peerProof(role), where + ": proof");

    // What the socket layer does with it: messages alternate, so the proving message m is the
    // ceil(m/2)-th the responder reads and the (m/2)-th the initiator reads.
    boolean byHandshake = expected.byHandshakeMessage();
    assertEquals(byHandshake, Negotiation.peerKeyProvenByHandshake(p, role), where);
    int readsBeforeProof =
        byHandshake
            ? (role == RESPONDER ? (expected.message() + 1) / 2 : expected.message() / 2)
            : 0;
    for (int read = 0; read <= 3; read++) {
      boolean proven = byHandshake && read >= readsBeforeProof;
      assertEquals(
          proven,
          Negotiation.peerKeyProvenAfterReading(p, role, read),
          where + " after reading " + read + " messages");
    }
    // Fallback turns the first message into a pre-message (section 10.2).
    int messages = MESSAGES.get(p.basePattern()) - (p.isFallback() ? 1 : 0);
    assertEquals(messages, p.messageCount(), where + ": message count");
  }
}
