package io.agentwire.socketfactory.internal.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Every value of the AgentWire wire protocol, version 2, in the order and with the names of {@code
 * docs/PROTOCOL.md}; no other class spells a byte of the protocol. Constants only.
 */
public final class WireFormat {

  private WireFormat() {}

  // ---- section 1: frames (TLS-shaped record headers)

  /** content type (1), legacy version (2), length (2): the TLS record header's shape. */
  public static final int HEADER_BYTES = 5;

  /** Content type of every handshake-phase frame (TLS's {@code handshake}). */
  public static final int TYPE_HANDSHAKE = 22;

  /** Content type of every transport frame (TLS's {@code application_data}). */
  public static final int TYPE_TRANSPORT = 23;

  /** The legacy record version every frame carries, as TLS 1.3 does: 3.3. */
  public static final int LEGACY_VERSION_MAJOR = 3;

  public static final int LEGACY_VERSION_MINOR = 3;

  /** The largest frame body: TLS 1.3's largest ciphertext record, 2^14 + 256 (RFC 8446 5.2). */
  public static final int MAX_BODY = 16384 + 256;

  /** The most application bytes one DATA record carries: TLS's plaintext limit, 2^14. */
  public static final int MAX_DATA = 16384;

  /** Raw mode (section 5): the u16 length in front of every Noise message. */
  public static final int RAW_LENGTH_BYTES = 2;

  /** Raw mode: the Noise message limit (Noise revision 34, section 3). */
  public static final int RAW_MAX_BODY = 65535;

  // ---- section 2.1: client hello

  public static final byte MAGIC_0 = 'A';
  public static final byte MAGIC_1 = 'W';
  public static final int VERSION = 2;

  /** The only flags value of version 2. */
  public static final int FLAGS_NONE = 0;

  /** magic (2), version (1), flags (1), name_len (1). */
  public static final int HELLO_FIXED = 5;

  /** The u16 length of the extension block that ends the hello header. */
  public static final int EXTENSIONS_LENGTH_BYTES = 2;

  // ---- section 2.6: extensions

  /** Extension type (u16) and data length (u16) in front of every extension's data. */
  public static final int EXTENSION_HEADER = 4;

  /** Application-layer protocol negotiation, numbered as TLS numbers it (RFC 7301). */
  public static final int EXTENSION_ALPN = 16;

  /** The most application protocols an ALPN offer may list. */
  public static final int MAX_APPLICATION_PROTOCOLS = 64;

  /** Prologue prefix of the handshake, before the hello header. */
  public static byte[] prologueInitial() {
    return "AgentWire/2 initial\0".getBytes(StandardCharsets.US_ASCII);
  }

  // ---- section 2.2: server response types and REJECT reasons

  public static final int RESPONSE_ACCEPT = 0;
  public static final int RESPONSE_FALLBACK = 1;
  public static final int RESPONSE_REJECT = 2;
  public static final int REJECT_VERSION = 1;
  public static final int REJECT_PROTOCOL = 2;
  public static final int REJECT_APPLICATION_PROTOCOL = 3;

  /** The most bytes of protocol names a REJECT lists, so it stays one frame. */
  public static final int REJECT_NAMES_BUDGET = 16000;

  // ---- section 2.4: Noise Pipes fallback

  /** Prologue prefix of the fallback handshake, before the hello and the response header. */
  public static byte[] prologueFallback() {
    return "AgentWire/2 fallback\0".getBytes(StandardCharsets.US_ASCII);
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
