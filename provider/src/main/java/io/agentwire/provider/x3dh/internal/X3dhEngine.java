package io.agentwire.provider.x3dh.internal;

import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import io.agentwire.provider.ratchet.DoubleRatchet;
import io.agentwire.provider.ratchet.RatchetSession;
import io.agentwire.provider.shared.internal.DecodingException;
import io.agentwire.provider.shared.internal.Encodings;
import io.agentwire.provider.shared.internal.Hmac;
import io.agentwire.provider.shared.internal.Sha256Trailer;
import io.agentwire.provider.shared.internal.WipeableOutput;
import io.agentwire.provider.signal.internal.Protobuf;
import io.agentwire.provider.signal.internal.SignalV3RatchetProfile;
import io.agentwire.provider.x3dh.PrekeyBundle;
import io.agentwire.provider.x3dh.X3dh;
import io.agentwire.provider.x3dh.X3dhException;
import io.agentwire.provider.x3dh.X3dhException.Reason;
import io.agentwire.provider.x3dh.X3dhSpi;
import io.agentwire.provider.xec.internal.XEdDsa;
import io.agentwire.provider.xec.internal.XecKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * The provider's {@link X3dhSpi} (X3DH specification revision 1, sections 2-3): SK = HKDF(salt = 32
 * zero bytes, ikm = 32 x 0xFF || DH1 || DH2 || DH3 [|| DH4], info) with DH1 = DH(IK_A, SPK_B), DH2
 * = DH(EK_A, IK_B), DH3 = DH(EK_A, SPK_B), DH4 = DH(EK_A, OPK_B); AD = Encode(IK_A) ||
 * Encode(IK_B). Every DH runs on raw arrays through the backend so each scalar is wiped after use.
 */
public final class X3dhEngine extends X3dhSpi {

  private static final int KEY = 32;
  private static final int MAX_ONE_TIME_PREKEYS = 10_000;
  private static final int KEPT_SIGNED_PREKEYS = 4;

  private final boolean signalV3;
  private final DhFunction dh = Backends.dh(Primitive.X25519);

  X3dhEngine(boolean signalV3) {
    this.signalV3 = signalV3;
  }

  public static X3dhEngine forProfile(String name) {
    if (X3dh.DEFAULT_PROFILE.equals(name)) {
      return new X3dhEngine(false);
    }
    return X3dh.SIGNAL_V3_PROFILE.equals(name) ? new X3dhEngine(true) : null;
  }

  @Override
  protected String engineGetProfile() {
    return signalV3 ? X3dh.SIGNAL_V3_PROFILE : X3dh.DEFAULT_PROFILE;
  }

  @Override
  protected int engineGetSecretLength() {
    return signalV3 ? 64 : 32;
  }

  private byte[] info() {
    return (signalV3 ? "WhisperText" : "AgentWire_X3DH_25519_SHA256")
        .getBytes(StandardCharsets.US_ASCII);
  }

  // ---- initiator ----

  @Override
  protected X3dh.Initiated engineInitiate(
      KeyPair identity, PrekeyBundle bundle, PublicKey expectedIdentity, DoubleRatchet ratchet)
      throws GeneralSecurityException {
    byte[] ikA = rawPrivateOf(identity);
    byte[] ek = new byte[KEY];
    try {
      byte[] ikAPublic = XecKeys.rawPublic(identity.getPublic(), Primitive.X25519);
      byte[] ikB = XecKeys.rawPublic(bundle.identityKey(), Primitive.X25519);
      if (expectedIdentity != null
          && !MessageDigest.isEqual(XecKeys.rawPublic(expectedIdentity, Primitive.X25519), ikB)) {
        throw new X3dhException(
            Reason.WRONG_IDENTITY, "the bundle's identity key is not the expected one");
      }
      byte[] spkB = XecKeys.rawPublic(bundle.signedPrekey(), Primitive.X25519);
      if (!XEdDsa.verify(ikB, Encodings.encodeKey(spkB), bundle.signature())) {
        throw new X3dhException(
            Reason.BAD_SIGNATURE,
            "the signed prekey's signature does not verify under the bundle's identity key");
      }
      PublicKey opk = bundle.oneTimePrekey();
      byte[] opkB = opk == null ? null : XecKeys.rawPublic(opk, Primitive.X25519);
      Backends.randomBytes(ek);
      byte[] ekPublic = new byte[KEY];
      dh.publicKey(ek, ekPublic);
      byte[] sk = deriveSecret(ikA, spkB, ek, ikB, ek, spkB, opkB == null ? null : ek, opkB);
      byte[] ad = concat(Encodings.encodeKey(ikAPublic), Encodings.encodeKey(ikB));
      RatchetSession session;
      try {
        session = ratchet.initInitiator(sk, bundle.signedPrekey(), ad);
      } finally {
        Arrays.fill(sk, (byte) 0);
      }
      return new Initiated(
          session,
          bundle.identityKey(),
          ikAPublic,
          ekPublic,
          bundle.signedPrekeyId(),
          bundle.oneTimePrekeyId());
    } finally {
      Arrays.fill(ikA, (byte) 0);
      Arrays.fill(ek, (byte) 0);
    }
  }

