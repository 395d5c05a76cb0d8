package io.agentwire.provider.noise.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Noise handshake pattern after its modifiers are applied (Noise revision 34, sections 7 and 9
 * and 10.2). Directions are written as in the specification: {@code ->} is Alice to Bob. In an
 * Alice-initiated pattern Alice is the initiator; the fallback modifier makes Bob the initiator.
 * Immutable.
 */
final class HandshakePattern {

  /** The tokens of section 7.1 and the psk token of section 9. */
  enum Token {
    E,
    S,
    EE,
    ES,
    SE,
    SS,
    PSK;

    boolean isDh() {
      return this == EE || this == ES || this == SE || this == SS;
    }
  }

  /** One handshake message: who sends it and its tokens. */
  static final class Message {
    final boolean fromAlice;
    final List<Token> tokens;

    Message(boolean fromAlice, List<Token> tokens) {
      this.fromAlice = fromAlice;
      this.tokens = Collections.unmodifiableList(new ArrayList<>(tokens));
    }
  }

  private static final Map<String, String> BASE = new LinkedHashMap<>();

  static {
    // One-way patterns, section 7.4.
    BASE.put("N", "<- s | -> e, es");
    BASE.put("K", "-> s; <- s | -> e, es, ss");
    BASE.put("X", "<- s | -> e, es, s, ss");
    // Fundamental interactive patterns, section 7.5.
    BASE.put("NN", "| -> e; <- e, ee");
    BASE.put("NK", "<- s | -> e, es; <- e, ee");
    BASE.put("NX", "| -> e; <- e, ee, s, es");
    BASE.put("XN", "| -> e; <- e, ee; -> s, se");
    BASE.put("XK", "<- s | -> e, es; <- e, ee; -> s, se");
    BASE.put("XX", "| -> e; <- e, ee, s, es; -> s, se");
    BASE.put("KN", "-> s | -> e; <- e, ee, se");
    BASE.put("KK", "-> s; <- s | -> e, es, ss; <- e, ee, se");
    BASE.put("KX", "-> s | -> e; <- e, ee, se, s, es");
    BASE.put("IN", "| -> e, s; <- e, ee, se");
    BASE.put("IK", "<- s | -> e, es, s, ss; <- e, ee, se");
    BASE.put("IX", "| -> e, s; <- e, ee, se, s, es");
    // Deferred patterns, section 18.
    BASE.put("NK1", "<- s | -> e; <- e, ee, es");
    BASE.put("NX1", "| -> e; <- e, ee, s; -> es");
    BASE.put("X1N", "| -> e; <- e, ee; -> s; <- se");
    BASE.put("X1K", "<- s | -> e, es; <- e, ee; -> s; <- se");
    BASE.put("XK1", "<- s | -> e; <- e, ee, es; -> s, se");
    BASE.put("X1K1", "<- s | -> e; <- e, ee, es; -> s; <- se");
    BASE.put("X1X", "| -> e; <- e, ee, s, es; -> s; <- se");
    BASE.put("XX1", "| -> e; <- e, ee, s; -> es, s, se");
    BASE.put("X1X1", "| -> e; <- e, ee, s; -> es, s; <- se");
    BASE.put("K1N", "-> s | -> e; <- e, ee; -> se");
    BASE.put("K1K", "-> s; <- s | -> e, es; <- e, ee; -> se");
    BASE.put("KK1", "-> s; <- s | -> e; <- e, ee, se, es");
    BASE.put("K1K1", "-> s; <- s | -> e; <- e, ee, es; -> se");
    BASE.put("K1X", "-> s | -> e; <- e, ee, s, es; -> se");
    BASE.put("KX1", "-> s | -> e; <- e, ee, se, s; -> es");
    BASE.put("K1X1", "-> s | -> e; <- e, ee, s; -> se, es");
    BASE.put("I1N", "| -> e, s; <- e, ee; -> se");
    BASE.put("I1K", "<- s | -> e, es, s; <- e, ee; -> se");
    BASE.put("IK1", "<- s | -> e, s; <- e, ee, se, es");
    BASE.put("I1K1", "<- s | -> e, s; <- e, ee, es; -> se");
    BASE.put("I1X", "| -> e, s; <- e, ee, s, es; -> se");
    BASE.put("IX1", "| -> e, s; <- e, ee, se, s; -> es");
    BASE.put("I1X1", "| -> e, s; <- e, ee, s; -> se, es");
  }

