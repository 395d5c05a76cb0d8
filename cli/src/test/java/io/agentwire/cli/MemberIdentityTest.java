package io.agentwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MemberIdentityTest {

  /**
   * Computed independently of this code, with Python's hashlib:
   *
   * <pre>
   * h = bytearray(hashlib.sha256(name.encode()).digest())
   * h[6] = (h[6] &amp; 0x0f) | 0x40; h[8] = (h[8] &amp; 0x3f) | 0x80
   * x = h[:16].hex()
   * f'{x[0:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:32]}:1@agents.test'
   * </pre>
   */
  @Test
  void derivesTheUuidShapedIdentityFromTheName() {
    assertEquals("559aead0-8264-4579-9d39-09718cdd05ab:1@agents.test", MemberIdentity.of("A"));
    assertEquals("2bd806c9-7f0e-40af-9a1f-c3328fa763a9:1@agents.test", MemberIdentity.of("alice"));
    assertEquals("81b637d8-fcd2-46da-a359-e6963113a117:1@agents.test", MemberIdentity.of("bob"));
    // UTF-8, not Latin-1 or UTF-16: the ë is two bytes.
    assertEquals("c6a12698-582f-4110-8ea2-4107a2d72681:1@agents.test", MemberIdentity.of("Zoë"));
  }

  @Test
  void aNameWithColonAndAtIsTheIdentityItself() {
    assertEquals("agent:7@fleet.example", MemberIdentity.of("agent:7@fleet.example"));
    // Only one of the two characters: derived.
    assertEquals(36 + MemberIdentity.SUFFIX.length(), MemberIdentity.of("agent:7").length());
    assertEquals(36 + MemberIdentity.SUFFIX.length(), MemberIdentity.of("agent@7").length());
  }
}
