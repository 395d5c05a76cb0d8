package io.agentwire.mls;

import java.util.List;

/**
 * An immutable view of one epoch of a group (RFC 9420 §8): the group context, the members and the
 * epoch authenticator. A new epoch is a new object; holding one never changes.
 *
 * @param groupId the group id
 * @param epoch the epoch number
 * @param cipherSuite the suite
 * @param treeHash the ratchet tree's root tree hash (§7.8)
 * @param confirmedTranscriptHash the confirmed transcript hash (§8.2)
 * @param extensions the GroupContext extensions
 * @param members the members, by leaf index
 * @param ownLeafIndex this member's leaf
 * @param epochAuthenticator the epoch authenticator (§8.7)
 */
public record GroupEpoch(
    byte[] groupId,
    long epoch,
    CipherSuite cipherSuite,
    byte[] treeHash,
    byte[] confirmedTranscriptHash,
    List<MlsExtension> extensions,
    List<Member> members,
    int ownLeafIndex,
    byte[] epochAuthenticator) {}
