package io.agentwire.provider.ratchet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentwire.provider.ratchet.DoubleRatchet;
import org.junit.jupiter.api.Test;

/** The registry the wiring fills: built-in profiles, plugged ones, and no two of a name or id. */
class RatchetProfilesTest {

  @Test
  void findsBuiltInProfilesByNameAndIdAndRefusesATwin() {
    RatchetProfiles builtIn = RatchetProfiles.builtIn();
    RatchetProfile chacha = builtIn.byName(DoubleRatchet.DEFAULT_PROFILE);
    RatchetProfile he = builtIn.byName(DoubleRatchet.HEADER_ENCRYPTED_PROFILE);
    assertSame(chacha, builtIn.byId(1));
    assertSame(he, builtIn.byId(2));
    assertNull(
        builtIn.byName(DoubleRatchet.SIGNAL_V3_PROFILE), "the ratchet has no Signal profile");
    assertNull(builtIn.byId(3));
    IllegalArgumentException twin =
        assertThrows(
            IllegalArgumentException.class, () -> builtIn.with(new ModernRatchetProfile(true)));
    assertEquals(
        "ratchet profile " + DoubleRatchet.HEADER_ENCRYPTED_PROFILE + " #2 is already there",
        twin.getMessage());
    assertNull(builtIn.byId(3), "with() leaves the registry it was called on as it was");
  }
}
