package io.agentwire.mls.tree;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.crypto.Suites;

/** The crypto layer's suite for a registered number. */
final class TestSuites {

  private TestSuites() {}

  static Suite of(int id) throws MlsException {
    return Suites.get(CipherSuite.fromId(id).orElseThrow());
  }
}
