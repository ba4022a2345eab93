/** "Did you mean ...?" for a mistyped command or option. */

/** Edit distance counting a swap of two neighbours as one edit (valdiate → validate is 1). */
export function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  // d[i * width + j]: distance between the first i characters of a and the first j of b.
  const d = new Array<number>((a.length + 1) * width).fill(0);
  const at = (i: number, j: number) => d[i * width + j] ?? 0;
  for (let i = 0; i <= a.length; i++) d[i * width] = i;
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * width + j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The closest candidate, if it is close enough to be what was meant (or starts with the word). */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = name.startsWith(w) && w.length >= 3 ? 0.5 : editDistance(w, name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(1, Math.floor(Math.max(w.length, best.name.length) / 3)) ? best.name : undefined;
}

export function didYouMean(word: string, candidates: readonly string[], show: (name: string) => string = (n) => n): string {
  const match = nearest(word, candidates);
  return match ? `: did you mean ${show(match)}?` : '';
}
