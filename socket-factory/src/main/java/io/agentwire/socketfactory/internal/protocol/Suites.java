package io.agentwire.socketfactory.internal.protocol;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.noise.NoiseProtocol;
import io.agentwire.socketfactory.AgentSocketConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * What AgentWire needs to know about a Noise protocol name (revision 34 section 7.4 naming): who
 * has a static key, who must know whose key in advance, whether a PSK is needed. Stateless.
 */
public final class Suites {

  private static final String[] INTERACTIVE = {
    "NN", "NK", "NX", "XN", "XK", "XX", "KN", "KK", "KX", "IN", "IK", "IX"
  };
  private static final java.util.regex.Pattern FUNDAMENTAL =
      java.util.regex.Pattern.compile(
          "(N|K|X|NN|NK|NX|XN|XK|XX|KN|KK|KX|IN|IK|IX)(fallback)?(\\+?psk\\d+)*");
  private static final String[] CIPHERS = {"ChaChaPoly", "AESGCM"};
  private static final String[] HASHES = {"BLAKE2s", "BLAKE2b", "SHA256", "SHA512"};

  /** Every suite the socket layer supports in AgentWire mode (psk variants are also accepted). */
  public static final List<String> SUPPORTED = supported();

  private Suites() {}

  private static List<String> supported() {
    List<String> all = new ArrayList<>(AgentSocketConfig.DEFAULT_SUITES);
    for (String pattern : INTERACTIVE) {
      for (String cipher : CIPHERS) {
        for (String hash : HASHES) {
          String name = "Noise_" + pattern + "_25519_" + cipher + "_" + hash;
          if (!all.contains(name)) {
            all.add(name);
          }
        }
      }
    }
    all.addAll(AgentSocketConfig.DEFAULT_PSK_SUITES);
    return List.copyOf(all);
  }

  /** What a socket built from {@code config} can be asked to run. */
  public static String[] supported(AgentSocketConfig config) {
    return (config.isRaw() ? config.cipherSuites() : SUPPORTED).toArray(new String[0]);
  }

  /**
   * @throws IllegalArgumentException if {@code name} is not a Noise name this layer can run
   */
  public static NoiseProtocol check(String name, boolean raw) {
    NoiseProtocol p = AgentSocketConfig.parse(name);
    if (!FUNDAMENTAL.matcher(p.pattern()).matches()) {
      // Deferred patterns (section 18) move DHs later; which message proves a static key then
      // differs from the fundamental patterns this layer's verification rules are written for.
      throw new IllegalArgumentException(
          name
              + ": the socket layer runs the fundamental patterns (N, K, X and the twelve"
              + " interactive ones, with psk and fallback modifiers), not deferred ones");
    }
    if (raw) {
      return p;
    }
    if (p.isOneWay()) {
      throw new IllegalArgumentException(
          name + " is a one-way pattern: it can only be used in raw mode");
    }
    if (p.isFallback()) {
      throw new IllegalArgumentException(
          name + " is a fallback pattern: AgentWire uses it only after IK fails");
    }
    if (p.dh() != Primitive.X25519) {
      throw new IllegalArgumentException(
          name + ": AgentWire identities are X25519 keys; use 448 only in raw mode");
    }
    return p;
  }

  static String basePattern(NoiseProtocol p) {
    String pattern = p.pattern();
    int end = 0;
    while (end < pattern.length() && Character.isUpperCase(pattern.charAt(end))) {
      end++;
    }
    return pattern.substring(0, end);
  }

  public static boolean needsPsk(String name) {
    return AgentSocketConfig.parse(name).pattern().contains("psk");
  }

  /** N: no static key; K: known to the responder in advance; X and I: sent in the handshake. */
  public static char initiatorStatic(NoiseProtocol p) {
    return basePattern(p).charAt(0);
  }

  /** N: no static key; K: known to the initiator in advance; X: sent in the handshake. */
  public static char responderStatic(NoiseProtocol p) {
    String base = basePattern(p);
    // One-way patterns (section 7.4) always pre-share the recipient's static key.
    return base.length() > 1 ? base.charAt(1) : 'K';
  }

  /**
   * Noise Pipes: IK (no other modifier) falls back to XXfallback with the same functions, only
   * where XX with those functions is enabled too (a side that enables only IK never reveals its
   * static key to an unauthenticated prober, nor accepts a key it did not ask for).
   */
  static String fallbackFor(NoiseProtocol p, java.util.List<String> enabled) {
    if (!p.pattern().equals("IK")) {
      return null;
    }
    String name = p.name();
    String functions = name.substring(name.indexOf('_', "Noise_".length()));
    return enabled.contains("Noise_XX" + functions) ? "Noise_XXfallback" + functions : null;
  }
}
