package io.agentwire.mls.internal.crypto;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.MlsException;

/** Hands out the {@link Suite} for each cipher suite. */
public final class Suites {

  private Suites() {}

  /** Whether {@code suite} can run here. */
  public static boolean isSupported(CipherSuite suite) {
    return false; // replaced by the crypto implementation
  }

  /** The operations of {@code suite}; {@link MlsException.Reason#UNSUPPORTED} if it cannot run. */
  public static Suite get(CipherSuite suite) throws MlsException {
    throw new MlsException(
        MlsException.Reason.UNSUPPORTED, "cipher suite " + suite + " is not implemented yet");
  }
}
