package io.agentwire.provider.ratchet.internal;

import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import io.agentwire.provider.ratchet.RatchetException;
import io.agentwire.provider.ratchet.RatchetException.Reason;
import io.agentwire.provider.ratchet.RatchetSession;
import io.agentwire.provider.ratchet.internal.RatchetProfile.Header;
import io.agentwire.provider.ratchet.internal.RatchetProfile.InitialKeys;
import io.agentwire.provider.ratchet.internal.RatchetProfile.Parsed;
import io.agentwire.provider.shared.internal.Hmac;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Double Ratchet state of Signal's specification (revision 1), section 3.2, with the header
 * keys of section 4.2, and the algorithms of sections 3.3-3.5 and 4.3 on top of it. One
 * implementation serves every {@link RatchetProfile}. Decryption works on tentative copies of the
 * changing fields and commits them only after the message authenticates, so a forged, replayed or
 * truncated message leaves the state untouched. Not thread-safe.
 *
 * <p>Over 700 lines because the tentative-copy discipline spans the whole receive path (skipped
 * keys, both header-key generations, the DH step) and the serialized fields: kept in one class, one
 * reader can check that no path commits before authentication.
 */
public final class RatchetState implements RatchetSession {

  static final int KEY = 32;
  static final long MAX_COUNTER = 0xffffffffL;

  private final RatchetProfile profile;
  private final RatchetProfile.Session scratch = new RatchetProfile.Session();
  private final DhFunction dh = Backends.dh(Primitive.X25519);
  private final boolean initiator;
  private final byte[] associatedData;
  private final int maxSkip;
  private final int maxStoredKeys;

  // Section 3.2 (and 4.2): null where the specification has None.
  private byte[] dhsPrivate;
  private byte[] dhsPublic;
  private byte[] dhr;
  private byte[] rk;
  private byte[] cks;
  private byte[] ckr;
  private long ns;
  private long nr;
  private long pn;
  private byte[] hks;
  private byte[] hkr;
  private byte[] nhks;
  private byte[] nhkr;
  private boolean received;
  private boolean destroyed;
  // MKSKIPPED, oldest first: (DHr or HKr, N) -> message key.
  private final LinkedHashMap<SkipKey, byte[]> skipped = new LinkedHashMap<>();

  /** A skipped message's place: its chain (ratchet key, or header key) and number. */
  record SkipKey(byte[] chain, long n) {
    @Override
    public boolean equals(Object o) {
      return o instanceof SkipKey k && k.n == n && Arrays.equals(k.chain, chain);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(chain) * 31 + Long.hashCode(n);
    }

    @Override
    public String toString() {
      return "SkipKey[n=" + n + "]";
    }
  }

  private RatchetState(
      RatchetProfile profile,
      boolean initiator,
      byte[] associatedData,
      int maxSkip,
      int maxStoredKeys) {
    this.profile = profile;
    this.initiator = initiator;
    this.associatedData = associatedData;
    this.maxSkip = maxSkip;
    this.maxStoredKeys = maxStoredKeys;
  }

  /** RatchetInitAlice (RatchetInitAliceHE), and libsignal's Alice for the SignalV3 profile. */
  static RatchetState initiator(
      RatchetProfile profile,
      byte[] sharedSecret,
      byte[] responderRatchetKey,
      byte[] associatedData,
      int maxSkip,
      int maxStoredKeys)
      throws GeneralSecurityException {
    RatchetState s = new RatchetState(profile, true, associatedData, maxSkip, maxStoredKeys);
    InitialKeys keys = profile.initialKeys(s.scratch.hmac, sharedSecret);
    s.dhr = responderRatchetKey.clone();
    s.ckr = keys.chainKey();
    s.generateRatchetKey();
    s.rk = new byte[KEY];
    s.cks = new byte[KEY];
    s.nhks = profile.headerEncryption() ? new byte[KEY] : null;
    byte[] shared = s.agree(s.dhsPrivate, s.dhr);
    try {
      profile.kdfRk(s.scratch.hmac, keys.rootKey(), shared, s.rk, s.cks, s.nhks);
    } finally {
      Arrays.fill(shared, (byte) 0);
      Arrays.fill(keys.rootKey(), (byte) 0);
    }
    s.hks = keys.headerKeyA();
    s.nhkr = keys.nextHeaderKeyB();
    return s;
  }

