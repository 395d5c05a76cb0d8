package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/**
 * {@code MLSMessage} of RFC 9420 §6: the protocol version, the wire format and the body of that
 * format. Only version mls10 (1) is read; any other is {@code UNSUPPORTED}. The five wire formats
 * of the RFC are read; any other (registered later, or GREASE) cannot be parsed and is {@code
 * UNSUPPORTED}. {@link #decode(byte[])} refuses trailing bytes.
 */
public record MlsMessage(int version, int wireFormat, TlsWriter.Encodable body)
    implements TlsWriter.Encodable {

  /** ProtocolVersion mls10. */
  public static final int MLS10 = 1;

  public static final int PUBLIC_MESSAGE = 1;
  public static final int PRIVATE_MESSAGE = 2;
  public static final int WELCOME = 3;
  public static final int GROUP_INFO = 4;
  public static final int KEY_PACKAGE = 5;

  public MlsMessage {
    Objects.requireNonNull(body, "body");
    Class<?> expected;
    switch (wireFormat) {
      case PUBLIC_MESSAGE:
        expected = PublicMessage.class;
        break;
      case PRIVATE_MESSAGE:
        expected = PrivateMessage.class;
        break;
      case WELCOME:
        expected = Welcome.class;
        break;
      case GROUP_INFO:
        expected = GroupInfo.class;
        break;
      case KEY_PACKAGE:
        expected = KeyPackage.class;
        break;
      default:
        throw new IllegalArgumentException("wire format " + wireFormat);
    }
    if (!expected.isInstance(body)) {
      throw new IllegalArgumentException("wire format " + wireFormat + " with " + body);
    }
  }

  public static MlsMessage of(PublicMessage m) {
    return new MlsMessage(MLS10, PUBLIC_MESSAGE, m);
  }

  public static MlsMessage of(PrivateMessage m) {
    return new MlsMessage(MLS10, PRIVATE_MESSAGE, m);
  }

  public static MlsMessage of(Welcome m) {
    return new MlsMessage(MLS10, WELCOME, m);
  }

  public static MlsMessage of(GroupInfo m) {
    return new MlsMessage(MLS10, GROUP_INFO, m);
  }

  public static MlsMessage of(KeyPackage m) {
    return new MlsMessage(MLS10, KEY_PACKAGE, m);
  }

  public static MlsMessage read(TlsReader r) throws MlsException {
    int version = r.u16();
    if (version != MLS10) {
      throw new MlsException(
          MlsException.Reason.UNSUPPORTED, "protocol version " + version + " is not mls10");
    }
    int wireFormat = r.u16();
    TlsWriter.Encodable body;
    switch (wireFormat) {
      case PUBLIC_MESSAGE:
        body = PublicMessage.read(r);
        break;
      case PRIVATE_MESSAGE:
        body = PrivateMessage.read(r);
        break;
      case WELCOME:
        body = Welcome.read(r);
        break;
      case GROUP_INFO:
        body = GroupInfo.read(r);
        break;
      case KEY_PACKAGE:
        body = KeyPackage.read(r);
        break;
      default:
        throw new MlsException(
            MlsException.Reason.UNSUPPORTED, "unknown wire_format " + wireFormat);
    }
    return new MlsMessage(version, wireFormat, body);
  }

  /** Reads a whole message, refusing trailing bytes. */
  public static MlsMessage decode(byte[] encoded) throws MlsException {
    return Wire.decode(encoded, MlsMessage::read, "MLSMessage");
  }

  @Override
  public void encode(TlsWriter w) {
    w.u16(version).u16(wireFormat);
    body.encode(w);
  }

  private <T> T as(int format, Class<T> type) throws MlsException {
    if (wireFormat != format) {
      throw new MlsException(
          MlsException.Reason.INVALID,
          "expected wire format " + format + ", the message has " + wireFormat);
    }
    return type.cast(body);
  }

  public PublicMessage publicMessage() throws MlsException {
    return as(PUBLIC_MESSAGE, PublicMessage.class);
  }

  public PrivateMessage privateMessage() throws MlsException {
    return as(PRIVATE_MESSAGE, PrivateMessage.class);
  }

  public Welcome welcome() throws MlsException {
    return as(WELCOME, Welcome.class);
  }

  public GroupInfo groupInfo() throws MlsException {
    return as(GROUP_INFO, GroupInfo.class);
  }

  public KeyPackage keyPackage() throws MlsException {
    return as(KEY_PACKAGE, KeyPackage.class);
  }
}
