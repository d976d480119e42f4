const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/**
 * A stable 32-bit hash of a stream id: FNV-1a over its UTF-8 bytes. The same
 * in every process and every eventfold version, so consumer-group members
 * agree on who owns a stream.
 *
 * @example
 * ```ts
 * streamHash('Task-1'); // 0x… the same everywhere
 * ```
 */
export function streamHash(streamId: string): number {
  let hash = FNV_OFFSET;
  for (const byte of encoder.encode(streamId)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/**
 * The member of a consumer group of `members` that owns `streamId`: every
 * event of a stream goes to the same member.
 *
 * @example
 * ```ts
 * groupMemberOf('Task-1', 3); // 0, 1 or 2, always the same for Task-1
 * ```
 */
export function groupMemberOf(streamId: string, members: number): number {
  return streamHash(streamId) % members;
}
