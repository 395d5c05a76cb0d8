/**
 * AgentWire's JCA provider: X25519/X448, ChaCha20-Poly1305, BLAKE2 and Noise Protocol Framework
 * handshakes (revision 34). The API is {@code io.agentwire.provider}; {@code
 * io.agentwire.provider.backend} is the interface native backends implement. Everything else is
 * internal and not exported.
 */
module io.agentwire.provider {
  requires org.bouncycastle.provider;

  exports io.agentwire.provider;
  exports io.agentwire.provider.backend;
  exports io.agentwire.provider.ratchet;

  uses io.agentwire.provider.backend.CryptoBackend;

  provides java.security.Provider with
      io.agentwire.provider.AgentWireProvider;
}
