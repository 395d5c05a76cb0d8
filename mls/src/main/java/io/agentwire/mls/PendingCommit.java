package io.agentwire.mls;

/**
 * A commit this member made but has not applied (RFC 9420 §12.4): send {@link #commitMessage()} to
 * the delivery service; when it accepts it, call {@link MlsGroup#mergePendingCommit()} and send
 * {@link #welcome()} to the new members; when it refuses (another commit won the epoch), call
 * {@link MlsGroup#discardPendingCommit()} or just {@link MlsGroup#process process} the winning
 * commit, which discards this one.
 *
 * <p>Immutable value; arrays are the caller's.
 *
 * @param epoch the epoch the group will be in after merging
 * @param commitMessage the MLSMessage carrying the Commit (PublicMessage or PrivateMessage)
 * @param welcome the MLSMessage Welcome for the added members, or null if none are added
 * @param groupInfo the signed GroupInfo of the new epoch as an MLSMessage, with {@code
 *     external_pub} (and {@code ratchet_tree} when the config says so)
 */
public record PendingCommit(long epoch, byte[] commitMessage, byte[] welcome, byte[] groupInfo) {}
