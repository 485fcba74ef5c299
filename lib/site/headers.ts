// HTTP headers, decided here and nowhere else. Netlify applies _site/_headers (written by the
// build from headersFile()) to the static pages only: its header rules skip what functions
// answer. So the functions build every Response through jsonResponse / htmlResponse /
// redirectResponse / emptyResponse below, and a page and a function answer always carry the same
// security headers; a new header added here reaches both.

/**
 * Alpine's CSP build needs no eval; nothing is loaded from another origin, except the site's
 * Matomo when the base names one: its origin, and only it, may serve a script and receive hits.
 */
export function contentSecurityPolicy(analyticsOrigin?: string): string {
  const also = analyticsOrigin ? ` ${analyticsOrigin}` : "";
  return [
    "default-src 'self'",
    `script-src 'self'${also}`,
    "style-src 'self'",
    `img-src 'self' data:${also}`,
    "font-src 'self'",
    `connect-src 'self'${also}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join("; ");
}

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/**
 * Two years, subdomains included (what the HSTS preload list asks for, without opting into it):
 * the site is only ever served over HTTPS by Netlify, so no reason to let a first visit in clear.
 */
export const STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains";

/**
 * Powerful browser features a form page never needs, each denied to the page and to any frame
 * (`=()`), so an injected script or a compromised dependency cannot ask for them. Only names that
 * Chromium recognises (an unknown name logs a console warning on every page). Clipboard writing is
 * left allowed: a "copy the reference number" button may use it one day.
 */
export const DENIED_FEATURES = [
  "accelerometer",
  "autoplay",
  "browsing-topics",
  "camera",
  "clipboard-read",
  "display-capture",
  "encrypted-media",
  "fullscreen",
  "gamepad",
  "gyroscope",
  "hid",
  "identity-credentials-get",
  "idle-detection",
  "interest-cohort",
  "local-fonts",
  "magnetometer",
  "microphone",
  "midi",
  "otp-credentials",
  "payment",
  "picture-in-picture",
  "publickey-credentials-create",
  "publickey-credentials-get",
  "screen-wake-lock",
  "serial",
  "sync-xhr",
  "usb",
  "window-management",
  "xr-spatial-tracking",
] as const;

/**
 * Features the site's own pages may use, never a frame: geolocation, for the address field's
 * « Utiliser ma position » (the browser still asks the citizen first).
 */
export const SELF_FEATURES = ["geolocation"] as const;

export const PERMISSIONS_POLICY = [...DENIED_FEATURES.map((feature) => `${feature}=()`), ...SELF_FEATURES.map((feature) => `${feature}=(self)`)].join(", ");

/** On every answer, page or function, whatever its type or status. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  "strict-transport-security": STRICT_TRANSPORT_SECURITY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
};

/** On every document (static page or HTML answer of a function). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  ...COMMON_HEADERS,
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "permissions-policy": PERMISSIONS_POLICY,
};

export const JSON_HEADERS: Readonly<Record<string, string>> = {
  ...COMMON_HEADERS,
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
};

const HTML_HEADERS: Readonly<Record<string, string>> = {
  ...SECURITY_HEADERS,
  "content-type": "text/html; charset=utf-8",
};

export type ExtraHeaders = Readonly<Record<string, string>>;

/**
 * The shared headers, then the caller's. A function's answer is never stored by a browser or a
 * shared cache unless its caller says so (`cache-control` in `extra`): errors above all (a 4xx/5xx
 * cached by a proxy outlives the problem), and answers to a form hold a citizen's data.
 */
function headers(base: ExtraHeaders, extra: ExtraHeaders): Headers {
  const result = new Headers(base);
  if (!result.has("cache-control")) result.set("cache-control", "no-store");
  for (const [name, value] of Object.entries(extra)) result.set(name, value);
  return result;
}

export function jsonResponse(status: number, body: unknown, extra: ExtraHeaders = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: headers(JSON_HEADERS, extra) });
}

export function htmlResponse(status: number, html: string, extra: ExtraHeaders = {}): Response {
  return new Response(html, { status, headers: headers(HTML_HEADERS, extra) });
}

/** 303 See Other: after a POST, the browser GETs `location` (never re-POSTs it). */
export function redirectResponse(location: string, extra: ExtraHeaders = {}): Response {
  return new Response(null, { status: 303, headers: headers(SECURITY_HEADERS, { ...extra, location }) });
}

/** No body: 204 (e.g. a CORS preflight), or a 304. */
export function emptyResponse(status: number, extra: ExtraHeaders = {}): Response {
  return new Response(null, { status, headers: headers(COMMON_HEADERS, extra) });
}

/** The CSP a page needs when the site reports to a Matomo at `matomoUrl` too (nothing extra without). */
export function analyticsHeaders(matomoUrl: string | undefined): ExtraHeaders {
  return matomoUrl ? { "content-security-policy": contentSecurityPolicy(new URL(matomoUrl).origin) } : {};
}

/** Netlify's _headers file for the static site. */
export function headersFile(matomoUrl?: string): string {
  const headers = { ...SECURITY_HEADERS, ...analyticsHeaders(matomoUrl) };
  const lines = ["/*", ...Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`)];
  lines.push("/dsfr/*", "  cache-control: public, max-age=86400");
  return `${lines.join("\n")}\n`;
}
