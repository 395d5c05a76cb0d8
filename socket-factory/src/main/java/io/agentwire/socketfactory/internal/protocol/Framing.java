package io.agentwire.socketfactory.internal.protocol;

import static io.agentwire.socketfactory.internal.protocol.WireFormat.HEADER_BYTES;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.LEGACY_VERSION_MAJOR;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.LEGACY_VERSION_MINOR;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.MAX_BODY;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.MAX_DATA;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.RAW_LENGTH_BYTES;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.RAW_MAX_BODY;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.TYPE_HANDSHAKE;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.TYPE_TRANSPORT;

import io.agentwire.socketfactory.AgentHandshakeException;
import io.agentwire.socketfactory.AgentProtocolException;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.FailureReason;
import javax.net.ssl.SSLException;

/**
 * How a connection lays out its bytes, chosen once from the configuration: the AgentWire wire
 * protocol ({@code docs/PROTOCOL.md} sections 1 to 4: TLS-shaped frames, negotiation bound into the
 * prologue, typed and padded records, rekeys, the authenticated close) or raw Noise (section 5: the
 * configured protocol at once, bare Noise messages behind a u16 length, end of stream as end of
 * file). Every difference between the two modes is answered here, so the core never asks the
 * configuration which mode it is in. Stateless and thread-safe.
 */
public enum Framing {
  /** The AgentWire wire protocol, version 2. */
  AGENTWIRE {
    @Override
    public String sessionProtocol() {
      return "AgentWire/2";
    }

    @Override
    boolean negotiates() {
      return true;
    }

    @Override
    boolean typedRecords() {
      return true;
    }

    @Override
    public boolean endOfStreamIsEndOfFile() {
      return false;
    }

    @Override
    public int headerBytes() {
      return HEADER_BYTES;
    }

    @Override
    public int maxBody() {
      return MAX_BODY;
    }

    @Override
    int maxData() {
      return MAX_DATA;
    }

    @Override
    void writeHeader(byte[] out, int pos, boolean handshake, int length) {
      out[pos] = (byte) (handshake ? TYPE_HANDSHAKE : TYPE_TRANSPORT);
      out[pos + 1] = LEGACY_VERSION_MAJOR;
      out[pos + 2] = LEGACY_VERSION_MINOR;
      out[pos + 3] = (byte) (length >>> 8);
      out[pos + 4] = (byte) length;
    }

    @Override
    int bodyLength(byte[] h, int off, boolean handshake, boolean firstFromClient)
        throws SSLException {
      int type = h[off] & 0xff;
      int major = h[off + 1] & 0xff;
      int minor = h[off + 2] & 0xff;
      int length = ((h[off + 3] & 0xff) << 8) | (h[off + 4] & 0xff);
      if (firstFromClient) {
        recogniseOtherProtocols(type, major, minor, h[off + 3], h[off + 4]);
      }
      int expected = handshake ? TYPE_HANDSHAKE : TYPE_TRANSPORT;
      if (type != expected || major != LEGACY_VERSION_MAJOR || minor != LEGACY_VERSION_MINOR) {
        throw malformed(
            handshake,
            "a frame header "
                + hex(type, major, minor)
                + " where "
                + hex(expected, LEGACY_VERSION_MAJOR, LEGACY_VERSION_MINOR)
                + " belongs ("
                + (handshake ? "handshake" : "transport")
                + " frames)");
      }
      if (length == 0 || length > MAX_BODY) {
        throw malformed(
            handshake, "a frame of " + length + " bytes: frames carry 1 to " + MAX_BODY + " bytes");
      }
      return length;
    }

    /**
     * Section 6: a server fails at once, with a reason, on the first bytes of TLS, plain text or an
     * AgentWire version 1 client, instead of waiting for a frame that never comes.
     */
    private void recogniseOtherProtocols(int type, int major, int minor, byte b3, byte b4)
        throws SSLException {
      if (type == TYPE_HANDSHAKE && major == 3 && minor != LEGACY_VERSION_MINOR) {
        throw new AgentHandshakeException(
            FailureReason.NOT_AGENTWIRE, "the peer speaks TLS, not AgentWire");
      }
      // Version 1 framed its hello as u16 length || 'A' 'W' 0x01: the magic is at bytes 2 to 4.
      if (minor == 'A' && b3 == 'W' && b4 == 1) {
        throw new AgentHandshakeException(
            FailureReason.UNSUPPORTED_VERSION,
            "the client speaks AgentWire version 1; this server speaks version 2");
      }
      if (type >= 'A' && type <= 'Z') {
        throw new AgentHandshakeException(
            FailureReason.NOT_AGENTWIRE, "the peer speaks plain text (HTTP?), not AgentWire");
      }
      if (type != TYPE_HANDSHAKE) {
        throw new AgentHandshakeException(
            FailureReason.NOT_AGENTWIRE,
            "the peer is not an AgentWire client (first bytes " + hex(type, major, minor) + ")");
      }
    }
  },

