package io.agentwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code agentwire demo}'s group act, run from the real jar. */
@Timeout(120)
class DemoGroupActIT {

  @Test
  void fiveAgentsFormAGroupLoseOneAndTakeBackOneThatCrashed() throws Exception {
    long start = System.nanoTime();
    Cli demo = Cli.run("", "demo");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(0, demo.exit(), demo.err());
    String out = demo.out();
    assertTrue(out.contains("Five agents in an MLS group"), out);
    assertFalse(out.contains("skipped"), "the demo skipped part of its group act:\n" + out);
    for (String step :
        new String[] {
          "7. a group of five",
          "8. group messages",
          "9. bo updates its keys",
          "10. di is removed",
          "11. cy crashes, rejoins"
        }) {
      assertTrue(out.contains(step), step + " in:\n" + out);
    }
    assertTrue(out.contains("20 decryptions"), out);
    assertTrue(out.contains("di sees 'you were removed'; di cannot read"), out);
    assertTrue(out.contains("4 members, epoch 4"), out);
    assertTrue(out.contains("3 read cy's first message"), out);
    assertTrue(out.contains("the removed agent read nothing after"), out);
    // A top-of-README command stays quick (a cold JVM included).
    assertTrue(seconds < 30, "the demo took " + seconds + " s");
  }
}