  /** RatchetInitBob (RatchetInitBobHE), and libsignal's Bob for the SignalV3 profile. */
  public static RatchetState responder(
      RatchetProfile profile,
      byte[] sharedSecret,
      byte[] ratchetPrivate,
      byte[] ratchetPublic,
      byte[] associatedData,
      int maxSkip,
      int maxStoredKeys) {
    RatchetState s = new RatchetState(profile, false, associatedData, maxSkip, maxStoredKeys);
    InitialKeys keys = profile.initialKeys(s.scratch.hmac, sharedSecret);
    s.dhsPrivate = ratchetPrivate.clone();
    s.dhsPublic = ratchetPublic.clone();
    s.rk = keys.rootKey();
    s.cks = keys.chainKey();
    s.nhks = keys.nextHeaderKeyB();
    s.nhkr = keys.headerKeyA();
    return s;
  }

  @Override
  public String profile() {
    return profile.name();
  }

  @Override
  public boolean hasReceived() {
    return received;
  }

  @Override
  public byte[] encrypt(byte[] plaintext) throws GeneralSecurityException {
    checkLive();
    if (cks == null) {
      throw new IllegalStateException(
          "the responder can send only after the initiator's first message has arrived");
    }
    if (ns >= MAX_COUNTER) {
      throw new RatchetException(
          Reason.COUNTER_EXHAUSTED,
          "2^32 - 1 messages sent on one chain; the peer must answer before more can be sent");
    }
    byte[] mk = new byte[KEY];
    byte[] nextCk = new byte[KEY];
    kdfCk(cks, mk, nextCk);
    try {
      byte[] out =
          profile.seal(
              scratch,
              mk,
              new Header(dhsPublic, pn, ns),
              hks,
              plaintext,
              associatedData,
              initiator);
      replace(cks, nextCk);
      ns++;
      return out;
    } finally {
      Arrays.fill(mk, (byte) 0);
      Arrays.fill(nextCk, (byte) 0);
    }
  }

  @Override
  public byte[] decrypt(byte[] message) throws GeneralSecurityException {
    checkLive();
    Parsed parsed = profile.parse(message);
    byte[] fromSkipped = trySkippedMessageKeys(parsed);
    if (fromSkipped != null) {
      received = true;
      return fromSkipped;
    }
    Header header;
    boolean dhRatchet;
    if (profile.headerEncryption()) {
      // DecryptHeader of section 4.3: the current receiving header key, then the next one.
      header = hkr == null ? null : profile.openHeader(scratch, hkr, parsed);
      dhRatchet = false;
      if (header == null) {
        header = profile.openHeader(scratch, nhkr, parsed);
        dhRatchet = true;
      }
      if (header == null) {
        throw new javax.crypto.AEADBadTagException(
            "the message header is not authentic under any current header key");
      }
    } else {
      header = parsed.header();
      dhRatchet = dhr == null || !MessageDigest.isEqual(header.dh(), dhr);
    }
    if (header.n() >= MAX_COUNTER) {
      // No sender reaches it (encrypt stops at 2^32 - 2), and the receive counter must not wrap.
      throw new RatchetException(
          Reason.TOO_MANY_SKIPPED, "message number 2^32 - 1 is beyond what any sender uses");
    }
    Tentative t = new Tentative();
    try {
      if (!dhRatchet) {
        if (header.n() < nr) {
          throw new RatchetException(
              Reason.REPLAYED,
              "message " + header.n() + " was already decrypted or its key is gone");
        }
        t.skip(header.n());
      } else {
        long previous = profile.previousChainLength(header.pn());
        if (t.ckr != null && previous > t.nr + maxSkip) {
          previous = profile.minimumPreviousChainLength(header.pn());
        }
        // The old chain's keys are derived only once the message authenticates: a forged
        // message with a new ratchet key then costs at most the new chain's skip.
        t.deferOldChain(previous);
        t.dhRatchet(header);
        t.skip(header.n());
      }
      if (t.ckr == null) {
        throw new RatchetException(Reason.MALFORMED, "no receiving chain for this message");
      }
      byte[] mk = new byte[KEY];
      byte[] nextCk = new byte[KEY];
      kdfCk(t.ckr, mk, nextCk);
      byte[] plaintext;
      try {
        plaintext = profile.open(scratch, mk, parsed, associatedData, !initiator);
      } catch (GeneralSecurityException | RuntimeException e) {
        Arrays.fill(nextCk, (byte) 0);
        throw e;
      } finally {
        Arrays.fill(mk, (byte) 0);
      }
      t.skipDeferredOldChain();
      Arrays.fill(t.ckr, (byte) 0);
      t.ckr = nextCk;
      t.nr++;
      t.commit();
      received = true;
      return plaintext;
    } finally {
      t.wipe();
    }
  }

