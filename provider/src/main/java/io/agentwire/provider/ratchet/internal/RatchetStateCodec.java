package io.agentwire.provider.ratchet.internal;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import io.agentwire.provider.ratchet.DoubleRatchet;
import io.agentwire.provider.ratchet.RatchetException;
import io.agentwire.provider.ratchet.RatchetException.Reason;
import io.agentwire.provider.ratchet.internal.RatchetState.ByteKey;
import io.agentwire.provider.ratchet.internal.RatchetState.Fields;
import io.agentwire.provider.ratchet.internal.RatchetState.SkipKey;
import io.agentwire.provider.shared.internal.Encodings;
import io.agentwire.provider.shared.internal.Sha256Trailer;
import io.agentwire.provider.shared.internal.WipeableOutput;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The serialized form of a {@link RatchetState}, format version 1 (docs/RATCHET.md). Integers are
 * big-endian; a SHA-256 of everything before it ends the blob, so corruption is detected (this is
 * not protection against tampering: the blob holds every secret of the session and must be stored
 * encrypted). Decoding checks every length, bound and flag before using it.
 */
public final class RatchetStateCodec {

  static final byte[] MAGIC = {'A', 'W', 'D', 'R'};
  static final int VERSION = 1;
  private static final int KEY = RatchetState.KEY;
  private static final int CHECKSUM = Sha256Trailer.LENGTH;
  private static final int MAX_ASSOCIATED_DATA = 1 << 16;

  private static final int INITIATOR = 1;
  private static final int RECEIVED = 1 << 1;
  private static final int HAS_DHR = 1 << 2;
  private static final int HAS_CKS = 1 << 3;
  private static final int HAS_CKR = 1 << 4;
  private static final int HAS_HKS = 1 << 5;
  private static final int HAS_HKR = 1 << 6;
  private static final int HAS_NHKS = 1 << 7;
  private static final int HAS_NHKR = 1 << 8;
  private static final int HEADER_KEY_FLAGS = HAS_HKS | HAS_HKR | HAS_NHKS | HAS_NHKR;
  private static final int ALL_FLAGS = (1 << 9) - 1;

  private RatchetStateCodec() {}

  static byte[] encode(RatchetState state) {
    Fields f = state.fields();
    WipeableOutput out =
        new WipeableOutput(
            19 + 4 * 5 + KEY * 10 + 8 + f.associatedData.length + f.skipped.size() * (2 * KEY + 4));
    out.writeBytes(MAGIC);
    out.write(VERSION);
    out.write(f.profile.id());
    int flags =
        (f.initiator ? INITIATOR : 0)
            | (f.received ? RECEIVED : 0)
            | (f.dhr != null ? HAS_DHR : 0)
            | (f.cks != null ? HAS_CKS : 0)
            | (f.ckr != null ? HAS_CKR : 0)
            | (f.hks != null ? HAS_HKS : 0)
            | (f.hkr != null ? HAS_HKR : 0)
            | (f.nhks != null ? HAS_NHKS : 0)
            | (f.nhkr != null ? HAS_NHKR : 0);
    out.u16(flags);
    out.u32(f.maxSkip);
    out.u32(f.maxStoredKeys);
    out.u32(f.ns);
    out.u32(f.nr);
    out.u32(f.pn);
    out.writeBytes(f.dhsPrivate);
    out.writeBytes(f.dhsPublic);
    out.writeBytes(f.rk);
    for (byte[] optional : new byte[][] {f.dhr, f.cks, f.ckr, f.hks, f.hkr, f.nhks, f.nhkr}) {
      if (optional != null) {
        out.writeBytes(optional);
      }
    }
    out.u32(f.associatedData.length);
    out.writeBytes(f.associatedData);
    out.u32(f.skipped.size());
    for (Map.Entry<SkipKey, byte[]> e : f.skipped.entrySet()) {
      out.writeBytes(e.getKey().chain());
      out.u32(e.getKey().n());
      out.writeBytes(e.getValue());
    }
    return Sha256Trailer.fill(out.toByteArrayAndWipe(CHECKSUM));
  }

