package io.agentwire.provider.backend.internal;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.CryptoBackend;
import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.HashFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.SignatureFunction;
import java.util.StringJoiner;

/**
 * {@link Backends}' per-primitive choice as one {@link CryptoBackend}, for benchmarks and tools.
 */
public final class RoutedBackend implements CryptoBackend {

  /** The single instance; the choice behind it is made once per JVM. */
  public static final RoutedBackend INSTANCE = new RoutedBackend();

  private RoutedBackend() {}

  @Override
  public String name() {
    return "auto";
  }

  @Override
  public boolean isNative() {
    return Backends.nativeBackend() != null;
  }

  @Override
  public String status() {
    StringJoiner s = new StringJoiner("; ", "auto: ", "");
    for (Primitive p : Primitive.values()) {
      s.add(p + " " + Backends.routing(p).describe());
    }
    return s.toString();
  }

  @Override
  public boolean supports(Primitive primitive) {
    return true;
  }

  @Override
  public DhFunction dh(Primitive primitive) {
    return Backends.dh(primitive);
  }

  @Override
  public SignatureFunction signature(Primitive primitive) {
    return Backends.signature(primitive);
  }

  @Override
  public AeadCipher newAead(Primitive primitive) {
    return Backends.newAead(primitive);
  }

  @Override
  public HashFunction newHash(Primitive primitive) {
    return Backends.newHash(primitive);
  }

  @Override
  public void randomBytes(byte[] out) {
    Backends.randomBytes(out);
  }
}