  private final class Initiated implements X3dh.Initiated {
    private final RatchetSession session;
    private final PublicKey responderIdentity;
    private final byte[] identity;
    private final byte[] ephemeral;
    private final int signedPrekeyId;
    private final OptionalInt oneTimePrekeyId;

    Initiated(
        RatchetSession session,
        PublicKey responderIdentity,
        byte[] identity,
        byte[] ephemeral,
        int signedPrekeyId,
        OptionalInt oneTimePrekeyId) {
      this.session = session;
      this.responderIdentity = responderIdentity;
      this.identity = identity;
      this.ephemeral = ephemeral;
      this.signedPrekeyId = signedPrekeyId;
      this.oneTimePrekeyId = oneTimePrekeyId;
    }

    @Override
    public RatchetSession session() {
      return session;
    }

    @Override
    public PublicKey responderIdentity() {
      return responderIdentity;
    }

    @Override
    public byte[] encrypt(byte[] plaintext) throws GeneralSecurityException {
      byte[] ratchetMessage = session.encrypt(plaintext);
      if (session.hasReceived()) {
        return ratchetMessage;
      }
      return encodeInitialMessage(
          identity, ephemeral, signedPrekeyId, oneTimePrekeyId, ratchetMessage);
    }

    @Override
    public byte[] decrypt(byte[] message) throws GeneralSecurityException {
      return session.decrypt(message);
    }

    @Override
    public byte[] serialize() {
      byte[] sessionBlob = session.serialize();
      WipeableOutput out = new WipeableOutput(4 + 2 + 32 * 3 + 4 + 5 + 4 + sessionBlob.length);
      out.writeBytes(INITIATOR_MAGIC);
      out.write(1);
      out.write(signalV3 ? 2 : 1);
      out.writeBytes(identity);
      out.writeBytes(ephemeral);
      try {
        out.writeBytes(XecKeys.rawPublic(responderIdentity, Primitive.X25519));
      } catch (InvalidKeyException e) {
        throw new IllegalStateException("the bundle's identity key was checked as X25519", e);
      }
      out.u32(Integer.toUnsignedLong(signedPrekeyId));
      out.write(oneTimePrekeyId.isPresent() ? 1 : 0);
      out.u32(Integer.toUnsignedLong(oneTimePrekeyId.orElse(0)));
      out.u32(sessionBlob.length);
      out.writeBytes(sessionBlob);
      Arrays.fill(sessionBlob, (byte) 0);
      byte[] blob = out.toByteArrayAndWipe(32);
      return Sha256Trailer.fill(blob);
    }

    @Override
    public String toString() {
      return "X3dh.Initiated[" + session + "]";
    }
  }

  // ---- initial message formats (docs/RATCHET.md) ----

