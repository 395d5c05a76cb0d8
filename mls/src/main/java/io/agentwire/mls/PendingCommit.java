package io.agentwire.mls;

/**
 * A commit this member made but has not applied (RFC 9420 §12.4): send {@link #commitMessage()} to
 * the delivery service; when it accepts it, call {@link MlsGroup#mergePendingCommit()} and send
 * {@link #welcome()} to the new members; when it refuses (another commit won the epoch), call
 * {@link MlsGroup#discardPendingCommit()} or just {@link MlsGroup#process process} the winning
 * commit, which discards this one.
 *
 * <p>A GroupInfo for external joiners of the new epoch is {@link MlsGroup#groupInfo(boolean)} once
 * merged; it is not made with every commit, since with the ratchet tree inside it costs O(N) to
 * encode and sign, which would make every commit linear in the group size.
 *
 * <p>Immutable value; arrays are the caller's.
 *
 * @param epoch the epoch the group will be in after merging
 * @param commitMessage the MLSMessage carrying the Commit (PublicMessage or PrivateMessage)
 * @param welcome the MLSMessage Welcome for the added members, or null if none are added
 */
public record PendingCommit(long epoch, byte[] commitMessage, byte[] welcome) {}
