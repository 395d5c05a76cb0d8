package io.agentwire.mls;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a member runs its groups: the {@link MlsPolicy}, the external PSKs it knows, how it frames
 * its own handshake messages, and the bounds that keep work and memory finite. One config can serve
 * many groups. Build with {@link #builder()}; {@link #defaults()} is the default policy with the
 * default bounds.
 *
 * <p>Immutable and thread-safe.
 */
public final class MlsGroupConfig {

  /** How this member frames its proposals and commits (RFC 9420 §6). Members accept both. */
  public enum HandshakeFormat {
    /** Signed, unencrypted (§6.2); what most implementations and delivery services expect. */
    PUBLIC_MESSAGE,
    /** Signed and encrypted with the secret tree's handshake keys (§6.3). */
    PRIVATE_MESSAGE
  }

  private final MlsPolicy policy;
  private final PskStore pskStore;
  private final HandshakeFormat handshakeFormat;
  private final int paddingBlock;
  private final int pastEpochs;
  private final int maxGenerationGap;
  private final int generationLease;
  private final boolean ratchetTreeInWelcome;
  private final List<MlsExtension> groupExtensions;
  private final long keyPackageLifetimeSeconds;
  private final int maxMembers;

  private MlsGroupConfig(Builder b) {
    this.policy = b.policy;
    this.pskStore = b.pskStore;
    this.handshakeFormat = b.handshakeFormat;
    this.paddingBlock = b.paddingBlock;
    this.pastEpochs = b.pastEpochs;
    this.maxGenerationGap = b.maxGenerationGap;
    this.generationLease = b.generationLease;
    this.ratchetTreeInWelcome = b.ratchetTreeInWelcome;
    this.groupExtensions = List.copyOf(b.groupExtensions);
    this.keyPackageLifetimeSeconds = b.keyPackageLifetimeSeconds;
    this.maxMembers = b.maxMembers;
  }

  /** The default policy ({@link MlsPolicy#defaultPolicy()}) and bounds. */
  public static MlsGroupConfig defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The Authentication Service callback. */
  public MlsPolicy policy() {
    return policy;
  }

  /** The external PSKs this member knows. */
  public PskStore pskStore() {
    return pskStore;
  }

  /** How this member frames its own proposals and commits. */
  public HandshakeFormat handshakeFormat() {
    return handshakeFormat;
  }

  /** PrivateMessage content is padded to a multiple of this many bytes (0: no padding, §6.3.1). */
  public int paddingBlock() {
    return paddingBlock;
  }

  /** How many past epochs' receive keys are kept for late application messages (default 3). */
  public int pastEpochs() {
    return pastEpochs;
  }

  /**
   * The largest generation jump a received PrivateMessage may ask the secret tree to ratchet
   * forward (§9.1, default 1024); larger gaps are refused with LIMIT_EXCEEDED.
   */
  public int maxGenerationGap() {
    return maxGenerationGap;
  }

  /**
   * How many sending generations a {@linkplain MlsGroup#snapshot() snapshot} reserves (default
   * 1024): see {@link MlsGroup#snapshot()} for the rule that keeps a restored stale snapshot from
   * reusing a generation.
   */
  public int generationLease() {
    return generationLease;
  }

  /** Whether Welcomes this member makes carry the {@code ratchet_tree} extension (default true). */
  public boolean ratchetTreeInWelcome() {
    return ratchetTreeInWelcome;
  }

  /** GroupContext extensions of groups this member creates (default none). */
  public List<MlsExtension> groupExtensions() {
    return groupExtensions;
  }

  /** The validity of KeyPackages this member makes, in seconds from now (default 90 days). */
  public long keyPackageLifetimeSeconds() {
    return keyPackageLifetimeSeconds;
  }

  /**
   * The largest group this member takes part in (default 65,536): a commit that would grow the
   * group past it, and a Welcome or GroupInfo whose tree holds more members, are refused with
   * LIMIT_EXCEEDED before any signature is checked or any key derived, so a hostile commit or
   * Welcome costs at most the work of an honest one at this size.
   */
  public int maxMembers() {
    return maxMembers;
  }

  /** Builds a {@link MlsGroupConfig}. Not thread-safe. */
  public static final class Builder {
    private MlsPolicy policy = MlsPolicy.defaultPolicy();
    private PskStore pskStore = PskStore.none();
    private HandshakeFormat handshakeFormat = HandshakeFormat.PUBLIC_MESSAGE;
    private int paddingBlock = 0;
    private int pastEpochs = 3;
    private int maxGenerationGap = 1024;
    private int generationLease = 1024;
    private boolean ratchetTreeInWelcome = true;
    private final List<MlsExtension> groupExtensions = new ArrayList<>();
    private long keyPackageLifetimeSeconds = 90L * 24 * 3600;
    private int maxMembers = 1 << 16;

    private Builder() {}

    public Builder policy(MlsPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    public Builder pskStore(PskStore store) {
      this.pskStore = Objects.requireNonNull(store, "store");
      return this;
    }

    public Builder handshakeFormat(HandshakeFormat format) {
      this.handshakeFormat = Objects.requireNonNull(format, "format");
      return this;
    }

    public Builder paddingBlock(int bytes) {
      if (bytes < 0 || bytes > 4096) {
        throw new IllegalArgumentException("padding block must be 0..4096");
      }
      this.paddingBlock = bytes;
      return this;
    }

    public Builder pastEpochs(int n) {
      if (n < 0 || n > 64) {
        throw new IllegalArgumentException("past epochs must be 0..64");
      }
      this.pastEpochs = n;
      return this;
    }

    public Builder maxGenerationGap(int n) {
      if (n < 1 || n > 1 << 20) {
        throw new IllegalArgumentException("generation gap must be 1..2^20");
      }
      this.maxGenerationGap = n;
      return this;
    }

    public Builder generationLease(int n) {
      if (n < 1 || n > 1 << 24) {
        throw new IllegalArgumentException("generation lease must be 1..2^24");
      }
      this.generationLease = n;
      return this;
    }

    public Builder ratchetTreeInWelcome(boolean include) {
      this.ratchetTreeInWelcome = include;
      return this;
    }

    public Builder groupExtension(MlsExtension extension) {
      this.groupExtensions.add(Objects.requireNonNull(extension, "extension"));
      return this;
    }

    public Builder keyPackageLifetimeSeconds(long seconds) {
      if (seconds < 60) {
        throw new IllegalArgumentException("lifetime must be at least 60 s");
      }
      this.keyPackageLifetimeSeconds = seconds;
      return this;
    }

    public Builder maxMembers(int n) {
      if (n < 2 || n > 1 << 19) {
        throw new IllegalArgumentException("max members must be 2..2^19");
      }
      this.maxMembers = n;
      return this;
    }

    public MlsGroupConfig build() {
      return new MlsGroupConfig(this);
    }
  }
}
