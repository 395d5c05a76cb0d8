/**
 * AgentWire's JCA provider: X25519/X448, XEdDSA, ChaCha20-Poly1305, BLAKE2, Noise Protocol
 * Framework handshakes (revision 34), the Double Ratchet, X3DH and HPKE (RFC 9180). Each concept is
 * a package with a small public API and its own {@code internal} package, which is not exported:
 * {@code io.agentwire.provider} (registration and health), {@code .noise}, {@code .ratchet}, {@code
 * .x3dh}, {@code .hpke}, {@code .xec} (key encodings) and {@code .backend} (the interface native
 * backends implement).
 */
module io.agentwire.provider {
  requires org.bouncycastle.provider;

  exports io.agentwire.provider;
  exports io.agentwire.provider.backend;
  exports io.agentwire.provider.hpke;
  exports io.agentwire.provider.noise;
  exports io.agentwire.provider.ratchet;
  exports io.agentwire.provider.x3dh;
  exports io.agentwire.provider.xec;

  uses io.agentwire.provider.backend.CryptoBackend;

  provides java.security.Provider with
      io.agentwire.provider.AgentWireProvider;
}
