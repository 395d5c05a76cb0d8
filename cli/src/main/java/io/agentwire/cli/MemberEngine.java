package io.agentwire.cli;

import java.security.GeneralSecurityException;
import java.util.List;

/**
 * One group member as {@link MemberSession} drives it: the operations of the mls-member protocol on
 * bytes, with the line protocol (parsing, base64, hex, answers) kept out. Every method either
 * completes or throws and leaves the member as it was. Binary arguments are what the driver sent:
 * an {@code MLSMessage}, or for key packages, Welcomes and GroupInfos possibly the bare structure;
 * binary results are {@code MLSMessage} encodings.
 */
interface MemberEngine {

  /** The credential identity, as text. */
  String identity();

  /** The cipher suite number. */
  int suite();

  /** A fresh KeyPackage; the newest is the one {@code join} and {@code externalJoin} use. */
  byte[] keyPackage() throws GeneralSecurityException;

  /** A new group with only this member; {@code groupId} null for a random 16-byte id. */
  void create(byte[] groupId) throws GeneralSecurityException;

  /** One commit adding every key package, merged at once. */
  Commit add(List<byte[]> keyPackages) throws GeneralSecurityException;

  /** Joins from a Welcome whose GroupInfo carries the ratchet tree; returns the epoch. */
  long join(byte[] welcome) throws GeneralSecurityException;

  /** Handles one received message. */
  Processed process(byte[] message) throws GeneralSecurityException;

  /** An application message (a PrivateMessage). */
  byte[] encrypt(byte[] plaintext) throws GeneralSecurityException;

  /** A commit with a full path, merged at once. */
  Commit update() throws GeneralSecurityException;

  /** A commit removing the member at {@code leaf}, merged at once. */
  Commit remove(int leaf) throws GeneralSecurityException;

  /** The current epoch's public summary. */
  State state() throws GeneralSecurityException;

  /** MLS-Exporter(label, context, length). */
  byte[] export(String label, byte[] context, int length) throws GeneralSecurityException;

  /** The members, by leaf index. */
  List<Member> members() throws GeneralSecurityException;

  /** A signed GroupInfo with the external_pub and ratchet_tree extensions. */
  byte[] groupInfo() throws GeneralSecurityException;

  /**
   * Joins by external commit; {@code resync} also removes the leaf whose identity is this member's.
   */
  Commit externalJoin(byte[] groupInfo, boolean resync) throws GeneralSecurityException;

  /** A commit this member made and merged; {@code welcome} is null when nobody was added. */
  record Commit(byte[] commit, byte[] welcome, long epoch) {}

  /** What a received message was. */
  record Processed(Kind kind, byte[] plaintext, long epoch, boolean active) {
    enum Kind {
      APPLICATION,
      COMMIT,
      PROPOSAL
    }

    static Processed application(byte[] plaintext, long epoch) {
      return new Processed(Kind.APPLICATION, plaintext, epoch, true);
    }

    static Processed commit(long epoch, boolean active) {
      return new Processed(Kind.COMMIT, null, epoch, active);
    }

    static Processed proposal(long epoch) {
      return new Processed(Kind.PROPOSAL, null, epoch, true);
    }
  }

  /** {@code epochAuthenticator} null when it cannot be exposed. */
  record State(
      long epoch,
      byte[] epochAuthenticator,
      byte[] exporter,
      int members,
      int leaf,
      byte[] groupId,
      int suite) {}

  /** A member: its leaf index and credential identity bytes. */
  record Member(int leaf, byte[] identity) {}
}