  /**
   * Decodes a session of profile {@code expected}; {@code profiles} names the profile of a session
   * of another one in the exception.
   */
  static RatchetState decode(RatchetProfiles profiles, RatchetProfile expected, byte[] blob)
      throws RatchetException {
    if (blob.length < MAGIC.length + 2 + CHECKSUM) {
      throw corrupt("it is too short (" + blob.length + " bytes)");
    }
    int bodyLength = blob.length - CHECKSUM;
    if (!Sha256Trailer.matches(blob)) {
      throw corrupt("its checksum does not match (altered or truncated)");
    }
    Input in = new Input(blob, bodyLength);
    if (!Arrays.equals(in.bytes(MAGIC.length), MAGIC)) {
      throw corrupt("it does not start with AWDR");
    }
    int version = in.u8();
    if (version != VERSION) {
      throw new RatchetException(
          Reason.UNSUPPORTED_VERSION,
          "serialized ratchet session of format version " + version + "; this engine reads 1");
    }
    int profileId = in.u8();
    RatchetProfile profile = profiles.byId(profileId);
    if (profile != expected) {
      throw new RatchetException(
          Reason.UNSUPPORTED_VERSION,
          "the session is of profile "
              + (profile == null ? "#" + profileId : profile.name())
              + ", this engine runs "
              + expected.name());
    }
    Fields f = new Fields();
    f.profile = profile;
    int flags = in.u16();
    if ((flags & ~ALL_FLAGS) != 0) {
      throw corrupt("it has unknown flags");
    }
    boolean he = profile.headerEncryption();
    if (!he && (flags & HEADER_KEY_FLAGS) != 0
        || he && (flags & (HAS_NHKS | HAS_NHKR)) != (HAS_NHKS | HAS_NHKR)) {
      throw corrupt("its header keys do not fit the profile");
    }
    // What the ratchet relies on: a sending chain has its header key, a receiving chain its
    // ratchet key (or header key), under which its skipped keys are filed.
    if (he && (flags & HAS_CKS) != 0 && (flags & HAS_HKS) == 0
        || (flags & HAS_CKR) != 0 && (flags & (he ? HAS_HKR : HAS_DHR)) == 0) {
      throw corrupt("it has a chain without the key that goes with it");
    }
    f.initiator = (flags & INITIATOR) != 0;
    f.received = (flags & RECEIVED) != 0;
    f.maxSkip = in.limit("MAX_SKIP", 0);
    f.maxStoredKeys = in.limit("the skipped-key bound", f.maxSkip);
    f.ns = in.u32();
    f.nr = in.u32();
    f.pn = in.u32();
    f.dhsPrivate = in.bytes(KEY);
    f.dhsPublic = in.bytes(KEY);
    byte[] derived = new byte[KEY];
    Backends.dh(Primitive.X25519).publicKey(f.dhsPrivate, derived);
    if (!MessageDigest.isEqual(derived, f.dhsPublic)) {
      throw corrupt("its ratchet key pair does not match");
    }
    f.rk = in.bytes(KEY);
    f.dhr = in.optional(flags, HAS_DHR);
    f.cks = in.optional(flags, HAS_CKS);
    f.ckr = in.optional(flags, HAS_CKR);
    f.hks = in.optional(flags, HAS_HKS);
    f.hkr = in.optional(flags, HAS_HKR);
    f.nhks = in.optional(flags, HAS_NHKS);
    f.nhkr = in.optional(flags, HAS_NHKR);
    long adLength = in.u32();
    if (adLength > MAX_ASSOCIATED_DATA) {
      throw corrupt("its associated data is too long");
    }
    f.associatedData = in.bytes((int) adLength);
    long count = in.u32();
    if (count > f.maxStoredKeys) {
      throw corrupt("it stores more skipped keys than its bound");
    }
    // Entries filed under one chain share one array, as in a live session.
    Map<ByteKey, byte[]> chains = new HashMap<>();
    for (byte[] headerKey : new byte[][] {f.hkr, f.nhkr, f.hks, f.nhks}) {
      if (headerKey != null) {
        chains.putIfAbsent(new ByteKey(headerKey), headerKey);
      }
    }
    for (long i = 0; i < count; i++) {
      byte[] chain = in.bytes(KEY);
      chain = chains.computeIfAbsent(new ByteKey(chain), k -> k.b());
      long n = in.u32();
      if (f.skipped.put(new SkipKey(chain, n), in.bytes(KEY)) != null) {
        throw corrupt("it stores one skipped key twice");
      }
    }
    if (!in.atEnd()) {
      throw corrupt("it has trailing bytes");
    }
    profile.checkAssociatedData(f.associatedData);
    return RatchetState.of(f);
  }

  /** A bounded reader: every read checks the bytes that remain first. */
  private static final class Input {
    private final byte[] data;
    private final int end;
    private int position;

    Input(byte[] data, int end) {
      this.data = data;
      this.end = end;
    }

    byte[] bytes(int n) throws RatchetException {
      if (n > end - position) {
        throw corrupt("it is truncated");
      }
      byte[] out = Arrays.copyOfRange(data, position, position + n);
      position += n;
      return out;
    }

    int u8() throws RatchetException {
      return bytes(1)[0] & 0xff;
    }

    int u16() throws RatchetException {
      byte[] b = bytes(2);
      return ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    }

    long u32() throws RatchetException {
      return Encodings.getUint32(bytes(4), 0);
    }

    int limit(String what, int min) throws RatchetException {
      long v = u32();
      if (v < min || v > DoubleRatchet.LIMIT) {
        throw corrupt(what + " is out of range");
      }
      return (int) v;
    }

    byte[] optional(int flags, int flag) throws RatchetException {
      return (flags & flag) != 0 ? bytes(KEY) : null;
    }

    boolean atEnd() {
      return position == end;
    }
  }

  private static RatchetException corrupt(String why) {
    return new RatchetException(
        Reason.CORRUPT_STATE, "the serialized ratchet session is corrupt: " + why);
  }
}
