/**
 * An independent scorer of a gbdt model document, written from docs/model.md's description of the
 * gbdt part alone (no riskwatch code): a row is the document's features in order, each a number, a
 * category's text, or null when missing. A text the feature's `categories` do not list is
 * "(other)" when they list "(other)", else missing. log-odds = baseScore + the leaves' values;
 * probability = 1 / (1 + e^−log-odds).
 */
export function scoreGbdtDocument(doc: any, row: (number | string | null)[]): number {
  const cats = doc.features.map((f: any) => f.categories ?? null);
  const value = (f: number) => {
    const v = row[f];
    if (v === null || cats[f] === null) return v;
    return cats[f].includes(v) ? v : cats[f].includes('(other)') ? '(other)' : null;
  };
  let logOdds = doc.gbdt.baseScore;
  for (const t of doc.gbdt.trees) {
    let i = 0;
    while (t.feature[i] !== -1) {
      const v = value(t.feature[i]);
      const left = v === null ? t.missingLeft[i] : t.categories[i] !== null ? t.categories[i].includes(v) : v <= t.threshold[i];
      i = left ? t.left[i] : t.right[i];
    }
    logOdds += t.value[i];
  }
  return 1 / (1 + Math.exp(-logOdds));
}