  byte[] encodeInitialMessage(
      byte[] identity,
      byte[] ephemeral,
      int signedPrekeyId,
      OptionalInt oneTimePrekeyId,
      byte[] ratchetMessage) {
    if (signalV3) {
      // libsignal's PreKeySignalMessage: version byte, then protobuf fields in number order.
      Protobuf.Writer w = new Protobuf.Writer();
      if (oneTimePrekeyId.isPresent()) {
        w.uint32(1, Integer.toUnsignedLong(oneTimePrekeyId.getAsInt()));
      }
      byte[] body =
          w.bytes(2, Encodings.encodeKey(ephemeral))
              .bytes(3, Encodings.encodeKey(identity))
              .bytes(4, ratchetMessage)
              .uint32(5, 0)
              .uint32(6, Integer.toUnsignedLong(signedPrekeyId))
              .toByteArray();
      byte[] out = new byte[1 + body.length];
      out[0] = (byte) SignalV3RatchetProfile.VERSION_BYTE;
      System.arraycopy(body, 0, out, 1, body.length);
      return out;
    }
    int header = 1 + 33 + 33 + 4 + 1 + (oneTimePrekeyId.isPresent() ? 4 : 0);
    byte[] out = new byte[header + ratchetMessage.length];
    out[0] = 1;
    System.arraycopy(Encodings.encodeKey(identity), 0, out, 1, 33);
    System.arraycopy(Encodings.encodeKey(ephemeral), 0, out, 34, 33);
    Encodings.putUint32(out, 67, Integer.toUnsignedLong(signedPrekeyId));
    out[71] = (byte) (oneTimePrekeyId.isPresent() ? 1 : 0);
    if (oneTimePrekeyId.isPresent()) {
      Encodings.putUint32(out, 72, Integer.toUnsignedLong(oneTimePrekeyId.getAsInt()));
    }
    System.arraycopy(ratchetMessage, 0, out, header, ratchetMessage.length);
    return out;
  }

  @Override
  protected X3dh.InitialMessage engineParseInitialMessage(byte[] m) throws X3dhException {
    try {
      return signalV3 ? parseSignalV3(m) : parseDefault(m);
    } catch (DecodingException e) {
      throw malformed(e.getMessage());
    }
  }

  private static X3dh.InitialMessage parseDefault(byte[] m)
      throws X3dhException, DecodingException {
    if (m.length < 72 || m[0] != 1) {
      throw malformed("not an initial message of profile " + X3dh.DEFAULT_PROFILE);
    }
    byte[] identity = Encodings.decodeKey(m, 1);
    byte[] ephemeral = Encodings.decodeKey(m, 34);
    int spkId = (int) Encodings.getUint32(m, 67);
    int flag = m[71];
    OptionalInt opkId;
    int header;
    if (flag == 0) {
      opkId = OptionalInt.empty();
      header = 72;
    } else if (flag == 1 && m.length >= 76) {
      opkId = OptionalInt.of((int) Encodings.getUint32(m, 72));
      header = 76;
    } else {
      throw malformed("the one-time prekey flag of an initial message is invalid");
    }
    return new X3dh.InitialMessage(
        XecKeys.publicKey(Primitive.X25519, identity),
        XecKeys.publicKey(Primitive.X25519, ephemeral),
        spkId,
        opkId,
        Arrays.copyOfRange(m, header, m.length));
  }

  private static X3dh.InitialMessage parseSignalV3(byte[] m)
      throws X3dhException, DecodingException {
    if (m.length < 1 || (m[0] & 0xff) != SignalV3RatchetProfile.VERSION_BYTE) {
      throw new X3dhException(Reason.UNSUPPORTED_VERSION, "not a version-3 PreKeySignalMessage");
    }
    Protobuf.Reader r = new Protobuf.Reader(m, 1, m.length - 1);
    OptionalInt opkId = OptionalInt.empty();
    long spkId = -1;
    byte[] base = null;
    byte[] identity = null;
    byte[] message = null;
    while (r.next()) {
      switch (r.field()) {
        case 1 -> opkId = OptionalInt.of((int) r.uint32());
        case 2 -> base = Encodings.decodeKey(r.bytes());
        case 3 -> identity = Encodings.decodeKey(r.bytes());
        case 4 -> message = r.bytes();
        case 6 -> spkId = r.uint32();
        default -> r.skip();
      }
    }
    if (spkId < 0 || base == null || identity == null || message == null) {
      throw Protobuf.malformed(
          "a PreKeySignalMessage needs a signed prekey id, a base key, an identity key and a"
              + " message");
    }
    return new X3dh.InitialMessage(
        XecKeys.publicKey(Primitive.X25519, identity),
        XecKeys.publicKey(Primitive.X25519, base),
        (int) spkId,
        opkId,
        message);
  }

