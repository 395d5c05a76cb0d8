/**
 * Messaging Layer Security (RFC 9420) groups for AgentWire: the ratchet tree and TreeKEM, the key
 * schedule and secret tree, PublicMessage and PrivateMessage framing, proposals, commits, Welcome
 * and external joins, over the AgentWire provider's primitives (HPKE, X25519, ChaCha20-Poly1305)
 * and the JDK's. Only {@code io.agentwire.mls} is exported; everything under {@code
 * io.agentwire.mls.internal} is implementation.
 */
module io.agentwire.mls {
  requires transitive io.agentwire.provider;

  exports io.agentwire.mls;
}