  final String name;
  final String baseName;
  final List<Token> alicePreMessage;
  final List<Token> bobPreMessage;
  final List<Message> messages;
  final boolean bobInitiated;
  final boolean oneWay;
  final boolean hasPsk;

  /** Whether the base pattern is a deferred one (section 18: its name has a "1"). */
  final boolean deferred;

  /** The N of each pskN modifier, ascending (section 9.2). */
  final List<Integer> pskModifiers;

  /** Whether the name carries the fallback modifier (section 10.2). */
  final boolean fallback;

  private HandshakePattern(
      String name,
      String baseName,
      List<Token> alicePre,
      List<Token> bobPre,
      List<Message> messages,
      List<Integer> pskModifiers,
      boolean fallback) {
    this.name = name;
    this.baseName = baseName;
    this.deferred = baseName.indexOf('1') >= 0;
    this.pskModifiers = List.copyOf(pskModifiers);
    this.fallback = fallback;
    this.alicePreMessage = Collections.unmodifiableList(alicePre);
    this.bobPreMessage = Collections.unmodifiableList(bobPre);
    this.messages = Collections.unmodifiableList(messages);
    this.bobInitiated = !messages.get(0).fromAlice;
    this.oneWay = baseName.length() == 1;
    this.hasPsk = messages.stream().anyMatch(m -> m.tokens.contains(Token.PSK));
  }

  /** The names of the base patterns, in specification order. */
  static List<String> baseNames() {
    return List.copyOf(BASE.keySet());
  }

  /**
   * Parses a pattern with its modifiers, such as {@code XXfallback+psk0}, and checks it against the
   * validity rules of section 7.3 and 9.3.
   *
   * @throws IllegalArgumentException with a message that says which part is wrong
   */
  static HandshakePattern parse(String pattern) {
    int split = 0;
    while (split < pattern.length() && !Character.isLowerCase(pattern.charAt(split))) {
      split++;
    }
    String base = pattern.substring(0, split);
    String definition = BASE.get(base);
    if (definition == null) {
      throw new IllegalArgumentException(
          "unknown handshake pattern '"
              + base
              + "'; known patterns: "
              + String.join(", ", BASE.keySet()));
    }
    List<Token> alicePre = new ArrayList<>();
    List<Token> bobPre = new ArrayList<>();
    List<Message> messages = new ArrayList<>();
    parseDefinition(definition, alicePre, bobPre, messages);

    List<Integer> pskModifiers = new ArrayList<>();
    boolean fallback = false;
    if (split < pattern.length()) {
      String[] modifiers = pattern.substring(split).split("\\+", -1);
      int lastPsk = -1;
      for (int i = 0; i < modifiers.length; i++) {
        String modifier = modifiers[i];
        if (modifier.equals("fallback")) {
          if (i != 0) {
            throw new IllegalArgumentException(
                "the fallback modifier must come before any other modifier in '" + pattern + "'");
          }
          applyFallback(base, alicePre, bobPre, messages);
          fallback = true;
        } else if (modifier.matches("psk(0|[1-9][0-9]?)")) {
          int n = Integer.parseInt(modifier.substring(3));
          if (n > messages.size()) {
            throw new IllegalArgumentException(
                modifier
                    + " needs message "
                    + n
                    + " but '"
                    + base
                    + "' has "
                    + messages.size()
                    + (messages.size() == 1 ? " message" : " messages"));
          }
          if (n <= lastPsk) {
            // One spelling per protocol: the name is hashed into h, so "psk2+psk0" and
            // "psk0+psk2" would be two protocols that cannot talk to each other.
            throw new IllegalArgumentException(
                "psk modifiers must appear once each, in ascending order: psk"
                    + lastPsk
                    + " comes before "
                    + modifier);
          }
          lastPsk = n;
          pskModifiers.add(n);
          if (n == 0) {
            List<Token> tokens = new ArrayList<>(messages.get(0).tokens);
            tokens.add(0, Token.PSK);
            messages.set(0, new Message(messages.get(0).fromAlice, tokens));
          } else {
            Message m = messages.get(n - 1);
            List<Token> tokens = new ArrayList<>(m.tokens);
            tokens.add(Token.PSK);
            messages.set(n - 1, new Message(m.fromAlice, tokens));
          }
        } else {
          throw new IllegalArgumentException(
              "unknown pattern modifier '" + modifier + "' (expected fallback or pskN)");
        }
      }
    }
    HandshakePattern result =
        new HandshakePattern(pattern, base, alicePre, bobPre, messages, pskModifiers, fallback);
    result.validate();
    return result;
  }

