// Numbers as the statistics show them, the same on the page, in the terminal and in verdicts.

export const NBSP = "\u00a0";

// formatNumber drops trailing zeros (9 → « 9 »): a share is always shown with one decimal so that
// a column of them reads evenly (« 9,0 % » beside « 10,9 % »).
export const ONE_DECIMAL = new Intl.NumberFormat("fr-FR", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** 9 → « 9,0 % » (a no-break space before %, as French writes it). */
export function formatPercent(value: number): string {
  return `${ONE_DECIMAL.format(value)}${NBSP}%`;
}
