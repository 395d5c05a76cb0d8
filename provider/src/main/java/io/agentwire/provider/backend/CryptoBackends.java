package io.agentwire.provider.backend;

import io.agentwire.provider.backend.internal.PureJavaBackend;
import io.agentwire.provider.backend.internal.RoutedBackend;

/**
 * The provider's own backends, for code that compares backends or drives primitives directly
 * (benchmarks, diagnostics). Native backends are found the way the provider finds them, with {@code
 * ServiceLoader.load(CryptoBackend.class)}. Algorithms obtained through the JCA already use {@link
 * #routed()}; nothing here changes what they use.
 *
 * <p>Both backends are thread-safe; the ciphers and hashes they return are not.
 */
public final class CryptoBackends {

  private CryptoBackends() {}

  /**
   * The backend that is always present: the JDK's AES-GCM, ChaCha20-Poly1305 and SHA-2, and
   * BouncyCastle's X25519, X448 and BLAKE2. It supports every {@link Primitive}.
   */
  public static CryptoBackend pureJava() {
    return PureJavaBackend.INSTANCE;
  }

  /**
   * What the provider itself uses ("auto"): for each primitive the backend, or split by message
   * size, chosen once per JVM from the {@code agentwire.native} switch, the native backends found
   * and their self-tests. It supports every {@link Primitive}; {@link CryptoBackend#status()} says
   * what serves each one, as {@code AgentWireProvider.health()} does.
   */
  public static CryptoBackend routed() {
    return RoutedBackend.INSTANCE;
  }
}