  /** TrySkippedMessageKeys (TrySkippedMessageKeysHE): a stored key opens the message, or null. */
  private byte[] trySkippedMessageKeys(Parsed parsed) throws GeneralSecurityException {
    if (skipped.isEmpty()) {
      return null;
    }
    SkipKey key = null;
    if (profile.headerEncryption()) {
      // Try each distinct stored header key once rather than once per stored message key.
      Set<ByteKey> tried = new LinkedHashSet<>();
      for (SkipKey k : skipped.keySet()) {
        if (!tried.add(new ByteKey(k.chain()))) {
          continue;
        }
        Header h = profile.openHeader(scratch, k.chain(), parsed);
        if (h != null) {
          key = new SkipKey(k.chain(), h.n());
          if (!skipped.containsKey(key) && !Arrays.equals(k.chain(), hkr)) {
            throw new RatchetException(
                Reason.REPLAYED, "message " + h.n() + " was already decrypted or its key is gone");
          }
          break;
        }
      }
    } else {
      key = new SkipKey(parsed.header().dh(), parsed.header().n());
    }
    byte[] mk = key == null ? null : skipped.get(key);
    if (mk == null) {
      return null;
    }
    byte[] plaintext = profile.open(scratch, mk, parsed, associatedData, !initiator);
    Arrays.fill(mk, (byte) 0);
    skipped.remove(key);
    wipeHeaderKeyIfUnused(key.chain());
    return plaintext;
  }

  /**
   * With header encryption, skipped keys are filed under a header key; once the last of them is
   * gone and the key is no longer current, wipe it.
   */
  private void wipeHeaderKeyIfUnused(byte[] chain) {
    if (!profile.headerEncryption()
        || chain == hks
        || chain == hkr
        || chain == nhks
        || chain == nhkr) {
      return;
    }
    for (SkipKey k : skipped.keySet()) {
      if (k.chain() == chain) {
        return;
      }
    }
    Arrays.fill(chain, (byte) 0);
  }

  /** Changes of one decryption, made on copies and applied only when the message authenticates. */
  private final class Tentative {
    byte[] dhsPrivateT = dhsPrivate;
    byte[] dhsPublicT = dhsPublic;
    byte[] dhrT = dhr;
    byte[] rkT = rk;
    byte[] cksT = cks;
    public byte[] ckr = RatchetState.this.ckr == null ? null : RatchetState.this.ckr.clone();
    long nsT = ns;
    public long nr = RatchetState.this.nr;
    long pnT = pn;
    byte[] hksT = hks;
    byte[] hkrT = hkr;
    byte[] nhksT = nhks;
    byte[] nhkrT = nhkr;
    final List<Map.Entry<SkipKey, byte[]>> newSkipped = new ArrayList<>();
    final List<byte[]> fresh = new ArrayList<>();
    boolean committed;

    /** SkipMessageKeys(until): keys of the current receiving chain up to {@code until}. */
    void skip(long until) throws RatchetException {
      if (ckr == null) {
        return;
      }
      if (until > nr + maxSkip) {
        throw new RatchetException(
            Reason.TOO_MANY_SKIPPED,
            "the message would skip "
                + (until - nr)
                + " message keys, more than MAX_SKIP = "
                + maxSkip);
      }
      byte[] chain = profile.headerEncryption() ? hkrT : dhrT;
      if (nr < until) {
        ckr = deriveSkipped(ckr, chain, nr, until, newSkipped);
        nr = until;
      }
    }