  /** Raw Noise: interoperates with any Noise library configured the same way. */
  RAW_NOISE {
    @Override
    public String sessionProtocol() {
      return "Noise";
    }

    @Override
    boolean negotiates() {
      return false;
    }

    @Override
    boolean typedRecords() {
      return false;
    }

    @Override
    public boolean endOfStreamIsEndOfFile() {
      return true;
    }

    @Override
    public int headerBytes() {
      return RAW_LENGTH_BYTES;
    }

    @Override
    public int maxBody() {
      return RAW_MAX_BODY;
    }

    @Override
    int maxData() {
      return RAW_MAX_BODY - RecordLayer.TAG;
    }

    @Override
    void writeHeader(byte[] out, int pos, boolean handshake, int length) {
      out[pos] = (byte) (length >>> 8);
      out[pos + 1] = (byte) length;
    }

    @Override
    int bodyLength(byte[] h, int off, boolean handshake, boolean firstFromClient)
        throws SSLException {
      int length = ((h[off] & 0xff) << 8) | (h[off + 1] & 0xff);
      if (length == 0) {
        throw malformed(handshake, "an empty frame: every frame carries a Noise message");
      }
      return length;
    }
  };

  /** The framing a connection built from {@code config} uses. */
  public static Framing of(AgentSocketConfig config) {
    return config.isRaw() ? RAW_NOISE : AGENTWIRE;
  }

  /** {@code SSLSession.getProtocol()} of the connections this framing carries. */
  public abstract String sessionProtocol();

  /**
   * Whether the handshake starts with the hello and response of section 2 (otherwise it runs the
   * first configured protocol at once, with the configured prologue, and handshake payloads the
   * peer sends are application data).
   */
  abstract boolean negotiates();

  /**
   * Whether transport messages carry the typed, padded records of section 4 (with rekeys, DH steps,
   * alerts and the authenticated close), or bare application bytes.
   */
  abstract boolean typedRecords();

  /**
   * Whether a TCP end of stream between frames is a clean end of file. Otherwise only the
   * authenticated close ends a stream, and a bare end of stream is truncation.
   */
  public abstract boolean endOfStreamIsEndOfFile();

  /** The bytes in front of every frame body. */
  public abstract int headerBytes();

  /** The largest frame body; no receiver buffers more than this plus the header for a frame. */
  public abstract int maxBody();

  /** The largest frame on the wire. */
  public int maxFrame() {
    return headerBytes() + maxBody();
  }

  /** The most application bytes one record carries, before padding reduces it. */
  abstract int maxData();

  /** Writes the header of a frame of {@code length} body bytes at {@code out[pos]}. */
  abstract void writeHeader(byte[] out, int pos, boolean handshake, int length);

  /**
   * Reads and checks the header at {@code h[off]} ({@link #headerBytes()} bytes): the body length
   * it announces, never more than {@link #maxBody()}.
   *
   * @param handshake whether the connection is still in its handshake
   * @param firstFromClient whether this is a server's first frame (section 6 recognises other
   *     protocols there)
   */
  abstract int bodyLength(byte[] h, int off, boolean handshake, boolean firstFromClient)
      throws SSLException;

  private static SSLException malformed(boolean handshake, String what) {
    return handshake
        ? new AgentHandshakeException(FailureReason.MALFORMED, what)
        : new AgentProtocolException(FailureReason.MALFORMED, what);
  }

  private static String hex(int... bytes) {
    StringBuilder b = new StringBuilder();
    for (int x : bytes) {
      b.append(b.length() == 0 ? "" : " ").append(String.format("%02x", x));
    }
    return b.toString();
  }
}
