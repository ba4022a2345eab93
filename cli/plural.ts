/** "1 event", "2 events", "1,000 events": a count with its noun, singular when it is one. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
}
