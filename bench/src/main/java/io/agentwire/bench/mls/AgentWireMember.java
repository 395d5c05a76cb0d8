package io.agentwire.bench.mls;

import java.util.List;

/** A {@link GroupMember} on AgentWire's MLS (io.agentwire.mls): not wired yet. */
final class AgentWireMember implements GroupMember {

  AgentWireMember(int suite, String identity) {
    throw new UnsupportedOperationException("AgentWire's MLS group API is not available yet");
  }

  @Override
  public byte[] keyPackage() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void create(byte[] groupId) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Commit add(List<byte[]> keyPackages) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Commit update() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Commit remove(int leaf) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void merge() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void discard() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void process(byte[] commit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void join(byte[] welcome) {
    throw new UnsupportedOperationException();
  }

  @Override
  public byte[] encrypt(byte[] plaintext) {
    throw new UnsupportedOperationException();
  }

  @Override
  public byte[] decrypt(byte[] message) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Object save() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void restore(Object saved) {
    throw new UnsupportedOperationException();
  }

  @Override
  public long epoch() {
    throw new UnsupportedOperationException();
  }

  @Override
  public byte[] epochAuthenticator() {
    throw new UnsupportedOperationException();
  }

  @Override
  public int leaf() {
    throw new UnsupportedOperationException();
  }
}