  // ---- responder ----

  @Override
  protected X3dh.Responder engineNewResponder(KeyPair identity) throws GeneralSecurityException {
    byte[] priv = rawPrivateOf(identity);
    byte[] pub = XecKeys.rawPublic(identity.getPublic(), Primitive.X25519);
    Responder r = new Responder(priv, pub);
    r.rotateSignedPrekey();
    return r;
  }

  static final byte[] INITIATOR_MAGIC = {'A', 'W', 'I', 'N'};

  @Override
  protected X3dh.Initiated engineRestoreInitiated(byte[] blob, DoubleRatchet ratchet)
      throws GeneralSecurityException {
    if (blob.length < 4 + 2 + 96 + 13 + 32) {
      throw corrupt("initiator", "it is too short");
    }
    int bodyLength = blob.length - 32;
    if (!Sha256Trailer.matches(blob)) {
      throw corrupt("initiator", "its checksum does not match (altered or truncated)");
    }
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(blob, 0, bodyLength);
    byte[] magic = new byte[4];
    in.get(magic);
    if (!Arrays.equals(magic, INITIATOR_MAGIC)) {
      throw corrupt("initiator", "it does not start with AWIN");
    }
    int version = in.get() & 0xff;
    int profile = in.get() & 0xff;
    if (version != 1 || profile != (signalV3 ? 2 : 1)) {
      throw new X3dhException(
          Reason.UNSUPPORTED_VERSION,
          "the initiator is of format version "
              + version
              + " and profile #"
              + profile
              + "; this engine reads version 1 of profile "
              + engineGetProfile());
    }
    byte[] identity = key(in);
    byte[] ephemeral = key(in);
    byte[] responder = key(in);
    int spkId = in.getInt();
    int hasOpk = in.get();
    int opkId = in.getInt();
    long sessionLength = Integer.toUnsignedLong(in.getInt());
    if (hasOpk != 0 && hasOpk != 1 || sessionLength != in.remaining()) {
      throw corrupt("initiator", "its fields are inconsistent");
    }
    byte[] sessionBlob = new byte[(int) sessionLength];
    in.get(sessionBlob);
    try {
      RatchetSession session = ratchet.restore(sessionBlob);
      return new Initiated(
          session,
          XecKeys.publicKey(Primitive.X25519, responder),
          identity,
          ephemeral,
          spkId,
          hasOpk == 1 ? OptionalInt.of(opkId) : OptionalInt.empty());
    } finally {
      Arrays.fill(sessionBlob, (byte) 0);
    }
  }

  static final byte[] RESPONDER_MAGIC = {'A', 'W', 'P', 'K'};
  static final int RESPONDER_VERSION = 1;

