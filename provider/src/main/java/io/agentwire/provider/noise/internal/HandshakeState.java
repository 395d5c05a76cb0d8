package io.agentwire.provider.noise.internal;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.internal.Backends;
import io.agentwire.provider.noise.NoiseException;
import io.agentwire.provider.noise.NoiseHandshake.Action;
import io.agentwire.provider.noise.NoiseHandshakeSpi;
import io.agentwire.provider.noise.NoiseProtocol;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.provider.noise.NoiseTransport;
import io.agentwire.provider.noise.internal.HandshakePattern.Message;
import io.agentwire.provider.noise.internal.HandshakePattern.Token;
import io.agentwire.provider.xec.XecKeyCodec;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The HandshakeState of Noise revision 34, section 5.3, with the psk (section 9) and fallback
 * (section 10.2) modifiers. I/O-free: bytes in, bytes out. Reading is transactional: a message that
 * fails leaves the state as it was. Not thread-safe.
 *
 * <p>Over 700 lines because section 5.3 is one object: WriteMessage, ReadMessage and Split share
 * the token loop, the transactional copy and the fallback re-initialisation, and splitting them
 * would scatter one algorithm the spec presents in one place.
 */
public final class HandshakeState extends NoiseHandshakeSpi {

  private final NoiseProtocol protocol;
  private final HandshakePattern pattern;
  private final DhFunction dh;
  private final int dhLength;

  private NoiseRole role;
  private boolean alice;
  private byte[] prologue = new byte[0];
  private byte[] localStatic;
  private byte[] localStaticPublic;
  private byte[] localEphemeral;
  private byte[] localEphemeralPublic;
  private byte[] fixedEphemeral;
  private byte[] remoteStatic;
  private byte[] remoteEphemeral;
  private byte[] failedRemoteEphemeral;
  private final byte[][] psks;

  private SymmetricState symmetric;
  private int messageIndex;
  private boolean split;
  private boolean failed;
  private boolean destroyed;

  /** A handshake for {@code protocolName}. */
  public HandshakeState(String protocolName) throws NoSuchAlgorithmException {
    this(NoiseProtocol.parse(protocolName));
  }

  HandshakeState(NoiseProtocol protocol) throws NoSuchAlgorithmException {
    this.protocol = protocol;
    this.pattern = NoiseNames.pattern(NoiseNames.parse(protocol.name()));
    this.dh = Backends.dh(protocol.dh());
    this.dhLength = dh.keyLength();
    this.psks = new byte[pattern.messages.size() + 1][];
  }

  @Override
  protected NoiseProtocol engineGetProtocol() {
    return protocol;
  }

  @Override
  protected void engineInit(NoiseRole newRole) {
    checkLive();
    if (role != null) {
      throw new IllegalStateException("init(role) was already called");
    }
    role = newRole;
    alice = (newRole == NoiseRole.INITIATOR) != pattern.bobInitiated;
  }

  @Override
  protected NoiseRole engineGetRole() {
    return role;
  }

  private void checkConfigurable(String what) {
    checkLive();
    if (role == null) {
      throw new IllegalStateException("call init(role) before " + what);
    }
    if (symmetric != null) {
      throw new IllegalStateException(what + " must come before the first handshake message");
    }
  }

  @Override
  protected void engineSetPrologue(byte[] newPrologue) {
    checkConfigurable("setPrologue");
    prologue = newPrologue;
  }

  private boolean localUsesStatic() {
    return usesStatic(alice);
  }

  private boolean usesStatic(boolean ofAlice) {
    if ((ofAlice ? pattern.alicePreMessage : pattern.bobPreMessage).contains(Token.S)) {
      return true;
    }
    for (Message m : pattern.messages) {
      if (m.fromAlice == ofAlice && m.tokens.contains(Token.S)) {
        return true;
      }
    }
    return false;
  }

  private java.util.List<Token> remotePre() {
    return (alice ? pattern.bobPreMessage : pattern.alicePreMessage);
  }

  private java.util.List<Token> localPre() {
    return (alice ? pattern.alicePreMessage : pattern.bobPreMessage);
  }

