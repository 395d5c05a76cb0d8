package io.agentwire.socketfactory;

import java.time.Duration;

/**
 * When an AgentWire connection renews its traffic keys, each side for the direction it sends.
 *
 * <ul>
 *   <li>After {@link #messages()} records or {@link #bytes()} bytes, whichever comes first, a
 *       symmetric rekey (Noise revision 34, section 11.3): cheap, and old traffic stays secret if
 *       the new key leaks.
 *   <li>After {@link #dhInterval()}, a Diffie-Hellman step: both sides contribute a fresh ephemeral
 *       key and re-derive their keys from the old ones and the new shared secret, so a stolen set
 *       of traffic keys stops working (break-in recovery). It also resets the nonce counters, so
 *       nonces never run out.
 * </ul>
 *
 * Steps are taken when the side next sends, never by a timer thread. Immutable and thread-safe.
 */
public final class RekeyPolicy {

  /** 2^20 records, 1 GiB, or ten minutes. */
  public static final RekeyPolicy DEFAULT =
      new RekeyPolicy(1L << 20, 1L << 30, Duration.ofMinutes(10));

  /** Never rekeys: for comparisons and for peers that do not expect it. */
  public static final RekeyPolicy NEVER = new RekeyPolicy(Long.MAX_VALUE, Long.MAX_VALUE, null);

  private final long messages;
  private final long bytes;
  private final Duration dhInterval;

  private RekeyPolicy(long messages, long bytes, Duration dhInterval) {
    this.messages = messages;
    this.bytes = bytes;
    this.dhInterval = dhInterval;
  }

  /**
   * @param messages records sent before a symmetric rekey, at least 1
   * @param bytes application bytes sent before a symmetric rekey, at least 1
   * @param dhInterval time between Diffie-Hellman steps, positive, or {@code null} for none
   */
  public static RekeyPolicy of(long messages, long bytes, Duration dhInterval) {
    if (messages < 1 || bytes < 1) {
      throw new IllegalArgumentException("rekey limits must be at least 1");
    }
    if (dhInterval != null && (dhInterval.isNegative() || dhInterval.isZero())) {
      throw new IllegalArgumentException("the DH interval must be positive (or null for none)");
    }
    return new RekeyPolicy(messages, bytes, dhInterval);
  }

  public long messages() {
    return messages;
  }

  public long bytes() {
    return bytes;
  }

  /** The time between DH steps, or {@code null} when there are none. */
  public Duration dhInterval() {
    return dhInterval;
  }

  @Override
  public String toString() {
    return "RekeyPolicy[messages=" + messages + ", bytes=" + bytes + ", dh=" + dhInterval + "]";
  }
}