    /**
     * The keys of messages {@code from} to {@code until - 1} of the chain whose key is {@code ck},
     * filed under {@code chain} into {@code into}; returns the chain key after them and wipes the
     * ones before, {@code ck} included.
     */
    private byte[] deriveSkipped(
        byte[] ck, byte[] chain, long from, long until, List<Map.Entry<SkipKey, byte[]>> into) {
      for (long n = from; n < until; n++) {
        byte[] mk = new byte[KEY];
        byte[] next = new byte[KEY];
        kdfCk(ck, mk, next);
        Arrays.fill(ck, (byte) 0);
        ck = next;
        into.add(Map.entry(new SkipKey(chain, n), mk));
      }
      return ck;
    }

    // The previous receiving chain, set aside by deferOldChain until the message authenticates.
    private byte[] oldChainKey;
    private byte[] oldChain;
    private long oldFrom;
    private long oldUntil;

    /**
     * SkipMessageKeys(until) on the chain a DH ratchet step is about to replace, checked now and
     * done by {@link #skipDeferredOldChain} after authentication.
     */
    void deferOldChain(long until) throws RatchetException {
      if (ckr == null) {
        return;
      }
      if (until > nr + maxSkip) {
        throw new RatchetException(
            Reason.TOO_MANY_SKIPPED,
            "the message would skip "
                + (until - nr)
                + " message keys of the previous chain, more than MAX_SKIP = "
                + maxSkip);
      }
      oldChainKey = ckr;
      oldChain = profile.headerEncryption() ? hkrT : dhrT;
      oldFrom = nr;
      oldUntil = until;
      ckr = null;
    }

    /** The deferred skip: its keys go before the new chain's, as they are older. */
    void skipDeferredOldChain() {
      if (oldChainKey == null) {
        return;
      }
      List<Map.Entry<SkipKey, byte[]>> old = new ArrayList<>();
      oldChainKey = deriveSkipped(oldChainKey, oldChain, oldFrom, oldUntil, old);
      Arrays.fill(oldChainKey, (byte) 0);
      oldChainKey = null;
      newSkipped.addAll(0, old);
    }

    /** DHRatchet (DHRatchetHE) of sections 3.5 and 4.3. */
    void dhRatchet(Header header) throws GeneralSecurityException {
      if (header.n() > maxSkip) {
        throw new RatchetException(
            Reason.TOO_MANY_SKIPPED,
            "the message would skip "
                + header.n()
                + " message keys, more than MAX_SKIP = "
                + maxSkip);
      }
      pnT = nsT;
      nsT = 0;
      nr = 0;
      hksT = nhksT;
      hkrT = nhkrT;
      dhrT = header.dh().clone();
      byte[] shared = agree(dhsPrivateT, dhrT);
      byte[] rk1 = fresh(new byte[KEY]);
      if (ckr != null) {
        Arrays.fill(ckr, (byte) 0);
      }
      ckr = new byte[KEY];
      nhkrT = profile.headerEncryption() ? fresh(new byte[KEY]) : null;
      try {
        profile.kdfRk(scratch.hmac, rkT, shared, rk1, ckr, nhkrT);
      } finally {
        Arrays.fill(shared, (byte) 0);
      }
      dhsPrivateT = fresh(new byte[KEY]);
      Backends.randomBytes(dhsPrivateT);
      dhsPublicT = new byte[KEY];
      dh.publicKey(dhsPrivateT, dhsPublicT);
      shared = agree(dhsPrivateT, dhrT);
      rkT = fresh(new byte[KEY]);
      cksT = fresh(new byte[KEY]);
      nhksT = profile.headerEncryption() ? fresh(new byte[KEY]) : null;
      try {
        profile.kdfRk(scratch.hmac, rk1, shared, rkT, cksT, nhksT);
      } finally {
        Arrays.fill(shared, (byte) 0);
        Arrays.fill(rk1, (byte) 0);
      }
    }

