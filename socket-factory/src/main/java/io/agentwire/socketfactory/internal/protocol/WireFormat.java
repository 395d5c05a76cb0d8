package io.agentwire.socketfactory.internal.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Every value of the AgentWire wire protocol, version 1, in the order and with the names of {@code
 * docs/PROTOCOL.md}; no other class spells a byte of the protocol. Constants only.
 */
public final class WireFormat {

  private WireFormat() {}

  // ---- section 1: frames

  /** The u16 length in front of every frame body. */
  public static final int LENGTH_BYTES = 2;

  /** The largest frame body: the Noise message limit (Noise revision 34, section 3). */
  public static final int MAX_FRAME = 65535;

  // ---- section 2.1: client hello

  public static final byte MAGIC_0 = 'A';
  public static final byte MAGIC_1 = 'W';
  public static final int VERSION = 1;

  /** The only flags value of version 1. */
  public static final int FLAGS_NONE = 0;

  /** magic (2), version (1), flags (1), name_len (1). */
  public static final int HELLO_FIXED = 5;

  /** Prologue prefix of the handshake, before the hello header. */
  public static byte[] prologueInitial() {
    return "AgentWire/1 initial\0".getBytes(StandardCharsets.US_ASCII);
  }

  // ---- section 2.2: server response types and REJECT reasons

  public static final int RESPONSE_ACCEPT = 0;
  public static final int RESPONSE_FALLBACK = 1;
  public static final int RESPONSE_REJECT = 2;
  public static final int REJECT_VERSION = 1;
  public static final int REJECT_PROTOCOL = 2;

  /** The most bytes of protocol names a REJECT lists, so it stays one frame. */
  public static final int REJECT_NAMES_BUDGET = 60000;

  // ---- section 2.4: Noise Pipes fallback

  /** Prologue prefix of the fallback handshake, before the hello and the response header. */
  public static byte[] prologueFallback() {
    return "AgentWire/1 fallback\0".getBytes(StandardCharsets.US_ASCII);
  }

  // ---- section 4: records

  /** type (1) and content length (2) in front of every record's content. */
  public static final int RECORD_HEADER = 3;

  public static final byte DATA = 1;
  public static final byte CLOSE = 2;
  public static final byte REKEY = 3;
  public static final byte KEY_SHARE = 4;
  public static final byte KEY_SHARE_REPLY = 5;
  public static final byte KEY_SWITCH = 6;
  public static final byte ALERT = 7;

  /** The longest ALERT reason, in UTF-8 bytes. */
  public static final int MAX_ALERT = 500;

  /** The X25519 public key a KEY_SHARE or KEY_SHARE_REPLY carries (section 4.2). */
  public static final int KEY_SHARE_LENGTH = 32;
}
