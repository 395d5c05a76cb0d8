package io.agentwire.testsupport;

import com.southernstorm.noise.protocol.CipherState;
import com.southernstorm.noise.protocol.DHState;
import com.southernstorm.noise.protocol.Noise;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal revision 34 Noise handshake (sections 5, 7 and 9) for the few patterns these tests
 * need, with {@code pskN} modifiers, on noise-java's primitives. Written from the specification,
 * independently of AgentWire's engine.
 */
public final class MiniNoise implements NoisePeer {
  /** The handshake patterns it knows, by name: each message's tokens. */
  public static final Map<String, String[][]> PATTERNS =
      Map.of(
          "NN", new String[][] {{"e"}, {"e", "ee"}},
          "NK", new String[][] {{"e", "es"}, {"e", "ee"}},
          "NX", new String[][] {{"e"}, {"e", "ee", "s", "es"}},
          "XX", new String[][] {{"e"}, {"e", "ee", "s", "es"}, {"s", "se"}},
          "XK", new String[][] {{"e", "es"}, {"e", "ee"}, {"s", "se"}},
          "IK", new String[][] {{"e", "es", "s", "ss"}, {"e", "ee", "se"}},
          "KK", new String[][] {{"e", "es", "ss"}, {"e", "ee", "se"}});

  private static final Pattern PSK_MODIFIER = Pattern.compile("psk(\\d+)");

  private final boolean initiator;
  private final List<List<String>> messages = new ArrayList<>();
  private final byte[] psk;
  private final boolean usesPsk;
  private final String dhName;
  private final String cipherName;
  private final MessageDigest hash;
  private final int hashLen;
  private final int blockLen;
  private final DHState s;
  private DHState e;
  private DHState rs;
  private DHState re;
  private byte[] ck;
  private byte[] h;
  private CipherState k;
  private int next;
  private CipherState sender;
  private CipherState receiver;

  /**
   * A handshake for {@code name} (one of {@link #PATTERNS}, with any {@code pskN} modifiers).
   *
   * @param localStatic the raw private static key, or null when the pattern gives this side none
   * @param remote the peer's raw public static key when known in advance, or null
   * @param psk the pre-shared key, for names with {@code psk} modifiers
   */
  public MiniNoise(
      String name,
      boolean initiator,
      byte[] prologue,
      byte[] localStatic,
      byte[] remote,
      byte[] psk)
      throws Exception {
    String[] parts = name.split("_");
    String pattern = parts[1];
    String base = basePattern(pattern);
    this.initiator = initiator;
    this.psk = psk;
    this.dhName = parts[2];
    this.cipherName = parts[3];
    this.hash = Noise.createHash(parts[4]);
    this.hashLen = hash.getDigestLength();
    this.blockLen = hashLen == 32 ? 64 : 128;
    for (String[] m : PATTERNS.get(base)) {
      messages.add(new ArrayList<>(List.of(m)));
    }
    Matcher mm = PSK_MODIFIER.matcher(pattern);
    boolean any = false;
    while (mm.find()) {
      any = true;
      int n = Integer.parseInt(mm.group(1));
      if (n == 0) {
        messages.get(0).add(0, "psk");
      } else {
        messages.get(n - 1).add("psk");
      }
    }
    this.usesPsk = any;
    if (localStatic != null) {
      s = Noise.createDH(dhName);
      s.setPrivateKey(localStatic, 0);
    } else {
      s = null;
    }
    if (remote != null) {
      rs = Noise.createDH(dhName);
      rs.setPublicKey(remote, 0);
    }
    byte[] protocol = name.getBytes(StandardCharsets.US_ASCII);
    h = protocol.length <= hashLen ? Arrays.copyOf(protocol, hashLen) : digest(protocol);
    ck = h.clone();
    mixHash(prologue);
    // Pre-messages: the initiator's static first, then the responder's.
    if (base.charAt(0) == 'K') {
      mixHash(publicOf(initiator ? s : rs));
    }
    if (base.charAt(1) == 'K') {
      mixHash(publicOf(initiator ? rs : s));
    }
  }

  @Override
  public boolean writesNext() {
    return next < messages.size() && (next % 2 == 0) == initiator;
  }

  @Override
  public boolean isComplete() {
    return next == messages.size();
  }

