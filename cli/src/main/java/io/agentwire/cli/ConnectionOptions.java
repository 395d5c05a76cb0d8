package io.agentwire.cli;

import io.agentwire.socketfactory.AgentIdentity;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.PeerTrustStore;
import io.agentwire.socketfactory.PeerVerifier;
import java.io.IOException;
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
   * @param anyPeer whether the user said any peer key will do
   */
  AgentSocketConfig config(boolean anyPeer) throws IOException {
    int trustOptions =
        (peerKey != null ? 1 : 0)
            + (trust != null ? 1 : 0)
            + (tofu != null ? 1 : 0)
            + (anyPeer ? 1 : 0);
    if (trustOptions > 1 && !(raw && peerKey != null && anyPeer)) {
      throw new Main.UsageError(
          "choose one way to trust the peer: --peer-key, --trust, --tofu or --any-peer");
    }
    if (!raw && (prologue != null)) {
      throw new Main.UsageError("--prologue is for --raw mode (AgentWire mode builds its own)");
    }
    if (raw && protocol == null) {
      throw new Main.UsageError("--raw needs --protocol NAME (both sides must run the same one)");
    }
    AgentSocketConfig.Builder b = AgentSocketConfig.builder();
    if (key != null) {
      AgentIdentity id = KeyArguments.identity(key);
      b.identity(id);
    }
    PublicKey pinned = peerKey == null ? null : KeyArguments.publicKey(peerKey);
    if (pinned != null) {
      b.peerKey(pinned);
    }
    if (pinned != null && !anyPeer) {
      b.peerVerifier(PeerVerifier.onlyKey(pinned));
    } else if (trust != null) {
      b.peerVerifier(PeerTrustStore.open(trust, false));
    } else if (tofu != null) {
      b.peerVerifier(PeerTrustStore.open(tofu, true));
    } else if (anyPeer || raw) {
      // Raw patterns where the peer has no static key need no trust option at all.
      b.peerVerifier(PeerVerifier.anyPeer());
    } else {
      throw new Main.UsageError(
          "say how to trust the peer: --peer-key KEY, --trust FILE, --tofu FILE"
              + " (or, for a server, --any-peer)");
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
        b.anonymousPeers(true); // the pattern decides whether the peer has a key to check
      } else if (protocol != null) {
        b.cipherSuites(protocol);
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new Main.UsageError(e.getMessage());
    }
  }
}
