package io.agentwire.cli;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.noise.NoiseProtocol;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.identity.PeerTrustStore;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options {@code listen} and {@code connect} share: identity, trust, raw mode. */
final class ConnectionOptions {

  @Option(
      names = {"-k", "--key"},
      paramLabel = "FILE",
      description = "Our identity (PKCS#8 PEM private key).")
  Path key;

  @Option(
      names = "--peer-key",
      paramLabel = "KEY",
      description =
          "Pin the peer's static key (64 hex digits, base64 or a PEM file); also supplies it where the pattern needs it in advance.")
  String peerKey;

  @Option(
      names = "--trust",
      paramLabel = "FILE",
      description = "Accept peers pinned in this known_agents file.")
  Path trust;

  @Option(
      names = "--tofu",
      paramLabel = "FILE",
      description = "Like --trust, and pin unknown peers on first use.")
  Path tofu;

  @Option(
      names = "--raw",
      description =
          "Raw Noise: 2-byte length + Noise message, nothing else, for any other Noise library.")
  boolean raw;

  @Option(
      names = "--protocol",
      paramLabel = "NAME",
      description =
          "Raw mode: the Noise protocol name, e.g. Noise_XX_25519_ChaChaPoly_SHA256. AgentWire mode: the only suite to offer or accept.")
  String protocol;

  @Option(names = "--prologue", paramLabel = "HEX", description = "Raw mode: the prologue.")
  String prologue;

  @Option(
      names = "--psk",
      paramLabel = "HEX",
      description = "A 32-byte pre-shared key (64 hex digits).")
  String psk;

  @Option(
      names = "--handshake-timeout",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Give up on a handshake after this long (default ${DEFAULT-VALUE}).")
  int handshakeTimeout;

  /**
   * Checks the options against what the pattern needs on this side, before anything binds or dials,
   * so a setup that cannot work is a usage error (exit 2) naming the flag to add.
   *
   * @param anyPeer whether the user said any peer key will do
   * @param client whether we connect (the Noise initiator)
   */
  AgentSocketConfig config(boolean anyPeer, boolean client) throws IOException {
    int trustOptions =
        (peerKey != null ? 1 : 0)
            + (trust != null ? 1 : 0)
            + (tofu != null ? 1 : 0)
            + (anyPeer ? 1 : 0);
    if (trustOptions > 1) {
      throw new Main.UsageError(
          "choose one way to trust the peer: --peer-key, --trust, --tofu or --any-peer");
    }
    if (!raw && prologue != null) {
      throw new Main.UsageError("--prologue is for --raw mode (AgentWire mode builds its own)");
    }
    if (raw && protocol == null) {
      throw new Main.UsageError("--raw needs --protocol NAME (both sides must run the same one)");
    }
    NoiseProtocol needs = null;
    if (protocol != null) {
      try {
        needs = AgentSocketConfig.checkSuite(protocol, raw);
      } catch (IllegalArgumentException e) {
        throw new Main.UsageError(e.getMessage());
      }
    }
    // What the pattern asks of this side, from the provider's token table.
    NoiseRole role = client ? NoiseRole.INITIATOR : NoiseRole.RESPONDER;
    String what = protocol == null ? "AgentWire" : protocol;
    boolean needKey = needs == null || needs.needsLocalStaticKey(role);
    boolean peerHasKey = needs == null || needs.peerHasStaticKey(role);
    // Whether a handshake message proves the peer's key to this side, so the socket checks it.
    boolean peerProven = needs == null || needs.peerProof(role).byHandshakeMessage();
    if (needKey && key == null) {
      throw new Main.UsageError(
          what + " needs our identity: add --key FILE (make one with: agentwire keygen -o FILE)");
    }
    if (needs != null
        && needs.dh() != Primitive.X25519
        && (needs.needsLocalStaticKey(role) || needs.peerHasStaticKey(role))) {
      throw new Main.UsageError(
          what
              + " uses X448 static keys, and agentwire identities are X25519: choose a 25519"
              + " protocol, or a 448 pattern without static keys (NN)");
    }
    if (needs != null && needs.needsRemoteStaticKeyInAdvance(role) && peerKey == null) {
      throw new Main.UsageError(
          what + " needs the peer's static key in advance: add --peer-key KEY");
    }
    if (needs != null && needs.needsPsk() && psk == null) {
      throw new Main.UsageError(what + " needs a pre-shared key: add --psk HEX (64 hex digits)");
    }
    if (!peerHasKey && trustOptions > 0) {
      throw new Main.UsageError(
          "the peer has no static key in " + what + ": there is nothing to pin or trust");
    }
    if (peerHasKey && !peerProven && (trust != null || tofu != null || anyPeer)) {
      throw new Main.UsageError(
          what
              + " never proves the peer's key to this side, so it cannot be checked: use"
              + " --peer-key where the pattern needs it, and nothing else");
    }
    if (peerProven && peerHasKey && trustOptions == 0) {
      throw new Main.UsageError(
          "say how to trust the peer: --peer-key KEY, --trust FILE, --tofu FILE or --any-peer");
    }
    AgentSocketConfig.Builder b = AgentSocketConfig.builder();
    if (key != null) {
      b.identity(KeyArguments.identity(key));
    }
    PublicKey pinned = peerKey == null ? null : KeyArguments.publicKey(peerKey);
    if (pinned != null) {
      b.peerKey(pinned).peerVerifier(PeerVerifier.onlyKey(pinned));
    } else if (trust != null) {
      if (!Files.isRegularFile(trust)) {
        throw new Main.UsageError(
            "no trust file " + trust + " (--tofu creates one; --trust only reads)");
      }
      b.peerVerifier(PeerTrustStore.open(trust, false));
    } else if (tofu != null) {
      b.peerVerifier(PeerTrustStore.open(tofu, true));
    } else {
      b.peerVerifier(PeerVerifier.anyPeer()); // --any-peer, or a peer with nothing to check
    }
    if (psk != null) {
      b.psk(KeyArguments.hex("--psk", psk, 32));
    }
    b.handshakeTimeout(Duration.ofSeconds(Math.max(1, handshakeTimeout)));
    try {
      if (raw) {
        b.raw(
            protocol,
            prologue == null ? new byte[0] : KeyArguments.hex("--prologue", prologue, -1));
        // A raw peer without a provable key is accepted as anonymous; one with a key is checked.
        b.anonymousPeers(!peerProven || !peerHasKey);
      } else if (protocol != null) {
        b.cipherSuites(protocol).anonymousPeers(!peerHasKey);
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new Main.UsageError(e.getMessage());
    }
  }
}