  @Override
  public byte[] write(byte[] payload) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String token : messages.get(next)) {
      switch (token) {
        case "e":
          e = Noise.createDH(dhName);
          e.generateKeyPair();
          byte[] pub = publicOf(e);
          out.writeBytes(pub);
          mixHash(pub);
          if (usesPsk) {
            mixKey(pub);
          }
          break;
        case "s":
          out.writeBytes(encryptAndHash(publicOf(s)));
          break;
        case "psk":
          mixKeyAndHash(psk);
          break;
        default:
          dhToken(token);
      }
    }
    out.writeBytes(encryptAndHash(payload));
    next++;
    return out.toByteArray();
  }

  @Override
  public byte[] read(byte[] message) throws Exception {
    int pos = 0;
    int dhLen = Noise.createDH(dhName).getPublicKeyLength();
    for (String token : messages.get(next)) {
      switch (token) {
        case "e":
          byte[] pub = Arrays.copyOfRange(message, pos, pos + dhLen);
          pos += dhLen;
          re = Noise.createDH(dhName);
          re.setPublicKey(pub, 0);
          mixHash(pub);
          if (usesPsk) {
            mixKey(pub);
          }
          break;
        case "s":
          int len = dhLen + (k != null ? 16 : 0);
          byte[] spub = decryptAndHash(Arrays.copyOfRange(message, pos, pos + len));
          pos += len;
          rs = Noise.createDH(dhName);
          rs.setPublicKey(spub, 0);
          break;
        case "psk":
          mixKeyAndHash(psk);
          break;
        default:
          dhToken(token);
      }
    }
    byte[] payload = decryptAndHash(Arrays.copyOfRange(message, pos, message.length));
    next++;
    return payload;
  }

  private void dhToken(String token) throws Exception {
    DHState local;
    DHState remote;
    switch (token) {
      case "ee":
        local = e;
        remote = re;
        break;
      case "es":
        local = initiator ? e : s;
        remote = initiator ? rs : re;
        break;
      case "se":
        local = initiator ? s : e;
        remote = initiator ? re : rs;
        break;
      case "ss":
        local = s;
        remote = rs;
        break;
      default:
        throw new IllegalArgumentException(token);
    }
    byte[] shared = new byte[local.getSharedKeyLength()];
    local.calculate(shared, 0, remote);
    mixKey(shared);
  }

  /** The pattern's name without modifiers: "XX" for "XXpsk3". */
  public static String basePattern(String pattern) {
    int end = 0;
    while (end < pattern.length() && Character.isUpperCase(pattern.charAt(end))) {
      end++;
    }
    return pattern.substring(0, end);
  }

  private static byte[] publicOf(DHState d) {
    byte[] pub = new byte[d.getPublicKeyLength()];
    d.getPublicKey(pub, 0);
    return pub;
  }

  private byte[] encryptAndHash(byte[] plaintext) throws Exception {
    if (k == null) {
      mixHash(plaintext);
      return plaintext;
    }
    byte[] ct = new byte[plaintext.length + 16];
    k.encryptWithAd(h, plaintext, 0, ct, 0, plaintext.length);
    mixHash(ct);
    return ct;
  }

  private byte[] decryptAndHash(byte[] ciphertext) throws Exception {
    if (k == null) {
      mixHash(ciphertext);
      return ciphertext;
    }
    byte[] pt = new byte[ciphertext.length - 16];
    k.decryptWithAd(h, ciphertext, 0, pt, 0, ciphertext.length);
    mixHash(ciphertext);
    return pt;
  }

  private void mixHash(byte[] data) {
    h = digest(h, data);
  }

  private void mixKey(byte[] ikm) throws Exception {
    byte[][] out = hkdf(ck, ikm, 2);
    ck = out[0];
    k = cipher(out[1]);
  }

  private void mixKeyAndHash(byte[] ikm) throws Exception {
    byte[][] out = hkdf(ck, ikm, 3);
    ck = out[0];
    mixHash(out[1]);
    k = cipher(out[2]);
  }

  private CipherState cipher(byte[] key) throws Exception {
    CipherState c = Noise.createCipher(cipherName);
    c.initializeKey(Arrays.copyOf(key, 32), 0);
    return c;
  }

  private byte[] digest(byte[]... parts) {
    hash.reset();
    for (byte[] p : parts) {
      hash.update(p);
    }
    return hash.digest();
  }

  private byte[] hmac(byte[] key, byte[]... data) {
    byte[] block = Arrays.copyOf(key, blockLen);
    byte[] ipad = new byte[blockLen];
    byte[] opad = new byte[blockLen];
    for (int i = 0; i < blockLen; i++) {
      ipad[i] = (byte) (block[i] ^ 0x36);
      opad[i] = (byte) (block[i] ^ 0x5c);
    }
    byte[][] inner = new byte[data.length + 1][];
    inner[0] = ipad;
    System.arraycopy(data, 0, inner, 1, data.length);
    return digest(opad, digest(inner));
  }

  private byte[][] hkdf(byte[] chainingKey, byte[] ikm, int n) {
    byte[] temp = hmac(chainingKey, ikm);
    byte[][] out = new byte[n][];
    byte[] prev = new byte[0];
    for (int i = 0; i < n; i++) {
      prev = hmac(temp, prev, new byte[] {(byte) (i + 1)});
      out[i] = prev;
    }
    return out;
  }

  @Override
  public byte[] handshakeHash() {
    return h.clone();
  }

  @Override
  public byte[] remoteStatic() {
    return rs == null ? null : publicOf(rs);
  }

  @Override
  public void split() throws Exception {
    byte[][] keys = hkdf(ck, new byte[0], 2);
    CipherState c1 = cipher(keys[0]);
    CipherState c2 = cipher(keys[1]);
    sender = initiator ? c1 : c2;
    receiver = initiator ? c2 : c1;
  }

  @Override
  public byte[] encrypt(byte[] plaintext) throws Exception {
    byte[] out = new byte[plaintext.length + 16];
    sender.encryptWithAd(null, plaintext, 0, out, 0, plaintext.length);
    return out;
  }

  @Override
  public byte[] decrypt(byte[] ciphertext) throws Exception {
    byte[] out = new byte[ciphertext.length - 16];
    receiver.decryptWithAd(null, ciphertext, 0, out, 0, ciphertext.length);
    return out;
  }
}
