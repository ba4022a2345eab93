// Sequential round trips: how many requests of a cold start had to wait for an earlier one.
// Requests sent together (Promise.all, a batch) overlap in time and cost one round trip; a
// request that starts after another has ended waited for it. The figure is the longest chain of
// requests in which each starts after the previous one ended: the number of network round trips
// on the event's critical path, which is what latency to AWS multiplies (about 5 ms each for
// DynamoDB in a region), whatever the emulator's own speed.

/**
 * `requests`: [{ startedAt, endedAt }] in any order (times from one clock; a request never
 * answered counts as still open, so nothing after it waited for it). Returns the chain's length.
 */
export function sequentialRoundTrips(requests) {
  const sorted = [...requests].sort((a, b) => a.startedAt - b.startedAt);
  /** chain[i]: the longest chain ending with request i. */
  const chain = [];
  let longest = 0;
  for (let i = 0; i < sorted.length; i++) {
    let before = 0;
    for (let j = 0; j < i; j++) {
      const ended = sorted[j].endedAt;
      if (ended !== undefined && ended <= sorted[i].startedAt) before = Math.max(before, chain[j]);
    }
    chain.push(before + 1);
    longest = Math.max(longest, before + 1);
  }
  return longest;
}

/** Per service: requests, and their sequential round trips; and the same for all of AWS. */
export function roundTripsByService(requests) {
  const services = [...new Set(requests.map((r) => r.service))].sort();
  const byService = {};
  for (const service of services) {
    const mine = requests.filter((r) => r.service === service);
    byService[service] = { requests: mine.length, sequential: sequentialRoundTrips(mine) };
  }
  return { all: { requests: requests.length, sequential: sequentialRoundTrips(requests) }, byService };
}
