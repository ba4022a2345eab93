/** Writes sent together in one round trip, each waited for: the unit the engine's rounds are made of. */

/** A write not yet sent: it goes out with the others of its round. */
export type Write = () => Promise<unknown>;

/** Sends the writes together and waits for every one of them; then throws the first failure, if any. */
export async function settle(writes: ReadonlyArray<Write | undefined>): Promise<void> {
  const outcomes = await Promise.allSettled(writes.flatMap((w) => (w ? [w()] : [])));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}
