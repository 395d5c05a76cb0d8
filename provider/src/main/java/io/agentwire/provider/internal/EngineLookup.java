package io.agentwire.provider.internal;

import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Provider;
import java.security.Security;
import java.util.Objects;

/**
 * How AgentWire's engine classes ({@code NoiseHandshake}, {@code DoubleRatchet}, {@code X3dh}) find
 * their SPI among providers, as {@code getInstance} does for the JDK's engine classes.
 */
public final class EngineLookup {

  private EngineLookup() {}

  /** An SPI and the provider it came from. */
  public record Found<S>(S spi, Provider provider) {}

  /**
   * The SPI for {@code type}/{@code algorithm} from the most preferred installed provider that has
   * it, or null if none has.
   */
  public static <S> Found<S> installed(String type, String algorithm, Class<S> spiClass)
      throws NoSuchAlgorithmException {
    for (Provider p : Security.getProviders()) {
      S spi = fromProvider(p, type, algorithm, spiClass);
      if (spi != null) {
        return new Found<>(spi, p);
      }
    }
    return null;
  }

  /**
   * The SPI for {@code type}/{@code algorithm} from {@code p}, or null if {@code p} lacks it.
   *
   * @throws NoSuchAlgorithmException if {@code p} registered something that is not a {@code
   *     spiClass}
   */
  public static <S> S fromProvider(Provider p, String type, String algorithm, Class<S> spiClass)
      throws NoSuchAlgorithmException {
    Provider.Service service = p.getService(type, algorithm);
    if (service == null) {
      return null;
    }
    Object spi = service.newInstance(null);
    if (!spiClass.isInstance(spi)) {
      throw new NoSuchAlgorithmException(
          "provider "
              + p.getName()
              + " registered a "
              + type
              + " that is not a "
              + spiClass.getSimpleName());
    }
    return spiClass.cast(spi);
  }

  /** The installed provider named {@code name}. */
  public static Provider installedProvider(String name) throws NoSuchProviderException {
    Objects.requireNonNull(name, "provider");
    Provider p = Security.getProvider(name);
    if (p == null) {
      throw new NoSuchProviderException("provider " + name + " is not installed");
    }
    return p;
  }
}
