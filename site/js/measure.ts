// Counting, without cookie or identifier: this page's view (with where the visit came from), and
// on a form page how far the form was filled. Each is one small anonymous beacon to /api/event;
// nothing is stored in the browser. Without JavaScript a <noscript> image counts the view instead.
// Also loads the site's Matomo, when the base names one, in its cookieless mode.
import { CONTROL_FIELDS } from "../../lib/forms/definitions.ts";
import { CAMPAIGN_PARAM, MEASURE_META, sourceOf, type PageEvent, type PageMeasure } from "../../lib/stats/event.ts";
import { paths } from "../../lib/vocabulary/index.ts";

function send(event: PageEvent): void {
  const body = JSON.stringify(event);
  // sendBeacon survives the page being left (a click on the form's button).
  if (navigator.sendBeacon?.(paths.event, new Blob([body], { type: "application/json" }))) return;
  void fetch(paths.event, { method: "POST", body, headers: { "content-type": "application/json" }, keepalive: true }).catch(() => undefined);
}

function readMeasure(): PageMeasure | undefined {
  const content = document.querySelector<HTMLMetaElement>(`meta[name="${MEASURE_META}"]`)?.content;
  if (!content) return undefined;
  try {
    return JSON.parse(content) as PageMeasure;
  } catch {
    return undefined;
  }
}

function measure(page: PageMeasure): void {
  const { source, campaign } = sourceOf(new URLSearchParams(location.search), document.referrer || undefined, location.hostname);
  send({ type: "view", ...page, ...(source ? { source } : {}), ...(campaign ? { campaign } : {}) });

  if (page.page === "landing") {
    // The form page learns the source from its address (the answer records it), and the answers
    // a link prefills (« Paramètre d'URL »: /service/?commune=Bondy reaches the form with it).
    if (!source && !campaign && !location.search) return;
    document.querySelectorAll<HTMLAnchorElement>(`a[href$="/formulaire/"]`).forEach((link) => {
      const url = new URL(link.href);
      new URLSearchParams(location.search).forEach((value, name) => url.searchParams.append(name, value));
      if (source) url.searchParams.set("utm_source", source);
      if (campaign) url.searchParams.set(CAMPAIGN_PARAM, campaign);
      link.href = url.pathname + url.search;
    });
    return;
  }

  const form = document.querySelector<HTMLFormElement>("form[data-kit-form]");
  if (!form) return;
  const setHidden = (name: string, value: string | undefined) => {
    const input = form.elements.namedItem(name);
    if (value && input instanceof HTMLInputElement) input.value = value;
  };
  setHidden(CONTROL_FIELDS.source, source);
  setHidden(CONTROL_FIELDS.campaign, campaign);

  // How far the form was filled: each time a question further than any before is reached.
  const questions = [...form.querySelectorAll<HTMLElement>("[data-kit-field]")];
  let furthest = -1;
  const reach = (target: EventTarget | null) => {
    const group = (target as HTMLElement | null)?.closest?.<HTMLElement>("[data-kit-field]");
    const index = group ? questions.indexOf(group) : -1;
    if (index <= furthest) return;
    send({ type: "progress", service: page.service, variant: page.variant, from: furthest, to: index });
    furthest = index;
  };
  form.addEventListener("focusin", (event) => reach(event.target));
  form.addEventListener("change", (event) => reach(event.target));
}

/** Matomo's own snippet, without cookies (its `disableCookies`), from the address the base gives. */
function matomo(): void {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="kit-matomo"]');
  const url = meta?.content;
  const site = meta?.dataset.site;
  if (!url || !site) return;
  const queue = ((window as unknown as { _paq?: unknown[][] })._paq ??= []);
  queue.push(["disableCookies"], ["trackPageView"], ["enableLinkTracking"], ["setTrackerUrl", `${url}matomo.php`], ["setSiteId", site]);
  const script = document.createElement("script");
  script.async = true;
  script.src = `${url}matomo.js`;
  document.head.append(script);
}

function start(): void {
  const page = readMeasure();
  if (page) measure(page);
  matomo();
}

// A page prerendered ahead of a click is counted when it is shown, not before.
if ((document as Document & { prerendering?: boolean }).prerendering) {
  document.addEventListener("prerenderingchange", start, { once: true });
} else {
  start();
}
