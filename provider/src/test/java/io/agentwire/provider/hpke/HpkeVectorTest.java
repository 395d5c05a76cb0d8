package io.agentwire.provider.hpke;

import static io.agentwire.testsupport.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwire.provider.Agents;
import io.agentwire.provider.hpke.internal.HpkeContextImpl;
import io.agentwire.provider.hpke.internal.HpkeEngine;
import io.agentwire.testsupport.SharedVectors;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every row of the RFC 9180 vectors in shared/vectors/hpke (base mode, DHKEM(X25519, HKDF-SHA256),
 * HKDF-SHA256, the three AEADs): the sender side with the vectors' ephemeral key through the
 * deterministic setup, the recipient side with skRm, and both sides' exports.
 */
class HpkeVectorTest {

  record Setup(
      int kem,
      int kdf,
      int aead,
      byte[] info,
      byte[] skRm,
      byte[] skEm,
      byte[] pkRm,
      byte[] pkEm) {}

  record Encryption(Setup setup, int seq, byte[] aad, byte[] ct, byte[] pt) {}

  static List<String[]> rows(String file) throws Exception {
    List<String[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(SharedVectors.file(file))) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      out.add(line.split(",", -1));
    }
    return out;
  }

  static Setup setup(String[] r) {
    return new Setup(
        Integer.parseInt(r[0]),
        Integer.parseInt(r[1]),
        Integer.parseInt(r[2]),
        hex(r[3]),
        hex(r[4]),
        hex(r[5]),
        hex(r[6]),
        hex(r[7]));
  }

  static List<Encryption> encryptions() throws Exception {
    List<Encryption> out = new ArrayList<>();
    Setup current = null;
    int seq = 0;
    for (String[] r : rows("hpke/hpke-encryption.csv")) {
      if (!r[0].isEmpty()) {
        current = setup(r);
        seq = 0;
      }
      out.add(new Encryption(current, seq++, hex(r[8]), hex(r[9]), hex(r[10])));
    }
    return out;
  }

  @Test
  void everyEncryptionRowSealsAndOpens() throws Exception {
    List<Encryption> all = encryptions();
    assertEquals(771, all.size(), "rows in hpke-encryption.csv");
    Setup current = null;
    HpkeContextImpl sender = null;
    Hpke.Recipient recipient = null;
    int checked = 0;
    for (Encryption e : all) {
      if (e.setup() != current) {
        current = e.setup();
        HpkeSuite suite = HpkeSuite.of(current.kem(), current.kdf(), current.aead());
        Hpke hpke = Hpke.getInstance(suite, Agents.PROVIDER);
        assertArrayEquals(current.pkRm(), hpke.publicKey(current.skRm()), "pk(skRm)");
        assertArrayEquals(current.pkEm(), hpke.publicKey(current.skEm()), "pk(skEm)");
        sender =
            new HpkeEngine(suite)
                .setupBaseSWithEphemeral(current.pkRm(), current.info(), current.skEm());
        assertArrayEquals(current.pkEm(), sender.enc(), "enc = pkEm");
        recipient = hpke.setupBaseR(current.pkEm(), current.skRm(), current.info());
      }
      assertArrayEquals(e.ct(), sender.seal(e.aad(), e.pt()), "seal, seq " + e.seq());
      assertArrayEquals(e.pt(), recipient.open(e.aad(), e.ct()), "open, seq " + e.seq());
      checked++;
    }
    assertEquals(771, checked);
  }

  @Test
  void everyExportRowMatchesOnBothSides() throws Exception {
    List<String[]> rows = rows("hpke/hpke-export.csv");
    assertEquals(9, rows.size(), "rows in hpke-export.csv");
    for (String[] r : rows) {
      Setup s = setup(r);
      HpkeSuite suite = HpkeSuite.of(s.kem(), s.kdf(), s.aead());
      byte[] ctx = hex(r[8]);
      int length = Integer.parseInt(r[9]);
      byte[] expected = hex(r[10]);
      HpkeContextImpl sender =
          new HpkeEngine(suite).setupBaseSWithEphemeral(s.pkRm(), s.info(), s.skEm());
      assertArrayEquals(expected, sender.export(ctx, length), "sender export");
      Hpke hpke = Hpke.getInstance(suite, Agents.PROVIDER);
      assertArrayEquals(
          expected,
          hpke.receiveExport(s.pkEm(), s.skRm(), s.info(), ctx, length),
          "recipient export");
    }
  }
}