  /** A pattern from its written form ("pre-messages | messages"), validated; for tests. */
  static HandshakePattern fromDefinition(String name, String definition) {
    List<Token> alicePre = new ArrayList<>();
    List<Token> bobPre = new ArrayList<>();
    List<Message> messages = new ArrayList<>();
    parseDefinition(definition, alicePre, bobPre, messages);
    HandshakePattern result =
        new HandshakePattern(name, name, alicePre, bobPre, messages, List.of(), false);
    result.validate();
    return result;
  }

  private static void parseDefinition(
      String definition, List<Token> alicePre, List<Token> bobPre, List<Message> messages) {
    String[] halves = definition.split("\\|", -1);
    for (String pre : halves[0].split(";")) {
      if (pre.isBlank()) {
        continue;
      }
      Message m = parseMessage(pre);
      (m.fromAlice ? alicePre : bobPre).addAll(m.tokens);
    }
    for (String msg : halves[1].split(";")) {
      messages.add(parseMessage(msg));
    }
  }

  private static Message parseMessage(String text) {
    String t = text.trim();
    boolean fromAlice = t.startsWith("->");
    List<Token> tokens = new ArrayList<>();
    for (String token : t.substring(2).split(",")) {
      tokens.add(Token.valueOf(token.trim().toUpperCase(Locale.ROOT)));
    }
    return new Message(fromAlice, tokens);
  }

  /** Section 10.2: Alice's first message becomes a pre-message; Bob then initiates. */
  private static void applyFallback(
      String base, List<Token> alicePre, List<Token> bobPre, List<Message> messages) {
    Message first = messages.get(0);
    if (!first.fromAlice || messages.size() < 2) {
      throw new IllegalArgumentException(
          "fallback needs an interactive Alice-initiated pattern; '" + base + "' is not");
    }
    for (Token token : first.tokens) {
      if (token != Token.E && token != Token.S) {
        throw new IllegalArgumentException(
            "fallback needs a first message of only e and s tokens; '"
                + base
                + "' sends "
                + first.tokens.toString().toLowerCase(Locale.ROOT));
      }
    }
    if (!alicePre.isEmpty() || !bobPre.isEmpty()) {
      // With pre-messages already present the specification leaves open the order in which the
      // keys are hashed (section 7.1 speaks of the initiator, who changes under fallback), and no
      // published vector settles it; refuse rather than guess and fail to interoperate.
      throw new IllegalArgumentException(
          "fallback is supported only for patterns without pre-messages (such as XX);"
              + " '"
              + base
              + "' has them");
    }
    boolean e = first.tokens.contains(Token.E) || alicePre.contains(Token.E);
    boolean s = first.tokens.contains(Token.S) || alicePre.contains(Token.S);
    alicePre.clear();
    if (e) {
      alicePre.add(Token.E);
    }
    if (s) {
      alicePre.add(Token.S);
    }
    messages.remove(0);
  }

