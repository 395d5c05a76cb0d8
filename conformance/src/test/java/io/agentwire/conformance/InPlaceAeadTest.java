package io.agentwire.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Decrypting in place, as the Noise engine lets callers do: a forged message is refused and the
 * caller's buffer still holds it unchanged, so nothing is lost; the genuine one then decrypts in
 * place. Runs against whatever backend serves each AEAD at each size.
 */
class InPlaceAeadTest {

  @ParameterizedTest
  @CsvSource({
    "CHACHA20_POLY1305, 0",
    "CHACHA20_POLY1305, 64",
    "CHACHA20_POLY1305, 5000",
    "AES_256_GCM, 0",
    "AES_256_GCM, 64",
    "AES_256_GCM, 5000"
  })
  void aForgeryLeavesTheBufferIntactAndTheGenuineMessageDecryptsInPlace(Primitive p, int size)
      throws Exception {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 3);
    byte[] nonce = new byte[12];
    byte[] msg = new byte[size];
    Arrays.fill(msg, (byte) 0x42);
    AeadCipher a = Backends.newAead(p);
    a.setKey(key);
    byte[] buf = new byte[size + 16];
    a.seal(nonce, null, 0, 0, msg, 0, size, buf, 0);
    byte[] genuine = buf.clone();
    buf[buf.length - 1] ^= 1;
    byte[] forged = buf.clone();
    assertThrows(
        AEADBadTagException.class, () -> a.open(nonce, null, 0, 0, buf, 0, buf.length, buf, 0));
    assertArrayEquals(forged, buf, "the forged message is still in the buffer, unchanged");
    System.arraycopy(genuine, 0, buf, 0, buf.length);
    a.open(nonce, null, 0, 0, buf, 0, buf.length, buf, 0);
    assertArrayEquals(msg, Arrays.copyOf(buf, size));
  }
}
