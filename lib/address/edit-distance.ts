// How far apart two words are, for the typos of a query: the vocabulary is searched for the words one
// or two edits from an unknown word. Bounded, because nearly every word of it is far off and the
// search can stop at the first row that already exceeds the bound.

/**
 * Optimal string alignment distance (insertions, deletions, substitutions, swaps of two neighbours),
 * giving up as soon as it must exceed `most`: most words of the vocabulary are far off.
 */
export function editDistance(a: string, b: string, most: number): number {
  if (Math.abs(a.length - b.length) > most) return most + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1);
    current[0] = i;
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (before[j - 2] as number) + 1);
      current[j] = value;
      if (value < best) best = value;
    }
    if (best > most) return most + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length] as number;
}