  @Override
  protected X3dh.Responder engineRestoreResponder(byte[] blob) throws GeneralSecurityException {
    if (blob.length < RESPONDER_MAGIC.length + 2 + 32) {
      throw corrupt("it is too short");
    }
    int bodyLength = blob.length - 32;
    if (!Sha256Trailer.matches(blob)) {
      throw corrupt("its checksum does not match (altered or truncated)");
    }
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(blob, 0, bodyLength);
    try {
      byte[] magic = new byte[4];
      in.get(magic);
      if (!Arrays.equals(magic, RESPONDER_MAGIC)) {
        throw corrupt("it does not start with AWPK");
      }
      int version = in.get() & 0xff;
      int profile = in.get() & 0xff;
      if (version != RESPONDER_VERSION || profile != (signalV3 ? 2 : 1)) {
        throw new X3dhException(
            Reason.UNSUPPORTED_VERSION,
            "the responder is of format version "
                + version
                + " and profile #"
                + profile
                + "; this engine reads version 1 of profile "
                + engineGetProfile());
      }
      byte[] priv = key(in);
      byte[] pub = key(in);
      Responder r = new Responder(priv, pub);
      try {
        checkPair(priv, pub);
        readPrekeys(in, r);
        return r;
      } catch (X3dhException | RuntimeException e) {
        r.destroy();
        throw e;
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw corrupt("it is truncated");
    }
  }

  private void readPrekeys(java.nio.ByteBuffer in, Responder r) throws X3dhException {
    r.nextSignedId = in.getInt();
    r.nextOneTimeId = in.getInt();
    int signed = in.get() & 0xff;
    if (signed < 1 || signed > KEPT_SIGNED_PREKEYS) {
      throw corrupt("its signed prekey count is out of range");
    }
    for (int i = 0; i < signed; i++) {
      int id = in.getInt();
      if (!issued(id, r.nextSignedId) || r.signedPrekeys.stream().anyMatch(p -> p.id() == id)) {
        throw corrupt("a signed prekey id is invalid");
      }
      byte[] spk = key(in);
      byte[] spkPublic = new byte[KEY];
      dh.publicKey(spk, spkPublic);
      byte[] signature = new byte[64];
      in.get(signature);
      r.signedPrekeys.addLast(new Prekey(id, spk, spkPublic, signature));
    }
    int oneTime = in.getInt();
    if (oneTime < 0 || oneTime > MAX_ONE_TIME_PREKEYS) {
      throw corrupt("its one-time prekey count is out of range");
    }
    for (int i = 0; i < oneTime; i++) {
      int id = in.getInt();
      byte[] opk = key(in);
      byte[] opkPublic = new byte[KEY];
      dh.publicKey(opk, opkPublic);
      int published = in.get();
      if (published != 0 && published != 1
          || r.oneTimePrekeys.containsKey(id)
          || !issued(id, r.nextOneTimeId)) {
        throw corrupt("a one-time prekey entry is invalid");
      }
      r.oneTimePrekeys.put(id, new Prekey(id, opk, opkPublic, null));
      if (published == 1) {
        r.published.add(id);
      }
    }
    if (in.hasRemaining()) {
      throw corrupt("it has trailing bytes");
    }
  }

  /** Whether {@code id} is one a counter now at {@code next} has issued: 1 up to next - 1. */
  private static boolean issued(int id, int next) {
    return id != 0 && Integer.compareUnsigned(id, next) < 0;
  }

  private static byte[] key(java.nio.ByteBuffer in) {
    byte[] k = new byte[KEY];
    in.get(k);
    return k;
  }

  private void checkPair(byte[] priv, byte[] pub) throws X3dhException {
    byte[] derived = new byte[KEY];
    dh.publicKey(priv, derived);
    if (!MessageDigest.isEqual(derived, pub)) {
      throw corrupt("its identity key pair does not match");
    }
  }

  private static void writeInt(java.io.ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }

  private static X3dhException corrupt(String why) {
    return corrupt("responder", why);
  }

  private static X3dhException corrupt(String what, String why) {
    return new X3dhException(
        Reason.CORRUPT_STATE, "the serialized X3DH " + what + " is corrupt: " + why);
  }

  /** A prekey's raw key pair; the private half is wiped when the prekey is dropped. */
  private record Prekey(int id, byte[] privateKey, byte[] publicKey, byte[] signature) {
    void wipe() {
      Arrays.fill(privateKey, (byte) 0);
    }
  }

  private final class Responder implements X3dh.Responder {
    private final byte[] identityPrivate;
    private final byte[] identityPublic;
    private final Deque<Prekey> signedPrekeys = new ArrayDeque<>(); // newest first
    private final Map<Integer, Prekey> oneTimePrekeys = new TreeMap<>();
    private final Set<Integer> published = new HashSet<>();
    private int nextSignedId = 1;
    private int nextOneTimeId = 1;
    private boolean destroyed;

    Responder(byte[] identityPrivate, byte[] identityPublic) {
      this.identityPrivate = identityPrivate;
      this.identityPublic = identityPublic;
    }

    @Override
    public PublicKey identityKey() {
      return XecKeys.publicKey(Primitive.X25519, identityPublic);
    }

    @Override
    public synchronized PrekeyBundle bundle() throws GeneralSecurityException {
      checkLive();
      Prekey spk = signedPrekeys.peekFirst();
      Prekey opk = null;
      for (Prekey p : oneTimePrekeys.values()) {
        if (!published.contains(p.id())) {
          opk = p;
          break;
        }
      }
      if (opk != null) {
        published.add(opk.id());
      }
      return PrekeyBundle.of(
          identityKey(),
          spk.id(),
          XecKeys.publicKey(Primitive.X25519, spk.publicKey()),
          spk.signature(),
          opk == null ? null : opk.id(),
          opk == null ? null : XecKeys.publicKey(Primitive.X25519, opk.publicKey()));
    }

    @Override
    public synchronized int rotateSignedPrekey() throws GeneralSecurityException {
      checkLive();
      if (nextSignedId == -1) {
        throw new IllegalStateException("signed prekey ids are used up; make a new identity");
      }
      Prekey spk = newPrekey(nextSignedId++, true);
      signedPrekeys.addFirst(spk);
      while (signedPrekeys.size() > KEPT_SIGNED_PREKEYS) {
        signedPrekeys.removeLast().wipe();
      }
      return spk.id();
    }

    @Override
    public synchronized int[] addOneTimePrekeys(int count) {
      checkLive();
      if (count < 0 || count > MAX_ONE_TIME_PREKEYS - oneTimePrekeys.size()) {
        throw new IllegalArgumentException(
            "at most " + MAX_ONE_TIME_PREKEYS + " one-time prekeys may be held at once");
      }
      if (Integer.toUnsignedLong(nextOneTimeId) + count > 0xffffffffL) {
        throw new IllegalStateException(
            "one-time prekey ids are used up; make a new identity (ids are never reused)");
      }
      int[] ids = new int[count];
      for (int i = 0; i < count; i++) {
        Prekey p = newPrekey(nextOneTimeId++, false);
        oneTimePrekeys.put(p.id(), p);
        ids[i] = p.id();
      }
      return ids;
    }

    @Override
    public synchronized int unpublishedOneTimePrekeys() {
      checkLive();
      int n = 0;
      for (Integer id : oneTimePrekeys.keySet()) {
        if (!published.contains(id)) {
          n++;
        }
      }
      return n;
    }

    private Prekey newPrekey(int id, boolean signed) {
      byte[] priv = new byte[KEY];
      Backends.randomBytes(priv);
      byte[] pub = new byte[KEY];
      dh.publicKey(priv, pub);
      byte[] signature = null;
      if (signed) {
        byte[] random = new byte[64];
        Backends.randomBytes(random);
        signature = XEdDsa.sign(identityPrivate, Encodings.encodeKey(pub), random);
        Arrays.fill(random, (byte) 0);
      }
      return new Prekey(id, priv, pub, signature);
    }

    @Override
    public synchronized X3dh.Accepted accept(byte[] initialMessage, DoubleRatchet ratchet)
        throws GeneralSecurityException {
      checkLive();
      java.util.Objects.requireNonNull(initialMessage, "initialMessage");
      java.util.Objects.requireNonNull(ratchet, "ratchet");
      if (ratchet.sharedSecretLength() != engineGetSecretLength()) {
        throw new IllegalArgumentException(
            "Double Ratchet profile " + ratchet.getProfile() + " does not fit this X3DH profile");
      }
      X3dh.InitialMessage m = engineParseInitialMessage(initialMessage);
      Prekey spk = null;
      for (Prekey p : signedPrekeys) {
        if (p.id() == m.signedPrekeyId()) {
          spk = p;
        }
      }
      if (spk == null) {
        throw new X3dhException(
            Reason.UNKNOWN_PREKEY,
            "signed prekey "
                + Integer.toUnsignedString(m.signedPrekeyId())
                + " is unknown (or was rotated out)");
      }
      Prekey opk = null;
      if (m.oneTimePrekeyId().isPresent()) {
        int id = m.oneTimePrekeyId().getAsInt();
        opk = oneTimePrekeys.get(id);
        // Ids are handed out in sequence and never again, so a missing id below the next one
        // was consumed.
        if (opk == null && Integer.compareUnsigned(id, nextOneTimeId) < 0 && id != 0) {
          throw new X3dhException(
              Reason.PREKEY_REUSED,
              "one-time prekey " + Integer.toUnsignedString(id) + " was already used");
        }
        if (opk == null) {
          throw new X3dhException(
              Reason.UNKNOWN_PREKEY,
              "one-time prekey " + Integer.toUnsignedString(id) + " is unknown");
        }
      }
      byte[] ikA = XecKeys.rawPublic(m.identityKey(), Primitive.X25519);
      byte[] ekA = XecKeys.rawPublic(m.ephemeralKey(), Primitive.X25519);
      byte[] sk =
          deriveSecret(
              spk.privateKey(),
              ikA,
              identityPrivate,
              ekA,
              spk.privateKey(),
              ekA,
              opk == null ? null : opk.privateKey(),
              ekA);
      byte[] ad = concat(Encodings.encodeKey(ikA), Encodings.encodeKey(identityPublic));
      RatchetSession session;
      XecKeys.PrivateKeyImpl spkPrivate = XecKeys.privateKey(Primitive.X25519, spk.privateKey());
      try {
        session =
            ratchet.initResponder(
                sk,
                new KeyPair(XecKeys.publicKey(Primitive.X25519, spk.publicKey()), spkPrivate),
                ad);
      } finally {
        Arrays.fill(sk, (byte) 0);
        try {
          spkPrivate.destroy();
        } catch (javax.security.auth.DestroyFailedException e) {
          // PrivateKeyImpl.destroy does not fail.
        }
      }
      byte[] plaintext;
      try {
        plaintext = session.decrypt(m.ratchetMessage());
      } catch (GeneralSecurityException | RuntimeException e) {
        session.destroy();
        throw e;
      }
      if (opk != null) {
        oneTimePrekeys.remove(opk.id());
        published.remove(opk.id());
        opk.wipe();
      }
      return new Accepted(session, plaintext, m.identityKey(), ikA, ekA);
    }

    @Override
    public synchronized byte[] serialize() {
      checkLive();
      WipeableOutput out =
          new WipeableOutput(87 + signedPrekeys.size() * 100 + oneTimePrekeys.size() * 37);
      out.writeBytes(RESPONDER_MAGIC);
      out.write(RESPONDER_VERSION);
      out.write(signalV3 ? 2 : 1);
      out.writeBytes(identityPrivate);
      out.writeBytes(identityPublic);
      out.u32(Integer.toUnsignedLong(nextSignedId));
      out.u32(Integer.toUnsignedLong(nextOneTimeId));
      out.write(signedPrekeys.size());
      for (Prekey p : signedPrekeys) {
        out.u32(Integer.toUnsignedLong(p.id()));
        out.writeBytes(p.privateKey());
        out.writeBytes(p.signature());
      }
      out.u32(oneTimePrekeys.size());
      for (Prekey p : oneTimePrekeys.values()) {
        out.u32(Integer.toUnsignedLong(p.id()));
        out.writeBytes(p.privateKey());
        out.write(published.contains(p.id()) ? 1 : 0);
      }
      byte[] blob = out.toByteArrayAndWipe(32);
      return Sha256Trailer.fill(blob);
    }

    private void checkLive() {
      if (destroyed) {
        throw new IllegalStateException("the X3DH responder was destroyed");
      }
    }

    @Override
    public synchronized void destroy() {
      destroyed = true;
      Arrays.fill(identityPrivate, (byte) 0);
      signedPrekeys.forEach(Prekey::wipe);
      oneTimePrekeys.values().forEach(Prekey::wipe);
      signedPrekeys.clear();
      oneTimePrekeys.clear();
    }

    @Override
    public synchronized boolean isDestroyed() {
      return destroyed;
    }

    @Override
    public String toString() {
      return "X3dh.Responder[" + engineGetProfile() + "]";
    }
  }

  private final class Accepted implements X3dh.Accepted {
    private final RatchetSession session;
    private final byte[] plaintext;
    private final PublicKey initiatorIdentity;
    private final byte[] identity;
    private final byte[] baseKey;

    Accepted(
        RatchetSession session,
        byte[] plaintext,
        PublicKey initiatorIdentity,
        byte[] identity,
        byte[] baseKey) {
      this.session = session;
      this.plaintext = plaintext;
      this.initiatorIdentity = initiatorIdentity;
      this.identity = identity;
      this.baseKey = baseKey;
    }

    @Override
    public RatchetSession session() {
      return session;
    }

    @Override
    public byte[] plaintext() {
      return plaintext.clone();
    }

    @Override
    public PublicKey initiatorIdentity() {
      return initiatorIdentity;
    }

    @Override
    public byte[] decryptInitialMessage(byte[] initialMessage) throws GeneralSecurityException {
      java.util.Objects.requireNonNull(initialMessage, "initialMessage");
      X3dh.InitialMessage m = engineParseInitialMessage(initialMessage);
      if (!MessageDigest.isEqual(XecKeys.rawPublic(m.ephemeralKey(), Primitive.X25519), baseKey)) {
        throw new X3dhException(
            Reason.UNKNOWN_PREKEY,
            "the initial message belongs to another session (its base key differs)");
      }
      if (!MessageDigest.isEqual(XecKeys.rawPublic(m.identityKey(), Primitive.X25519), identity)) {
        throw new X3dhException(
            Reason.WRONG_IDENTITY, "the initial message names another initiator identity");
      }
      return session.decrypt(m.ratchetMessage());
    }

    @Override
    public String toString() {
      return "X3dh.Accepted[" + session + "]";
    }
  }

  // ---- the key agreement ----

  /**
   * KDF(DH1 || DH2 || DH3 [|| DH4]) with the 32 0xFF bytes of section 2.2 in front; each DH is a
   * (private, public) pair of raw keys, the fourth absent when {@code priv4} is null.
   */
  private byte[] deriveSecret(
      byte[] priv1,
      byte[] pub1,
      byte[] priv2,
      byte[] pub2,
      byte[] priv3,
      byte[] pub3,
      byte[] priv4,
      byte[] pub4)
      throws X3dhException {
    int n = priv4 == null ? 3 : 4;
    byte[] km = new byte[KEY * (n + 1)];
    Arrays.fill(km, 0, KEY, (byte) 0xff);
    byte[] shared = new byte[KEY];
    Hmac hmac = new Hmac(Primitive.SHA256);
    try {
      byte[][] pairs = {priv1, pub1, priv2, pub2, priv3, pub3, priv4, pub4};
      for (int i = 0; i < n; i++) {
        try {
          dh.agree(pairs[2 * i], pairs[2 * i + 1], shared);
        } catch (InvalidKeyException e) {
          throw new X3dhException(Reason.INVALID_KEY, "an X3DH public key is of small order", e);
        }
        System.arraycopy(shared, 0, km, KEY * (i + 1), KEY);
      }
      byte[] sk = new byte[engineGetSecretLength()];
      hmac.hkdf(null, km, 0, km.length, info(), sk);
      return sk;
    } finally {
      Arrays.fill(km, (byte) 0);
      Arrays.fill(shared, (byte) 0);
      hmac.destroy();
    }
  }

  private static byte[] rawPrivateOf(KeyPair pair) throws GeneralSecurityException {
    byte[] priv = XecKeys.rawPrivate(pair.getPrivate(), Primitive.X25519);
    byte[] pub = XecKeys.rawPublic(pair.getPublic(), Primitive.X25519);
    byte[] derived = new byte[KEY];
    Backends.dh(Primitive.X25519).publicKey(priv, derived);
    if (!MessageDigest.isEqual(derived, pub)) {
      Arrays.fill(priv, (byte) 0);
      throw new InvalidKeyException("the identity key pair's public key is not its private key's");
    }
    return priv;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static X3dhException malformed(String why) {
    return new X3dhException(Reason.MALFORMED, why);
  }
}