    private byte[] fresh(byte[] b) {
      fresh.add(b);
      return b;
    }

    void commit() {
      // Wipe what is replaced, unless it lives on under another name (HKs = NHKs and so on).
      wipeUnlessKept(dhsPrivate, dhsPrivateT);
      wipeUnlessKept(rk, rkT);
      wipeUnlessKept(cks, cksT);
      wipeUnlessKept(RatchetState.this.ckr, ckr);
      wipeReplacedHeaderKey(hks);
      wipeReplacedHeaderKey(hkr);
      wipeReplacedHeaderKey(nhks);
      wipeReplacedHeaderKey(nhkr);
      dhsPrivate = dhsPrivateT;
      dhsPublic = dhsPublicT;
      dhr = dhrT;
      rk = rkT;
      cks = cksT;
      RatchetState.this.ckr = ckr;
      ns = nsT;
      RatchetState.this.nr = nr;
      pn = pnT;
      hks = hksT;
      hkr = hkrT;
      nhks = nhksT;
      nhkr = nhkrT;
      for (Map.Entry<SkipKey, byte[]> e : newSkipped) {
        skipped.put(e.getKey(), e.getValue());
      }
      newSkipped.clear();
      evictOldest();
      committed = true;
    }

    private void wipeReplacedHeaderKey(byte[] old) {
      // Header keys stay alive while a stored skipped key is filed under them.
      if (old != null
          && old != hksT
          && old != hkrT
          && old != nhksT
          && old != nhkrT
          && !filedUnder(old)) {
        Arrays.fill(old, (byte) 0);
      }
    }

    private boolean filedUnder(byte[] chain) {
      for (Map.Entry<SkipKey, byte[]> e : newSkipped) {
        if (e.getKey().chain() == chain) {
          return true;
        }
      }
      for (SkipKey k : skipped.keySet()) {
        if (k.chain() == chain) {
          return true;
        }
      }
      return false;
    }

    void wipe() {
      if (!committed) {
        for (Map.Entry<SkipKey, byte[]> e : newSkipped) {
          Arrays.fill(e.getValue(), (byte) 0);
        }
        for (byte[] b : fresh) {
          Arrays.fill(b, (byte) 0);
        }
        if (ckr != null && ckr != RatchetState.this.ckr) {
          Arrays.fill(ckr, (byte) 0);
        }
        if (oldChainKey != null) {
          Arrays.fill(oldChainKey, (byte) 0);
        }
      }
    }
  }

  private static void wipeUnlessKept(byte[] old, byte[] replacement) {
    if (old != null && old != replacement) {
      Arrays.fill(old, (byte) 0);
    }
  }

  private void evictOldest() {
    Iterator<Map.Entry<SkipKey, byte[]>> it = skipped.entrySet().iterator();
    while (skipped.size() > maxStoredKeys && it.hasNext()) {
      Map.Entry<SkipKey, byte[]> e = it.next();
      Arrays.fill(e.getValue(), (byte) 0);
      it.remove();
      wipeHeaderKeyIfUnused(e.getKey().chain());
    }
  }

  /** KDF_CK: message key HMAC(ck, 0x01), next chain key HMAC(ck, 0x02) (section 5.2). */
  private void kdfCk(byte[] ck, byte[] mkOut, byte[] ckOut) {
    kdfCk(scratch.hmac, ck, mkOut, ckOut);
  }

  public static void kdfCk(Hmac hmac, byte[] ck, byte[] mkOut, byte[] ckOut) {
    hmac.mac(ck, KEY, ONE, 0, 1, null, 0, mkOut, 0);
    hmac.mac(ck, KEY, TWO, 0, 1, null, 0, ckOut, 0);
  }

  private static final byte[] ONE = {1};
  private static final byte[] TWO = {2};

  private void generateRatchetKey() {
    dhsPrivate = new byte[KEY];
    Backends.randomBytes(dhsPrivate);
    dhsPublic = new byte[KEY];
    dh.publicKey(dhsPrivate, dhsPublic);
  }

