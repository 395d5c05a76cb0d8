/**
 * Test helpers shared by every AgentWire module's tests, each written once: {@link ChildProcess}
 * (child JVMs and tools such as openssl), {@link SharedVectors} (the conformance data beside the
 * checkout), {@link NativeRequirement} (require or skip loudly when libsodium is absent), {@link
 * EchoServer} and {@link MitmProxy} (loopback harnesses over plain {@code java.net} sockets and any
 * {@code ServerSocketFactory}), {@link NoisePeer} with its two implementations {@link
 * NoiseJavaPeer} (noise-java, revision 30) and {@link MiniNoise} (a reference revision 34 handshake
 * for PSK modifiers), and {@link Bytes} and {@link XecKeys} fixtures.
 *
 * <p>Nothing here uses AgentWire: the provider's own tests depend on this module, so a dependency
 * on the provider would be a reactor cycle. Helpers that need AgentWire types (ratchet session
 * pairs, the in-memory connection pump, copying a transport's keys) live in the test tree of the
 * lowest module that has those types, shared through its test-jar where another module needs them.
 * This package is test scope everywhere and never a production dependency.
 */
package io.agentwire.testsupport;
