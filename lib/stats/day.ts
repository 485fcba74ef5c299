// Counts are kept per day, in France's time: « answers per day » means the days the team lives.
// The day of a moment in Paris is the vocabulary's (date bounds of questions use it too).
export { parisDay } from "../vocabulary/index.ts";

export const DAY = /^\d{4}-\d{2}-\d{2}$/;
