package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Shared pieces of the RFC 9420 wire structures: the element-count bounds this implementation
 * enforces while decoding, and readers and writers for the small vectors many structs carry.
 *
 * <p>Conventions of every struct in this package: each opaque field is a {@code byte[]} owned by
 * the value (never mutate an array obtained from an accessor); lists are unmodifiable; a {@code
 * uint32} is held in an {@code int} with its bits unchanged, so values of 2^31 and above read as
 * negative numbers and every index check must reject {@code x < 0} as well as {@code x >= n}; a
 * {@code uint64} is held in a {@code long} the same way.
 */
public final class Wire {

  /** The most nodes a ratchet tree may have (2^20): more is {@code LIMIT_EXCEEDED}. */
  public static final int MAX_TREE_NODES = 1 << 20;

  /** The most entries in one list of small values (capabilities, extension lists, proposals). */
  public static final int MAX_LIST = 1 << 16;

  /** The most nodes on an UpdatePath: a direct path in a tree of {@link #MAX_TREE_NODES}. */
  public static final int MAX_PATH = 32;

  /** The most certificates in one X.509 credential. */
  public static final int MAX_CERTIFICATES = 1 << 10;

  /** The most HPKE ciphertexts on one path node, or secrets in one Welcome: one per leaf. */
  public static final int MAX_RECIPIENTS = MAX_TREE_NODES;

  private Wire() {}

  static MlsException malformed(String what) {
    return new MlsException(MlsException.Reason.MALFORMED, what);
  }

  /** {@code uint16 values<V>}. */
  public static List<Integer> readU16List(TlsReader r, int max) throws MlsException {
    return r.vector(TlsReader::u16, max);
  }

  /** {@code uint32 values<V>}, each kept as the int with the same bits. */
  public static List<Integer> readU32List(TlsReader r, int max) throws MlsException {
    return r.vector(x -> (int) x.u32(), max);
  }

  public static void writeU16List(TlsWriter w, List<Integer> values) {
    w.vector(values, (x, v) -> x.u16(v));
  }

  public static void writeU32List(TlsWriter w, List<Integer> values) {
    w.vector(values, (x, v) -> x.u32(v & 0xffffffffL));
  }

  /** {@code opaque values<V>} wrapped one per element, as {@code Certificate certificates<V>}. */
  public static List<byte[]> readOpaqueList(TlsReader r, int max) throws MlsException {
    return r.vector(TlsReader::opaque, max);
  }

  public static void writeOpaqueList(TlsWriter w, List<byte[]> values) {
    w.vector(values, TlsWriter::opaque);
  }

  /** {@code Extension extensions<V>}. */
  public static List<Extension> readExtensions(TlsReader r) throws MlsException {
    return r.vector(Extension::read, MAX_LIST);
  }

  public static void writeExtensions(TlsWriter w, List<Extension> extensions) {
    w.vector(extensions, (x, e) -> e.encode(x));
  }

  /** An unmodifiable copy; null elements are refused. */
  static <T> List<T> copy(List<T> list) {
    return List.copyOf(list);
  }

  /** An unmodifiable copy that keeps null elements (blank tree nodes). */
  static <T> List<T> copyAllowingNulls(List<T> list) {
    return Collections.unmodifiableList(new ArrayList<>(list));
  }

  /** Reads a whole standalone encoding of one struct, refusing trailing bytes. */
  public static <T> T decode(byte[] encoded, TlsReader.Element<T> element, String what)
      throws MlsException {
    TlsReader r = new TlsReader(encoded);
    T value = element.read(r);
    r.finish(what);
    return value;
  }
}
