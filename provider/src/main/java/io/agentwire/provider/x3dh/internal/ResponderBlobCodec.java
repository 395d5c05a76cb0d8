package io.agentwire.provider.x3dh.internal;

import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.shared.internal.Sha256Trailer;
import io.agentwire.provider.shared.internal.WipeableOutput;
import io.agentwire.provider.x3dh.X3dhException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * The serialized {@link PrekeyStore}, format version 1 (docs/RATCHET.md, section 5.4), in the
 * {@link X3dhBlob} frame:
 *
 * <pre>
 * "AWPK" | 0x01 | profile id | identity private (32) | identity public (32)
 * | next signed prekey id (4) | next one-time prekey id (4)
 * | signed prekey count (1, 1..4) | count x (id (4) | private key (32) | signature (64))
 * | one-time prekey count (4, at most 10,000) | count x (id (4) | private key (32) | published (1))
 * | SHA-256 (32)
 * </pre>
 *
 * Public keys are recomputed on restore, and every id, count and flag is checked. The blob holds
 * every private key of the store. Stateless.
 */
final class ResponderBlobCodec {

  private static final byte[] MAGIC = {'A', 'W', 'P', 'K'};
  private static final String WHAT = "responder";

  private ResponderBlobCodec() {}

  /** The store's blob; the caller holds the store's lock. */
  static byte[] encode(PrekeyStore store) {
    WipeableOutput out =
        X3dhBlob.start(
            87 + store.signedPrekeys.size() * 100 + store.oneTimePrekeys.size() * 37,
            MAGIC,
            store.profile());
    out.writeBytes(store.identityPrivate);
    out.writeBytes(store.identityPublic);
    out.u32(Integer.toUnsignedLong(store.nextSignedId));
    out.u32(Integer.toUnsignedLong(store.nextOneTimeId));
    out.write(store.signedPrekeys.size());
    for (Prekey p : store.signedPrekeys) {
      out.u32(Integer.toUnsignedLong(p.id()));
      out.writeBytes(p.privateKey());
      out.writeBytes(p.signature());
    }
    out.u32(store.oneTimePrekeys.size());
    for (Prekey p : store.oneTimePrekeys.values()) {
      out.u32(Integer.toUnsignedLong(p.id()));
      out.writeBytes(p.privateKey());
      out.write(store.published.contains(p.id()) ? 1 : 0);
    }
    return X3dhBlob.finish(out);
  }

  /**
   * Restores a store of {@code profile}; on any failure the keys read so far are wiped.
   *
   * @throws X3dhException {@code CORRUPT_STATE}, or {@code UNSUPPORTED_VERSION} for another format
   *     version or profile
   */
  static PrekeyStore decode(X3dhProfile profile, DhFunction dh, byte[] blob) throws X3dhException {
    ByteBuffer in =
        X3dhBlob.open(blob, MAGIC.length + 2 + Sha256Trailer.LENGTH, WHAT, MAGIC, profile);
    try {
      byte[] priv = X3dhBlob.key(in);
      byte[] pub = X3dhBlob.key(in);
      PrekeyStore store = new PrekeyStore(profile, dh, priv, pub);
      try {
        checkPair(dh, priv, pub);
        readPrekeys(in, store);
        return store;
      } catch (X3dhException | RuntimeException e) {
        store.destroy();
        throw e;
      }
    } catch (BufferUnderflowException e) {
      throw corrupt("it is truncated");
    }
  }

  private static void readPrekeys(ByteBuffer in, PrekeyStore store) throws X3dhException {
    store.nextSignedId = in.getInt();
    store.nextOneTimeId = in.getInt();
    int signed = in.get() & 0xff;
    if (signed < 1 || signed > PrekeyStore.KEPT_SIGNED_PREKEYS) {
      throw corrupt("its signed prekey count is out of range");
    }
    for (int i = 0; i < signed; i++) {
      int id = in.getInt();
      if (!issued(id, store.nextSignedId)
          || store.signedPrekeys.stream().anyMatch(p -> p.id() == id)) {
        throw corrupt("a signed prekey id is invalid");
      }
      byte[] spk = X3dhBlob.key(in);
      byte[] signature = new byte[64];
      in.get(signature);
      store.signedPrekeys.addLast(store.restoredPrekey(id, spk, signature));
    }
    int oneTime = in.getInt();
    if (oneTime < 0 || oneTime > PrekeyStore.MAX_ONE_TIME_PREKEYS) {
      throw corrupt("its one-time prekey count is out of range");
    }
    for (int i = 0; i < oneTime; i++) {
      int id = in.getInt();
      byte[] opk = X3dhBlob.key(in);
      Prekey prekey = store.restoredPrekey(id, opk, null);
      int published = in.get();
      if (published != 0 && published != 1
          || store.oneTimePrekeys.containsKey(id)
          || !issued(id, store.nextOneTimeId)) {
        prekey.wipe();
        throw corrupt("a one-time prekey entry is invalid");
      }
      store.oneTimePrekeys.put(id, prekey);
      if (published == 1) {
        store.published.add(id);
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

  private static void checkPair(DhFunction dh, byte[] priv, byte[] pub) throws X3dhException {
    byte[] derived = new byte[X3dhKdf.KEY];
    dh.publicKey(priv, derived);
    if (!MessageDigest.isEqual(derived, pub)) {
      throw corrupt("its identity key pair does not match");
    }
  }

  private static X3dhException corrupt(String why) {
    return X3dhBlob.corrupt(WHAT, why);
  }
}
