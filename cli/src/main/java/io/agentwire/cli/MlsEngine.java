package io.agentwire.cli;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.MlsException;
import java.security.GeneralSecurityException;
import java.util.List;

/** The {@link MemberEngine} on AgentWire's MLS implementation ({@code io.agentwire.mls}). */
final class MlsEngine implements MemberEngine {

  private final String identity;
  private final CipherSuite suite;
  private final boolean privateHandshake;

  MlsEngine(String identity, CipherSuite suite, boolean privateHandshake)
      throws GeneralSecurityException {
    this.identity = identity;
    this.suite = suite;
    this.privateHandshake = privateHandshake;
    throw notYet();
  }

  private static MlsException notYet() {
    return new MlsException(MlsException.Reason.UNSUPPORTED, "the MLS group API is not built yet");
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public int suite() {
    return suite.id();
  }

  @Override
  public byte[] keyPackage() throws GeneralSecurityException {
    throw notYet();
  }

  @Override
  public void create(byte[] groupId) throws GeneralSecurityException {
    throw notYet();
  }

  @Override
  public Commit add(List<byte[]> keyPackages) throws GeneralSecurityException {
    throw notYet();
  }

  @Override
  public long join(byte[] welcome) throws GeneralSecurityException {
    throw notYet();
  }

  @Override
  public Processed process(byte[] message) throws GeneralSecurityException {
    throw notYet();
  }

  @Override
  public byte[] encrypt(byte[] plaintext) throws GeneralSecurityException {
    throw notYet();
  }

  @Override
  public Commit update() throws GeneralSecurityException {
    throw notYet();
  }

  @Override
  public Commit remove(int leaf) throws GeneralSecurityException {
    throw notYet();
  }

  @Override
  public State state() throws GeneralSecurityException {
    throw notYet();
  }

  @Override
  public byte[] export(String label, byte[] context, int length) throws GeneralSecurityException {
    throw notYet();
  }

  @Override
  public List<Member> members() throws GeneralSecurityException {
    throw notYet();
  }

  @Override
  public byte[] groupInfo() throws GeneralSecurityException {
    throw notYet();
  }

  @Override
  public Commit externalJoin(byte[] groupInfo, boolean resync) throws GeneralSecurityException {
    throw notYet();
  }
}