  private byte[] agree(byte[] privateKey, byte[] publicKey) throws RatchetException {
    byte[] out = new byte[KEY];
    try {
      dh.agree(privateKey, publicKey, out);
      return out;
    } catch (InvalidKeyException e) {
      throw new RatchetException(Reason.INVALID_KEY, "the peer's ratchet key is of small order", e);
    }
  }

  private static void replace(byte[] target, byte[] source) {
    System.arraycopy(source, 0, target, 0, target.length);
  }

  private void checkLive() {
    if (destroyed) {
      throw new IllegalStateException("the ratchet session was destroyed");
    }
  }

  int storedSkippedKeys() {
    return skipped.size();
  }

  @Override
  public void destroy() {
    if (destroyed) {
      return;
    }
    destroyed = true;
    for (byte[] b : new byte[][] {dhsPrivate, rk, cks, ckr, hks, hkr, nhks, nhkr}) {
      if (b != null) {
        Arrays.fill(b, (byte) 0);
      }
    }
    for (Map.Entry<SkipKey, byte[]> e : skipped.entrySet()) {
      Arrays.fill(e.getValue(), (byte) 0);
      if (profile.headerEncryption()) {
        Arrays.fill(e.getKey().chain(), (byte) 0);
      }
    }
    skipped.clear();
    scratch.destroy();
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "RatchetSession["
        + profile.name()
        + ", "
        + (initiator ? "initiator" : "responder")
        + ", sent="
        + ns
        + ", received="
        + nr
        + ", skipped keys="
        + skipped.size()
        + "]";
  }

  /** Content equality for byte arrays used as set members and map keys. */
  record ByteKey(byte[] b) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ByteKey k && Arrays.equals(k.b, b);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(b);
    }
  }

  // ---- serialization: see docs/RATCHET.md ----

  @Override
  public byte[] serialize() {
    checkLive();
    return RatchetStateCodec.encode(this);
  }

  static RatchetState restore(RatchetProfiles profiles, RatchetProfile expected, byte[] blob)
      throws RatchetException {
    return RatchetStateCodec.decode(profiles, expected, blob);
  }

  /** Field access for {@link RatchetStateCodec}, which lives beside this class. */
  public static final class Fields {
    public RatchetProfile profile;
    public boolean initiator;
    boolean received;
    public byte[] associatedData;
    public int maxSkip;
    public int maxStoredKeys;
    public byte[] dhsPrivate;
    public byte[] dhsPublic;
    public byte[] dhr;
    public byte[] rk;
    public byte[] cks;
    public byte[] ckr;
    long ns;
    public long nr;
    long pn;
    byte[] hks;
    byte[] hkr;
    byte[] nhks;
    byte[] nhkr;
    final LinkedHashMap<SkipKey, byte[]> skipped = new LinkedHashMap<>();
  }

  public Fields fields() {
    Fields f = new Fields();
    f.profile = profile;
    f.initiator = initiator;
    f.received = received;
    f.associatedData = associatedData;
    f.maxSkip = maxSkip;
    f.maxStoredKeys = maxStoredKeys;
    f.dhsPrivate = dhsPrivate;
    f.dhsPublic = dhsPublic;
    f.dhr = dhr;
    f.rk = rk;
    f.cks = cks;
    f.ckr = ckr;
    f.ns = ns;
    f.nr = nr;
    f.pn = pn;
    f.hks = hks;
    f.hkr = hkr;
    f.nhks = nhks;
    f.nhkr = nhkr;
    f.skipped.putAll(skipped);
    return f;
  }

  public static RatchetState of(Fields f) {
    RatchetState s =
        new RatchetState(f.profile, f.initiator, f.associatedData, f.maxSkip, f.maxStoredKeys);
    s.received = f.received;
    s.dhsPrivate = f.dhsPrivate;
    s.dhsPublic = f.dhsPublic;
    s.dhr = f.dhr;
    s.rk = f.rk;
    s.cks = f.cks;
    s.ckr = f.ckr;
    s.ns = f.ns;
    s.nr = f.nr;
    s.pn = f.pn;
    s.hks = f.hks;
    s.hkr = f.hkr;
    s.nhks = f.nhks;
    s.nhkr = f.nhkr;
    s.skipped.putAll(f.skipped);
    return s;
  }
}
