// Minimal HTML building shared by the build (Eleventy shortcodes), the browser bundle and the
// submit function, which re-renders a form with the citizen's values and errors. Kept dependency-free
// so that it bundles into the browser.

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export type AttributeValue = string | number | boolean | null | undefined;

/** Renders ` name="value"` pairs; `true` gives a bare attribute, `false`/null/undefined drop it. */
export function attributes(attrs: Record<string, AttributeValue>): string {
  let out = "";
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    out += value === true ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`;
  }
  return out;
}

/** Joins the non-empty class names. */
export function classes(...names: Array<string | false | null | undefined>): string {
  return names.filter(Boolean).join(" ");
}