  /** The validity rules of section 7.3, and the psk rule of section 9.3. */
  private void validate() {
    Party alice = new Party(alicePreMessage);
    Party bob = new Party(bobPreMessage);
    // Rule 1 for static keys: a party's static key exists if the pattern ever transmits it.
    for (Message m : messages) {
      if (m.tokens.contains(Token.S)) {
        (m.fromAlice ? alice : bob).hasStatic = true;
      }
    }
    alice.hasStatic |= alicePreMessage.contains(Token.S);
    bob.hasStatic |= bobPreMessage.contains(Token.S);
    alice.knowsRemoteE = bobPreMessage.contains(Token.E);
    alice.knowsRemoteS = bobPreMessage.contains(Token.S);
    bob.knowsRemoteE = alicePreMessage.contains(Token.E);
    bob.knowsRemoteS = alicePreMessage.contains(Token.S);

    int index = 0;
    for (Message m : messages) {
      index++;
      Party sender = m.fromAlice ? alice : bob;
      Party receiver = m.fromAlice ? bob : alice;
      String where = "message " + index + " of " + name;
      for (Token token : m.tokens) {
        switch (token) {
          case E:
            if (sender.sentE) {
              throw invalid(where + " sends e a second time");
            }
            sender.sentE = true;
            receiver.knowsRemoteE = true;
            break;
          case S:
            if (sender.sentS) {
              throw invalid(where + " sends s a second time");
            }
            sender.sentS = true;
            receiver.knowsRemoteS = true;
            sender.checkEncrypt(where);
            break;
          case PSK:
            sender.psk = true;
            receiver.psk = true;
            break;
          default:
            dh(token, m.fromAlice, alice, bob, where);
        }
      }
      // The payload is always encrypted once any key is set.
      sender.checkEncrypt(where + " (payload)");
    }
  }

  private void dh(Token token, boolean aliceSends, Party alice, Party bob, String where) {
    // In the notation, the first letter is Alice's key and the second Bob's.
    boolean aliceEphemeral = token == Token.EE || token == Token.ES;
    boolean bobEphemeral = token == Token.EE || token == Token.SE;
    for (int side = 0; side < 2; side++) {
      boolean isAlice = side == 0;
      Party p = isAlice ? alice : bob;
      boolean localE = isAlice ? aliceEphemeral : bobEphemeral;
      boolean remoteE = isAlice ? bobEphemeral : aliceEphemeral;
      boolean hasLocal = localE ? p.sentE : p.hasStatic;
      boolean hasRemote = remoteE ? p.knowsRemoteE : p.knowsRemoteS;
      if (!hasLocal || !hasRemote) {
        throw invalid(
            where
                + " performs "
                + token.name().toLowerCase(Locale.ROOT)
                + " before "
                + (isAlice ? "Alice" : "Bob")
                + " has both keys");
      }
    }
    int bit = 1 << token.ordinal();
    if ((alice.dhDone & bit) != 0) {
      throw invalid(where + " performs " + token.name().toLowerCase(Locale.ROOT) + " twice");
    }
    alice.dhDone |= bit;
    bob.dhDone |= bit;
    // Track "local static with remote X" and "local ephemeral with remote X" per party.
    alice.record(aliceEphemeral, bobEphemeral);
    bob.record(bobEphemeral, aliceEphemeral);
    alice.keyed = true;
    bob.keyed = true;
  }

  /** Whether Alice or Bob (per {@code alice}) has a static key in this pattern (section 7.3). */
  boolean hasStatic(boolean alice) {
    if ((alice ? alicePreMessage : bobPreMessage).contains(Token.S)) {
      return true;
    }
    return sendsStatic(alice);
  }

