package io.agentwire.integrations;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import javax.net.ssl.SSLException;
import org.junit.jupiter.api.function.Executable;

/** Asserts that a call failed because the transport refused the peer, not for any other reason. */
final class Refusals {

  private Refusals() {}

  /**
   * Runs {@code call}, which must throw an exception that is, or was caused by, an {@link
   * SSLException} (a failed handshake, an unverified peer): a refused connection or a timeout does
   * not count.
   */
  static void assertRefused(Executable call) {
    Throwable thrown = assertThrows(Throwable.class, call);
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return;
      }
    }
    fail("expected the transport to refuse the peer, got " + thrown, thrown);
  }
}
