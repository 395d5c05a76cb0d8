package io.agentwire.provider.shared.internal;

/**
 * Bytes that a shared decoder ({@link Encodings}, the Signal protobuf reader) cannot read. It is
 * neutral on purpose: the concept that called the decoder reports it as its own exception type (the
 * ratchet's or X3DH's {@code MALFORMED}), keeping this message, which never contains key material.
 * Checked and not a {@link java.security.GeneralSecurityException}, so that a caller cannot let it
 * escape unmapped through a {@code throws GeneralSecurityException} clause. Immutable.
 */
public final class DecodingException extends Exception {

  private static final long serialVersionUID = 1L;

  public DecodingException(String message) {
    super(message);
  }
}
