package io.agentwire.provider.ratchet.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.ratchet.DoubleRatchet;
import io.agentwire.provider.ratchet.RatchetException;
import io.agentwire.provider.ratchet.RatchetException.Reason;
import io.agentwire.provider.ratchet.RatchetSession;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/**
 * A blob whose checksum is valid but whose flags leave out a key the ratchet relies on (as a buggy
 * writer or a migration might produce) is refused as corrupt instead of restoring into a session
 * that throws NullPointerException later.
 */
class RatchetStateCodecTest {

  private static final AgentWireProvider PROVIDER = new AgentWireProvider();
  private static final int FLAGS = 6;
  private static final int FIRST_OPTIONAL = 4 + 1 + 1 + 2 + 4 * 5 + 32 * 3;
  static final int HAS_DHR = 1 << 2;
  static final int HAS_HKS = 1 << 5;
  static final int HAS_HKR = 1 << 6;
  static final int HAS_NHKS = 1 << 7;

  /** The blob without the optional key {@code flag} (its flag cleared, its 32 bytes cut out). */
  static byte[] without(byte[] blob, int flag) throws Exception {
    int flags = ((blob[FLAGS] & 0xff) << 8) | (blob[FLAGS + 1] & 0xff);
    if ((flags & flag) == 0) {
      throw new IllegalArgumentException("the blob has no such key");
    }
    int offset = FIRST_OPTIONAL + 32 * Integer.bitCount(flags & (flag - 1) & ~3);
    byte[] out = new byte[blob.length - 32];
    System.arraycopy(blob, 0, out, 0, offset);
    System.arraycopy(blob, offset + 32, out, offset, blob.length - offset - 32);
    out[FLAGS] = (byte) ((flags & ~flag) >>> 8);
    out[FLAGS + 1] = (byte) (flags & ~flag);
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(out, 0, out.length - 32);
    System.arraycopy(md.digest(), 0, out, out.length - 32, 32);
    return out;
  }

  /** Bob mid-conversation (every key present), and a message that makes him step the ratchet. */
  private record Mid(byte[] bob, byte[] onNewChain) {}

  private static Mid mid(String profile) throws Exception {
    RatchetStateWipeTest.Pair p = RatchetStateWipeTest.pair(profile);
    p.bob().decrypt(p.alice().encrypt(new byte[1]));
    p.alice().decrypt(p.bob().encrypt(new byte[2]));
    p.bob().decrypt(p.alice().encrypt(new byte[3]));
    p.alice().encrypt(new byte[4]); // Bob will skip this one
    p.alice().decrypt(p.bob().encrypt(new byte[5]));
    return new Mid(p.bob().serialize(), p.alice().encrypt(new byte[6]));
  }

  private static void assertCorrupt(DoubleRatchet dr, byte[] blob) {
    RatchetException e = assertThrows(RatchetException.class, () -> dr.restore(blob));
    assertEquals(Reason.CORRUPT_STATE, e.reason(), e.getMessage());
  }

  /**
   * Header encryption: without HKR the next genuine message filed its skipped keys under a null
   * header key and serialize() then threw NullPointerException; without HKS (or NHKS, which becomes
   * HKS at the next step) encrypt() did.
   */
  @Test
  void headerEncryptionChainsWithoutTheirHeaderKeysAreRefused() throws Exception {
    DoubleRatchet dr = DoubleRatchet.getInstance(DoubleRatchet.HEADER_ENCRYPTED_PROFILE, PROVIDER);
    Mid m = mid(DoubleRatchet.HEADER_ENCRYPTED_PROFILE);
    for (int key : new int[] {HAS_HKS, HAS_HKR, HAS_NHKS}) {
      assertCorrupt(dr, without(m.bob(), key));
    }
    // Control: the ratchet key is not needed with header encryption, so that blob is fine.
    RatchetSession bob = dr.restore(without(m.bob(), HAS_DHR));
    assertArrayEquals(new byte[6], bob.decrypt(m.onNewChain()));
    bob.serialize();
  }

  /** Without header encryption, skipped keys are filed under DHr: no receiving chain without it. */
  @Test
  void aReceivingChainWithoutItsRatchetKeyIsRefused() throws Exception {
    for (String profile :
        new String[] {DoubleRatchet.DEFAULT_PROFILE, DoubleRatchet.SIGNAL_V3_PROFILE}) {
      DoubleRatchet dr = DoubleRatchet.getInstance(profile, PROVIDER);
      Mid m = mid(profile);
      assertCorrupt(dr, without(m.bob(), HAS_DHR));
      assertArrayEquals(new byte[6], dr.restore(m.bob()).decrypt(m.onNewChain()));
    }
  }
}
