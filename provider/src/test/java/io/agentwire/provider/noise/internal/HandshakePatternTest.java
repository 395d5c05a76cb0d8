package io.agentwire.provider.noise.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.noise.NoiseProtocol;
import java.security.NoSuchAlgorithmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pattern parsing, modifiers and the validity rules of Noise sections 7.3, 9.3 and 10.2. */
class HandshakePatternTest {

  @Test
  void all38BasePatternsOfRevision34ParseAndAreValid() {
    assertEquals(38, HandshakePattern.baseNames().size());
    for (String base : HandshakePattern.baseNames()) {
      HandshakePattern p = HandshakePattern.parse(base);
      assertEquals(base.length() == 1, p.oneWay, base);
    }
  }

  @Test
  void fallbackMovesAlicesFirstMessageIntoAPreMessageAndBobInitiates() {
    HandshakePattern p = HandshakePattern.parse("XXfallback");
    assertTrue(p.bobInitiated);
    assertEquals(java.util.List.of(HandshakePattern.Token.E), p.alicePreMessage);
    assertEquals(2, p.messages.size());
    assertEquals(false, p.messages.get(0).fromAlice);
  }

  @Test
  void severalPskModifiersGoWhereTheSpecPutsThem() {
    HandshakePattern p = HandshakePattern.parse("XXpsk0+psk3");
    assertEquals(HandshakePattern.Token.PSK, p.messages.get(0).tokens.get(0));
    java.util.List<HandshakePattern.Token> third = p.messages.get(2).tokens;
    assertEquals(HandshakePattern.Token.PSK, third.get(third.size() - 1));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Noise_XY_25519_ChaChaPoly_BLAKE2s | unknown handshake pattern 'XY'",
        "Noise_XX_25518_ChaChaPoly_BLAKE2s | unknown DH function '25518'",
        "Noise_XX_25519_ChaCha_BLAKE2s | unknown cipher function 'ChaCha'",
        "Noise_XX_25519_ChaChaPoly_MD5 | unknown hash function 'MD5'",
        "Noise_XX_25519_ChaChaPoly | not a Noise protocol name",
        "NoiseXX_25519_ChaChaPoly_BLAKE2s | not a Noise protocol name",
        "Noise_XXpsk4_25519_ChaChaPoly_BLAKE2s | psk4 needs message 4",
        "Noise_XXpsk0+psk0_25519_ChaChaPoly_BLAKE2s | once each, in ascending order",
        "Noise_XXpsk3+psk0_25519_ChaChaPoly_BLAKE2s | once each, in ascending order",
        "Noise_XXpsk01_25519_ChaChaPoly_BLAKE2s | unknown pattern modifier 'psk01'",
        "Noise_NK1fallback_25519_ChaChaPoly_BLAKE2s | without pre-messages",
        "Noise_KNfallback_25519_ChaChaPoly_BLAKE2s | without pre-messages",
        "Noise_XXfoo_25519_ChaChaPoly_BLAKE2s | unknown pattern modifier 'foo'",
        "Noise_IKfallback_25519_ChaChaPoly_BLAKE2s | only e and s tokens",
        "Noise_Nfallback_25519_ChaChaPoly_BLAKE2s | interactive",
        "Noise_XXpsk0+fallback_25519_ChaChaPoly_BLAKE2s | must come before",
      })
  void invalidNamesSayWhichPartIsWrong(String name, String reason) {
    NoSuchAlgorithmException e =
        assertThrows(NoSuchAlgorithmException.class, () -> NoiseProtocol.parse(name));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // rule 1: DH without the keys
        "| -> e, es | before Alice has both keys",
        // rule 2: a key sent twice
        "| -> e, e | sends e a second time",
        "-> s | -> e, s; <- e, ee | sends s a second time",
        // rule 3: a DH twice
        "| -> e; <- e, ee, ee | performs ee twice",
        // rule 4: static DH without the matching ephemeral DH, then encryption
        "-> s; <- s | -> e, ss | without a DH of its ephemeral",
        "<- s | -> e; <- e, es | without a DH of its ephemeral",
        // section 9.3: encryption after psk without an ephemeral key sent
        "| -> e; <- psk | psk without having sent an ephemeral",
      })
  void theValidityRulesRejectBrokenPatterns(String pre, String messages, String reason) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                HandshakePattern.fromDefinition(
                    "TEST", (pre == null ? "" : pre) + " | " + messages));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void theValidatorAcceptsEveryStandardPatternWrittenOut() {
    HandshakePattern.fromDefinition("XX", "| -> e; <- e, ee, s, es; -> s, se");
  }
}
