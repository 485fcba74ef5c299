// How far apart two words are, for the typos of a query: the vocabulary is searched for the words one
// or two edits from a query's word. Bounded, because nearly every word of it is far off and the
// search can stop at the first row that already exceeds the bound; on reused typed rows, because a
// query compares its words with thousands of the vocabulary's (measured: 5 times faster than with
// arrays allocated for each pair).

/** Words longer than this are compared on their first MAX_LENGTH letters (no French street word is). */
const MAX_LENGTH = 63;
const rows = [new Int32Array(MAX_LENGTH + 1), new Int32Array(MAX_LENGTH + 1), new Int32Array(MAX_LENGTH + 1)];

/**
 * Optimal string alignment distance (insertions, deletions, substitutions, swaps of two neighbours),
 * giving up as soon as it must exceed `most`: most words of the vocabulary are far off.
 */
export function editDistance(a: string, b: string, most: number): number {
  const n = Math.min(a.length, MAX_LENGTH);
  const m = Math.min(b.length, MAX_LENGTH);
  if (Math.abs(n - m) > most) return most + 1;
  let before = rows[0]!;
  let previous = rows[1]!;
  let current = rows[2]!;
  for (let j = 0; j <= m; j++) previous[j] = j;
  for (let i = 1; i <= n; i++) {
    const ca = a.charCodeAt(i - 1);
    const caBefore = i > 1 ? a.charCodeAt(i - 2) : -1;
    current[0] = i;
    let best = i;
    for (let j = 1; j <= m; j++) {
      const cb = b.charCodeAt(j - 1);
      let value = previous[j - 1]! + (ca === cb ? 0 : 1);
      const deletion = previous[j]! + 1;
      if (deletion < value) value = deletion;
      const insertion = current[j - 1]! + 1;
      if (insertion < value) value = insertion;
      if (j > 1 && ca === b.charCodeAt(j - 2) && caBefore === cb && before[j - 2]! + 1 < value) value = before[j - 2]! + 1;
      current[j] = value;
      if (value < best) best = value;
    }
    if (best > most) return most + 1;
    const spare = before;
    before = previous;
    previous = current;
    current = spare;
  }
  return Math.min(previous[m]!, most + 1);
}