  @Override
  protected void engineSetLocalStaticKey(KeyPair keyPair) throws InvalidKeyException {
    checkConfigurable("setLocalStaticKey");
    byte[] priv = XecKeyCodec.exportPrivateScalar(keyPair.getPrivate(), protocol.dh());
    byte[] pub = XecKeyCodec.rawPublicKeyOf(keyPair.getPrivate(), protocol.dh());
    if (keyPair.getPublic() != null
        && !Arrays.equals(pub, XecKeyCodec.rawPublicKey(keyPair.getPublic(), protocol.dh()))) {
      Arrays.fill(priv, (byte) 0);
      throw new InvalidKeyException("the key pair's public key does not match its private key");
    }
    installLocalStatic(priv, pub);
  }

  @Override
  protected void engineSetLocalStaticKey(PrivateKey privateKey) throws InvalidKeyException {
    checkConfigurable("setLocalStaticKey");
    byte[] priv = XecKeyCodec.exportPrivateScalar(privateKey, protocol.dh());
    installLocalStatic(priv, XecKeyCodec.rawPublicKeyOf(privateKey, protocol.dh()));
  }

  private void installLocalStatic(byte[] priv, byte[] pub) {
    if (!localUsesStatic()) {
      Arrays.fill(priv, (byte) 0);
      throw new IllegalStateException(
          "pattern " + pattern.name + " gives the " + roleName() + " no static key");
    }
    wipe(localStatic);
    localStatic = priv;
    localStaticPublic = pub;
  }

  @Override
  protected void engineSetRemoteStaticKey(PublicKey publicKey) throws InvalidKeyException {
    checkConfigurable("setRemoteStaticKey");
    if (!remotePre().contains(Token.S)) {
      throw new IllegalStateException(
          "pattern "
              + pattern.name
              + " does not give the "
              + roleName()
              + " the peer's static key in advance; it is learned during the handshake"
              + " (getRemoteStaticKey())");
    }
    remoteStatic = XecKeyCodec.rawPublicKey(publicKey, protocol.dh());
  }

  @Override
  protected void engineSetPsk(int position, byte[] psk) {
    checkLive();
    if (position < 0 || position >= psks.length || !pskUsed(position)) {
      throw new IllegalArgumentException(
          "pattern " + pattern.name + " has no psk" + position + " modifier");
    }
    if (psk.length != 32) {
      throw new IllegalArgumentException("a Noise PSK is 32 bytes, got " + psk.length);
    }
    if (split || pskConsumed(position)) {
      throw new IllegalStateException("psk" + position + " was already used by the handshake");
    }
    wipe(psks[position]);
    psks[position] = psk;
  }

  private boolean pskUsed(int position) {
    if (position == 0) {
      return pattern.messages.get(0).tokens.get(0) == Token.PSK;
    }
    java.util.List<Token> tokens = pattern.messages.get(position - 1).tokens;
    return tokens.get(tokens.size() - 1) == Token.PSK;
  }

  private boolean pskConsumed(int position) {
    return position == 0 ? messageIndex > 0 : messageIndex >= position;
  }

