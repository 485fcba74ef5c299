// A service's variants, as the pages and the functions see them: the main page (no variant), then
// each variant of the Variantes table with its own address and the texts it changes. How the main
// address splits visitors between active variants is in lib/stats/split.ts.
import type { Service, Variant } from "./model.ts";
import { paths } from "../vocabulary/index.ts";

/** The service's main page, when it has no variant (or its pages predate them). */
export const MAIN_VARIANT = "";
export const MAIN_VARIANT_NAME = "Page principale";

export interface VariantInfo {
  slug: string;
  name: string;
  active: boolean;
  /** Its landing page. */
  landingPath: string;
  formPath: string;
}

export function variantsOf(service: Pick<Service, "slug" | "variants">): VariantInfo[] {
  const main: VariantInfo = {
    slug: MAIN_VARIANT,
    name: MAIN_VARIANT_NAME,
    // The main page is shown at the main address only while no variant is active.
    active: !service.variants.some((v) => v.active),
    landingPath: paths.landing(service.slug),
    formPath: paths.form(service.slug),
  };
  return [
    main,
    ...service.variants.map((v) => ({
      slug: v.slug,
      name: v.name,
      active: v.active,
      landingPath: paths.variantLanding(service.slug, v.slug),
      formPath: paths.variantForm(service.slug, v.slug),
    })),
  ];
}

/** Whether the main address splits visitors (some variant is active) rather than showing the main page. */
export const splits = (service: Pick<Service, "variants">): boolean => service.variants.some((v) => v.active);

/** The service as a variant shows it: its texts in place of the service's. */
export function withVariant<S extends Pick<Service, "title" | "tagline" | "promise" | "cta">>(service: S, variant: Variant | undefined): S {
  if (!variant) return service;
  return {
    ...service,
    ...(variant.title ? { title: variant.title } : {}),
    ...(variant.tagline ? { tagline: variant.tagline } : {}),
    ...(variant.promise.length > 0 ? { promise: variant.promise } : {}),
    ...(variant.cta ? { cta: variant.cta } : {}),
  };
}
