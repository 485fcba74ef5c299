// Counts are kept per day, in France's time: « answers per day » means the days the team lives.
const PARIS_DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit" });

/** The day of a moment in Paris, as 2026-11-30. */
export function parisDay(at: number): string {
  return PARIS_DAY.format(new Date(at));
}

export const DAY = /^\d{4}-\d{2}-\d{2}$/;
