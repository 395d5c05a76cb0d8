package io.agentwire.bench.mls;

import java.util.List;

/**
 * One MLS group member as the benchmarks drive it, the same way on AgentWire and on bcmls: raw
 * MLSMessage bytes in and out. A commit is made pending and then merged or discarded, so creation
 * can be measured again and again on one state; {@link #save()} and {@link #restore(Object)} let a
 * receiver process the same commit again and again.
 */
public interface GroupMember {

  /** A commit's MLSMessage and, if it added members, the Welcome's (else null). */
  record Commit(byte[] commit, byte[] welcome) {}

  /** A fresh KeyPackage (MLSMessage) whose secrets this member keeps for {@link #join}. */
  byte[] keyPackage() throws Exception;

  /** A new group of one. */
  void create(byte[] groupId) throws Exception;

  /** A pending commit adding all these KeyPackages, with the ratchet tree in the Welcome. */
  Commit add(List<byte[]> keyPackages) throws Exception;

  /** A pending commit with a path and no proposals (a self-update). */
  Commit update() throws Exception;

  /** A pending commit removing the member at this leaf. */
  Commit remove(int leaf) throws Exception;

  /** Applies the pending commit. */
  void merge() throws Exception;

  /** Drops the pending commit. */
  void discard() throws Exception;

  /** Applies a commit from another member. */
  void process(byte[] commit) throws Exception;

  /** Joins from a Welcome made for this member's last KeyPackage. */
  void join(byte[] welcome) throws Exception;

  /** A PrivateMessage of application data. */
  byte[] encrypt(byte[] plaintext) throws Exception;

  /** Opens an application message. */
  byte[] decrypt(byte[] message) throws Exception;

  /** The group state as it is now, for {@link #restore}. */
  Object save() throws Exception;

  /** Puts back a state {@link #save} returned (the benchmarks only, to repeat one operation). */
  void restore(Object saved) throws Exception;

  long epoch();

  byte[] epochAuthenticator() throws Exception;

  /** This member's leaf index. */
  int leaf();
}