  @Override
  protected void engineSetEphemeralKeyForTesting(PrivateKey privateKey) throws InvalidKeyException {
    checkConfigurable("setEphemeralKeyForTesting");
    fixedEphemeral = XecKeyCodec.exportPrivateScalar(privateKey, protocol.dh());
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  @Override
  protected Action engineGetAction() {
    if (destroyed || split || failed) {
      return Action.DONE;
    }
    if (role == null) {
      throw new IllegalStateException("call init(role) first");
    }
    if (messageIndex == pattern.messages.size()) {
      return Action.SPLIT;
    }
    return pattern.messages.get(messageIndex).fromAlice == alice
        ? Action.WRITE_MESSAGE
        : Action.READ_MESSAGE;
  }

  private void expect(Action action, String call) {
    checkLive();
    Action now = engineGetAction();
    if (now != action) {
      if (failed) {
        throw new IllegalStateException(
            "the handshake failed while writing a message and cannot continue");
      }
      throw new IllegalStateException(
          call
              + " called out of order: the "
              + roleName()
              + " of "
              + pattern.name
              + " should now "
              + describe(now));
    }
  }

  private static String describe(Action a) {
    switch (a) {
      case WRITE_MESSAGE:
        return "write a message";
      case READ_MESSAGE:
        return "read a message";
      case SPLIT:
        return "call split(): the handshake is complete";
      default:
        return "do nothing more";
    }
  }

  private void start() throws GeneralSecurityException {
    if (symmetric != null) {
      return;
    }
    if (localUsesStatic() && localStatic == null) {
      throw new IllegalStateException(
          "pattern "
              + pattern.name
              + " needs the "
              + roleName()
              + "'s static key: call setLocalStaticKey first");
    }
    if (remotePre().contains(Token.S) && remoteStatic == null) {
      throw new IllegalStateException(
          "pattern "
              + pattern.name
              + " needs the peer's static key in advance:"
              + " call setRemoteStaticKey first");
    }
    if (localPre().contains(Token.E) && localEphemeral == null) {
      throw new IllegalStateException(
          "pattern "
              + pattern.name
              + " needs the "
              + roleName()
              + "'s ephemeral key from the first handshake: use fallback()");
    }
    if (remotePre().contains(Token.E) && remoteEphemeral == null) {
      throw new IllegalStateException(
          "pattern " + pattern.name + " needs the peer's ephemeral key: use fallback()");
    }
    SymmetricState s = new SymmetricState(protocol.hash(), protocol.cipher());
    s.initialize(protocol.name());
    s.mixHash(prologue, 0, prologue.length);
    // Section 7.1: the initiator's pre-message keys are hashed first. Fallback patterns, the only
    // Bob-initiated ones, are limited to bases without pre-messages, so only Alice's can exist
    // then.
    preMessage(s, pattern.alicePreMessage, alice);
    preMessage(s, pattern.bobPreMessage, !alice);
    symmetric = s;
  }

  private void preMessage(SymmetricState s, java.util.List<Token> tokens, boolean local)
      throws GeneralSecurityException {
    for (Token t : tokens) {
      byte[] key =
          t == Token.E
              ? (local ? localEphemeralPublic : remoteEphemeral)
              : (local ? localStaticPublic : remoteStatic);
      s.mixHash(key, 0, dhLength);
      if (t == Token.E && pattern.hasPsk) {
        s.mixKey(key, 0, dhLength); // section 9.2
      }
    }
  }

  @Override
  protected int engineGetMessageLength(int payloadLength) {
    expect(Action.WRITE_MESSAGE, "getMessageLength");
    if (payloadLength < 0) {
      throw new IllegalArgumentException("negative payload length");
    }
    if (payloadLength > NoiseTransport.MAX_MESSAGE) {
      throw new IllegalArgumentException(
          "a payload of " + payloadLength + " bytes exceeds the Noise limit of 65535");
    }
    return overhead(messageIndex, keyedNow()) + payloadLength;
  }

  /** Whether a key is set now; before the first message, whether pre-messages will set one. */
  private boolean keyedNow() {
    if (symmetric != null) {
      return symmetric.hasKey();
    }
    return pattern.hasPsk
        && (pattern.alicePreMessage.contains(Token.E) || pattern.bobPreMessage.contains(Token.E));
  }

  /** The bytes a message adds to its payload, given whether a key is set when it starts. */
  private int overhead(int index, boolean keyed) {
    int length = 0;
    for (Token t : pattern.messages.get(index).tokens) {
      switch (t) {
        case E:
          length += dhLength;
          keyed |= pattern.hasPsk;
          break;
        case S:
          length += dhLength + (keyed ? AeadCipher.TAG_LENGTH : 0);
          break;
        default:
          keyed = true;
      }
    }
    return length + (keyed ? AeadCipher.TAG_LENGTH : 0);
  }

  @Override
  protected int engineWriteMessage(
      byte[] payload, int offset, int length, byte[] out, int outOffset)
      throws GeneralSecurityException {
    expect(Action.WRITE_MESSAGE, "writeMessage");
    start();
    Message message = pattern.messages.get(messageIndex);
    int total = overhead(messageIndex, symmetric.hasKey()) + length;
    if (total > NoiseTransport.MAX_MESSAGE) {
      throw new IllegalArgumentException(
          "a payload of "
              + length
              + " bytes makes a handshake message of "
              + total
              + " bytes, above the Noise limit of 65535");
    }
    if (outOffset < 0 || out.length - outOffset < total) {
      throw new IllegalArgumentException(
          "output buffer has room for "
              + Math.max(0, out.length - outOffset)
              + " bytes; the message needs "
              + total);
    }
    for (int i = 0; i < message.tokens.size(); i++) {
      if (message.tokens.get(i) == Token.PSK && psks[pskPosition(i)] == null) {
        throw new IllegalStateException(
            "message "
                + (messageIndex + 1)
                + " of "
                + pattern.name
                + " needs psk"
                + pskPosition(i)
                + ": call setPsk first");
      }
    }
    if (payload == out && offset < outOffset + total && outOffset < offset + length) {
      // Token bytes are written ahead of the payload; an overlapping payload would be overwritten
      // before it is encrypted.
      payload = Arrays.copyOfRange(payload, offset, offset + length);
      offset = 0;
    }
    // Past this point nothing is retried: a failure would risk reusing a nonce, so it is final.
    try {
      int pos = outOffset;
      byte[] dhOut = new byte[dhLength];
      for (int i = 0; i < message.tokens.size(); i++) {
        Token t = message.tokens.get(i);
        switch (t) {
          case E:
            localEphemeral = new byte[dhLength];
            if (fixedEphemeral != null) {
              System.arraycopy(fixedEphemeral, 0, localEphemeral, 0, dhLength);
            } else {
              Backends.randomBytes(localEphemeral);
            }
            localEphemeralPublic = new byte[dhLength];
            dh.publicKey(localEphemeral, localEphemeralPublic);
            System.arraycopy(localEphemeralPublic, 0, out, pos, dhLength);
            symmetric.mixHash(localEphemeralPublic, 0, dhLength);
            if (pattern.hasPsk) {
              symmetric.mixKey(localEphemeralPublic, 0, dhLength);
            }
            pos += dhLength;
            break;
          case S:
            pos += symmetric.encryptAndHash(localStaticPublic, 0, dhLength, out, pos);
            break;
          case PSK:
            symmetric.mixKeyAndHash(psks[pskPosition(i)]);
            break;
          default:
            dh(t, dhOut);
        }
      }
      pos += symmetric.encryptAndHash(payload, offset, length, out, pos);
      Arrays.fill(dhOut, (byte) 0);
      messageIndex++;
      return pos - outOffset;
    } catch (GeneralSecurityException | RuntimeException e) {
      failed = true;
      wipeSecrets();
      throw e;
    }
  }

  @Override
  protected int engineReadMessage(byte[] message, int offset, int length, byte[] out, int outOffset)
      throws GeneralSecurityException {
    expect(Action.READ_MESSAGE, "readMessage");
    start();
    int index = messageIndex + 1;
    if (length > NoiseTransport.MAX_MESSAGE) {
      throw new NoiseException(
          NoiseException.Reason.MESSAGE_TOO_LONG,
          "handshake message "
              + index
              + " is "
              + length
              + " bytes, above the Noise limit of 65535");
    }
    int minimum = overhead(messageIndex, symmetric.hasKey());
    if (length < minimum) {
      throw new NoiseException(
          NoiseException.Reason.MESSAGE_TOO_SHORT,
          "handshake message "
              + index
              + " of "
              + pattern.name
              + " is "
              + length
              + " bytes; it needs at least "
              + minimum);
    }
    int payloadLength = length - minimum;
    if (outOffset < 0 || out.length - outOffset < payloadLength) {
      throw new IllegalArgumentException(
          "output buffer has room for "
              + Math.max(0, out.length - outOffset)
              + " bytes; the payload is "
              + payloadLength);
    }
    Message m = pattern.messages.get(messageIndex);
    for (int i = 0; i < m.tokens.size(); i++) {
      if (m.tokens.get(i) == Token.PSK && psks[pskPosition(i)] == null) {
        throw new IllegalStateException(
            "message "
                + index
                + " of "
                + pattern.name
                + " needs psk"
                + pskPosition(i)
                + ": call setPsk first");
      }
    }
    SymmetricState.Snapshot snapshot = symmetric.snapshot();
    byte[] savedRemoteEphemeral = remoteEphemeral;
    byte[] savedRemoteStatic = remoteStatic;
    byte[] dhOut = new byte[dhLength];
    try {
      int pos = offset;
      for (int i = 0; i < m.tokens.size(); i++) {
        Token t = m.tokens.get(i);
        switch (t) {
          case E:
            remoteEphemeral = Arrays.copyOfRange(message, pos, pos + dhLength);
            symmetric.mixHash(remoteEphemeral, 0, dhLength);
            if (pattern.hasPsk) {
              symmetric.mixKey(remoteEphemeral, 0, dhLength);
            }
            pos += dhLength;
            break;
          case S:
            int sLength = dhLength + (symmetric.hasKey() ? AeadCipher.TAG_LENGTH : 0);
            byte[] rs = new byte[sLength];
            symmetric.decryptAndHash(message, pos, sLength, rs, 0);
            remoteStatic = Arrays.copyOf(rs, dhLength);
            pos += sLength;
            break;
          case PSK:
            symmetric.mixKeyAndHash(psks[pskPosition(i)]);
            break;
          default:
            dh(t, dhOut);
        }
      }
      int written = symmetric.decryptAndHash(message, pos, offset + length - pos, out, outOffset);
      messageIndex++;
      snapshot.wipe();
      return written;
    } catch (GeneralSecurityException | RuntimeException e) {
      if (remoteEphemeral != savedRemoteEphemeral) {
        failedRemoteEphemeral = remoteEphemeral; // kept for fallback()
      }
      remoteEphemeral = savedRemoteEphemeral;
      remoteStatic = savedRemoteStatic;
      symmetric.restore(snapshot);
      snapshot.wipe();
      throw e;
    } finally {
      Arrays.fill(dhOut, (byte) 0);
    }
  }

  private int pskPosition(int tokenIndex) {
    return (messageIndex == 0 && tokenIndex == 0) ? 0 : messageIndex + 1;
  }

  /** The DH tokens of section 7.1; in the notation the first letter is Alice's key. */
  private void dh(Token t, byte[] dhOut) throws GeneralSecurityException {
    byte[] local;
    byte[] remote;
    switch (t) {
      case EE:
        local = localEphemeral;
        remote = remoteEphemeral;
        break;
      case ES:
        local = alice ? localEphemeral : localStatic;
        remote = alice ? remoteStatic : remoteEphemeral;
        break;
      case SE:
        local = alice ? localStatic : localEphemeral;
        remote = alice ? remoteEphemeral : remoteStatic;
        break;
      case SS:
        local = localStatic;
        remote = remoteStatic;
        break;
      default:
        throw new AssertionError(t);
    }
    try {
      dh.agree(local, remote, dhOut);
    } catch (InvalidKeyException e) {
      throw new InvalidKeyException(
          "handshake message "
              + (messageIndex + 1)
              + " ("
              + t.name().toLowerCase(Locale.ROOT)
              + "): the peer's "
              + protocol.dh()
              + " key has small order",
          e);
    }
    symmetric.mixKey(dhOut, 0, dhLength);
  }

  // ---------------------------------------------------------------------------------------------
  // Completion

  @Override
  protected byte[] engineGetHandshakeHash() {
    checkLive();
    if (symmetric == null || messageIndex < pattern.messages.size()) {
      throw new IllegalStateException(
          "the handshake hash is final only once the handshake is complete");
    }
    return symmetric.handshakeHash();
  }

  @Override
  protected Optional<PublicKey> engineGetRemoteStaticKey() {
    checkLive();
    return Optional.ofNullable(remoteStatic).map(this::remoteStaticKey);
  }

  /** The peer's static key as a JCA key; its length was checked when it was learned. */
  private PublicKey remoteStaticKey(byte[] raw) {
    try {
      return XecKeyCodec.publicKey(protocol.dh(), raw);
    } catch (InvalidKeySpecException e) {
      throw new IllegalStateException("a stored remote static key has the wrong length", e);
    }
  }

  @Override
  protected NoiseTransport engineSplit() throws GeneralSecurityException {
    expect(Action.SPLIT, "split");
    CipherState[] pair = symmetric.split();
    byte[] h = symmetric.handshakeHash();
    boolean initiator = role == NoiseRole.INITIATOR;
    CipherState sending = initiator ? pair[0] : pair[1];
    CipherState receiving = initiator ? pair[1] : pair[0];
    if (protocol.isOneWay()) {
      // Section 7.4: only the initiator sends; the other CipherState is discarded.
      (initiator ? receiving : sending).destroy();
      if (initiator) {
        receiving = null;
      } else {
        sending = null;
      }
    }
    PublicKey rs = remoteStatic == null ? null : remoteStaticKey(remoteStatic);
    split = true;
    wipeSecrets();
    return new TransportEngine(protocol, role, sending, receiving, h, rs);
  }

  @Override
  protected NoiseHandshakeSpi engineFallback(NoiseProtocol target) throws GeneralSecurityException {
    checkLive();
    if (!target.isFallback()) {
      throw new NoSuchAlgorithmException(target.name() + " has no fallback modifier");
    }
    if (target.dh() != protocol.dh()) {
      throw new NoSuchAlgorithmException(
          "a fallback must keep the DH function: " + protocol.name() + " -> " + target.name());
    }
    if (role == null || split) {
      throw new IllegalStateException("fallback() needs a started, unfinished handshake");
    }
    HandshakeState next = new HandshakeState(target);
    next.engineInit(role.opposite());
    next.prologue = prologue.clone();
    if (alice) {
      // The initiator of the failed handshake re-uses the ephemeral key of its first message.
      if (messageIndex != 1 || localEphemeral == null) {
        throw new IllegalStateException(
            "fallback() is for the initiator after it has written exactly the first message");
      }
      next.localEphemeral = localEphemeral.clone();
      next.localEphemeralPublic = localEphemeralPublic.clone();
    } else {
      byte[] re = failedRemoteEphemeral;
      if (messageIndex != 0 || re == null) {
        throw new IllegalStateException(
            "fallback() is for the responder after reading the first message failed");
      }
      next.remoteEphemeral = re.clone();
      if (next.remotePre().contains(Token.S)) {
        if (remoteStatic == null) {
          throw new IllegalStateException("the fallback pattern needs the peer's static key");
        }
        next.remoteStatic = remoteStatic.clone();
      }
    }
    if (localStatic != null && next.localUsesStatic()) {
      next.localStatic = localStatic.clone();
      next.localStaticPublic = localStaticPublic.clone();
    }
    engineDestroy();
    return next;
  }

  @Override
  protected void engineDestroy() {
    wipeSecrets();
    if (symmetric != null) {
      symmetric.destroy();
    }
    destroyed = true;
  }

  @Override
  protected boolean engineIsDestroyed() {
    return destroyed;
  }

  private void wipeSecrets() {
    wipe(localStatic);
    wipe(localEphemeral);
    wipe(fixedEphemeral);
    for (byte[] psk : psks) {
      wipe(psk);
    }
    localStatic = null;
    localEphemeral = null;
    fixedEphemeral = null;
    Arrays.fill(psks, null);
    if (symmetric != null && (split || failed)) {
      symmetric.destroy();
    }
  }

  private static void wipe(byte[] secret) {
    if (secret != null) {
      Arrays.fill(secret, (byte) 0);
    }
  }

  private void checkLive() {
    if (destroyed) {
      throw new IllegalStateException("this handshake was destroyed");
    }
    if (split) {
      throw new IllegalStateException(
          "the handshake is finished: split() returned the transport; use that");
    }
  }

  private String roleName() {
    return role == null ? "party" : role.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "HandshakeState[" + protocol.name() + "]";
  }
}