  /** Whether Alice or Bob transmits its static key in a handshake message ({@code s} token). */
  boolean sendsStatic(boolean alice) {
    for (Message m : messages) {
      if (m.fromAlice == alice && m.tokens.contains(Token.S)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The 1-based number of the handshake message in which Alice or Bob (per {@code alice}) sends its
   * static key with an {@code s} token; 0 if it never does.
   */
  int staticSentIn(boolean alice) {
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      if (m.fromAlice == alice && m.tokens.contains(Token.S)) {
        return i + 1;
      }
    }
    return 0;
  }

  /** Whether Alice's or Bob's static key is a pre-message (known to the other in advance). */
  boolean staticInPreMessage(boolean alice) {
    return (alice ? alicePreMessage : bobPreMessage).contains(Token.S);
  }

  /**
   * When the static key of {@code provenAlice} (Alice if true, Bob if false) is authenticated to
   * the other party (section 7.7, source properties 1 and 2): the 1-based number of the first
   * handshake message that party sends whose payload is encrypted under a key that depends on a DH
   * of its static key with one of the other party's keys ({@code se} or {@code ss} for Alice,
   * {@code es} or {@code ss} for Bob, since the first letter names Alice's key), made in that
   * message before its payload or in an earlier one; 0 if such a DH happens but no later handshake
   * message of that party follows, so only its first transport message proves it; -1 if no such DH
   * happens (or it has no static key), or if it never sends at all (the responder of a one-way
   * pattern). A PSK never counts: it proves knowledge of the PSK, not of a static key.
   */
  int staticProvenAt(boolean provenAlice) {
    Token cross = provenAlice ? Token.SE : Token.ES;
    boolean dhDone = false;
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      dhDone |= m.tokens.contains(cross) || m.tokens.contains(Token.SS);
      if (dhDone && m.fromAlice == provenAlice) {
        return i + 1;
      }
    }
    boolean sendsTransport = !oneWay || provenAlice != bobInitiated;
    return dhDone && sendsTransport ? 0 : -1;
  }

  private static IllegalArgumentException invalid(String why) {
    return new IllegalArgumentException("invalid pattern: " + why + " (Noise section 7.3)");
  }

  private static final class Party {
    boolean hasStatic;
    boolean sentE;
    boolean sentS;
    boolean knowsRemoteE;
    boolean knowsRemoteS;
    boolean psk;
    boolean keyed;
    int dhDone;
    boolean staticWithRemoteE;
    boolean staticWithRemoteS;
    boolean ephemeralWithRemoteE;
    boolean ephemeralWithRemoteS;

    Party(List<Token> preMessage) {
      sentE = preMessage.contains(Token.E);
      sentS = preMessage.contains(Token.S);
    }

    void record(boolean localEphemeral, boolean remoteEphemeral) {
      if (localEphemeral) {
        if (remoteEphemeral) {
          ephemeralWithRemoteE = true;
        } else {
          ephemeralWithRemoteS = true;
        }
      } else if (remoteEphemeral) {
        staticWithRemoteE = true;
      } else {
        staticWithRemoteS = true;
      }
    }

    /** Rule 4 and the psk rule, at a point where this party calls ENCRYPT(). */
    void checkEncrypt(String where) {
      if (!keyed && !psk) {
        return; // no key yet: nothing is encrypted
      }
      if (staticWithRemoteE && !ephemeralWithRemoteE) {
        throw invalid(
            where
                + " encrypts after a DH of its static key with the remote ephemeral"
                + " but without a DH of its ephemeral with it");
      }
      if (staticWithRemoteS && !ephemeralWithRemoteS) {
        throw invalid(
            where
                + " encrypts after a DH of its static key with the remote static"
                + " but without a DH of its ephemeral with it");
      }
      if (psk && !sentE) {
        throw invalid(
            where
                + " encrypts after a psk without having sent an ephemeral key"
                + " (Noise section 9.3)");
      }
    }
  }
}
