package io.agentwire.socketfactory;

import java.time.Duration;

/**
 * When an AgentWire connection renews its traffic keys, each side for the direction it sends
 * ({@code docs/PROTOCOL.md}, sections 4.1 to 4.4).
 *
 * <ul>
 *   <li>After {@link #messages()} records or {@link #bytes()} application bytes, whichever comes
 *       first, a symmetric rekey (Noise revision 34, section 11.3): a REKEY record right after the
 *       record that reached the limit, then the sending key is replaced by a one-way function of
 *       itself. Cheap, and it gives forward secrecy: a copy of the new key cannot decrypt the
 *       records sent before the REKEY.
 *   <li>After {@link #dhMessages()} records or {@link #dhInterval()}, whichever comes first, a
 *       Diffie-Hellman step: both sides contribute a fresh X25519 key and re-derive the keys of
 *       both directions from the old ones and the new shared secret, so a stolen set of traffic
 *       keys stops working (break-in recovery). It also resets the nonce counters, so nonces never
 *       run out.
 * </ul>
 *
 * Steps are taken when the side next sends, never by a timer thread. The policy is this side's
 * alone: the peer answers a DH step and follows a REKEY whatever its own policy, so a ratcheting
 * side works with any AgentWire peer.
 *
 * <p><b>The frequently rekeying socket</b> is a socket whose configuration has {@link #FREQUENT}:
 * {@code AgentSocketConfig.builder()...rekeyPolicy(RekeyPolicy.FREQUENT)}. Raw mode has no records
 * and refuses any policy but {@link #NEVER}.
 *
 * <p>Immutable and thread-safe.
 */
public final class RekeyPolicy {

  /** {@link #dhMessages()} when only time triggers DH steps. */
  private static final long NO_COUNT = Long.MAX_VALUE;

  /** 2^20 records, 1 GiB, or ten minutes; no DH step by record count. */
  public static final RekeyPolicy DEFAULT =
      new RekeyPolicy(1L << 20, 1L << 30, Duration.ofMinutes(10), NO_COUNT);

  /** Never rekeys: for comparisons and for peers that do not expect it. */
  public static final RekeyPolicy NEVER =
      new RekeyPolicy(Long.MAX_VALUE, Long.MAX_VALUE, null, NO_COUNT);

  /**
   * The frequently rekeying socket: a symmetric rekey after every 16 records or 256 KiB this side
   * sends, whichever comes first, and a DH step after every 1024 records this side sends or every
   * 60 seconds, whichever comes first.
   *
   * <p>What a copy of one side's whole state taken at a time t gives a passive attacker who has
   * recorded the traffic ({@code docs/PROTOCOL.md}, section 4.4):
   *
   * <ul>
   *   <li><b>Forward secrecy.</b> Of the records this side sent before t, only those since its last
   *       REKEY: at most the last 15 records and less than 256 KiB of their data. Everything older
   *       was encrypted under keys that were replaced and overwritten. Of the records it received,
   *       likewise those since the peer's last REKEY that it has processed (the peer's policy sets
   *       that bound), and from a peer that never rekeys everything since the last completed DH
   *       step.
   *   <li><b>Break-in recovery.</b> No record of either direction sent after the next DH step
   *       completes: at most 1024 records or 60 s (plus about one round trip) after t on this
   *       side's account, sooner if the peer starts a step.
   * </ul>
   *
   * <p>The defaults are a measured trade: a REKEY after every record (no exposure at all) made 16
   * KiB writes about 30% slower over AES-GCM, because each costs the JDK two more cipher
   * initialisations on each side; every 16 records costs a few percent ({@code
   * docs/BENCHMARKS.md}).
   */
  public static final RekeyPolicy FREQUENT =
      new RekeyPolicy(16, 256 * 1024, Duration.ofSeconds(60), 1024);

  private final long messages;
  private final long bytes;
  private final Duration dhInterval;
  private final long dhMessages;

  private RekeyPolicy(long messages, long bytes, Duration dhInterval, long dhMessages) {
    this.messages = messages;
    this.bytes = bytes;
    this.dhInterval = dhInterval;
    this.dhMessages = dhMessages;
  }

  /**
   * A policy with DH steps by time only; add a record count with {@link #withDhEveryMessages}.
   *
   * @param messages records sent before a symmetric rekey, at least 1
   * @param bytes application bytes sent before a symmetric rekey, at least 1
   * @param dhInterval time between Diffie-Hellman steps, positive, or {@code null} for none
   * @throws IllegalArgumentException if a limit is out of range
   */
  public static RekeyPolicy of(long messages, long bytes, Duration dhInterval) {
    if (messages < 1) {
      throw new IllegalArgumentException(
          "a symmetric rekey every " + messages + " records: the count must be at least 1");
    }
    if (bytes < 1) {
      throw new IllegalArgumentException(
          "a symmetric rekey every " + bytes + " bytes: the count must be at least 1");
    }
    if (dhInterval != null && (dhInterval.isNegative() || dhInterval.isZero())) {
      throw new IllegalArgumentException(
          "the DH interval must be positive (or null for none), not " + dhInterval);
    }
    return new RekeyPolicy(messages, bytes, dhInterval, NO_COUNT);
  }

  /**
   * This policy, also starting a DH step once this side has sent {@code records} records since it
   * last sent a KEY_SHARE or a KEY_SHARE_REPLY, whichever of this and {@link #dhInterval()} comes
   * first. A trigger reached while a step is under way waits for that step to complete.
   *
   * @param records at least 1; {@link Long#MAX_VALUE} for no count trigger
   * @throws IllegalArgumentException if {@code records} is below 1
   */
  public RekeyPolicy withDhEveryMessages(long records) {
    if (records < 1) {
      throw new IllegalArgumentException(
          "a DH step every " + records + " records: the count must be at least 1");
    }
    return new RekeyPolicy(messages, bytes, dhInterval, records);
  }

  /** Records sent before a symmetric rekey. */
  public long messages() {
    return messages;
  }

  /** Application bytes sent before a symmetric rekey. */
  public long bytes() {
    return bytes;
  }

  /** The time between DH steps, or {@code null} when time does not trigger them. */
  public Duration dhInterval() {
    return dhInterval;
  }

  /**
   * Records this side sends between DH steps, or {@link Long#MAX_VALUE} when the record count does
   * not trigger them.
   */
  public long dhMessages() {
    return dhMessages;
  }

  /** Whether this policy ever renews a key (false only for {@link #NEVER}-like policies). */
  boolean rekeys() {
    return messages != Long.MAX_VALUE
        || bytes != Long.MAX_VALUE
        || dhInterval != null
        || dhMessages != NO_COUNT;
  }

  @Override
  public String toString() {
    return "RekeyPolicy[messages="
        + messages
        + ", bytes="
        + bytes
        + ", dh="
        + dhInterval
        + (dhMessages == NO_COUNT ? "" : ", dhMessages=" + dhMessages)
        + "]";
  }
}
