/** Writes sent together in one round trip, each waited for: the unit the engine's rounds are made of. */

/** A write not yet sent: it goes out with the others of its round. */
export type Write = () => Promise<unknown>;

/** Sends the writes together and waits for every one of them; then throws the first failure, if any. */
export async function settle(writes: ReadonlyArray<Write | undefined>): Promise<void> {
  const sent: Promise<unknown>[] = [];
  for (const write of writes) if (write) sent.push(write());
  const outcomes = await Promise.allSettled(sent);
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
}
