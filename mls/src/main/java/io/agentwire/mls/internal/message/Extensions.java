package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Look-ups over an extension list. */
public final class Extensions {

  private Extensions() {}

  /** The first extension of {@code type} in {@code extensions}, or null. */
  public static Extension find(List<Extension> extensions, int type) {
    for (Extension e : extensions) {
      if (e.extensionType() == type) {
        return e;
      }
    }
    return null;
  }

  /**
   * Fails with {@code INVALID} if two extensions in {@code extensions} have the same type (RFC 9420
   * §13.4: a list must not hold an extension type more than once).
   */
  public static void checkNoDuplicates(List<Extension> extensions, String where)
      throws MlsException {
    Set<Integer> seen = new HashSet<>();
    for (Extension e : extensions) {
      if (!seen.add(e.extensionType())) {
        throw new MlsException(
            MlsException.Reason.INVALID,
            "extension type " + e.extensionType() + " appears twice in " + where);
      }
    }
  }

  static byte[] data(Extension e, int type) throws MlsException {
    if (e.extensionType() != type) {
      throw new MlsException(
          MlsException.Reason.INVALID,
          "expected extension type " + type + ", got " + e.extensionType());
    }
    return e.extensionData();
  }
}
