// Progressive enhancement of the forms, with Alpine.js (its CSP build: no eval, so the site can
// forbid it). Without this script the forms still work: the server validates and re-renders.
// Validation here runs the very validators the submit function runs (lib/forms/parse.ts), and the
// messages are the server's markup (lib/forms/errors.ts). Only browser-safe modules are imported: the
// fields' markup is rendered by the build, never shipped (see .dependency-cruiser.cjs).
import Alpine from "@alpinejs/csp";
import { addressIdName, emptyFields, messagesId, type FieldSpec, type RawFields } from "../../lib/forms/field-spec.ts";
import { fieldType, readForm, takesAnswer, type FormReading } from "../../lib/forms/field-types.ts";
import { dateBounds } from "../../lib/forms/parse.ts";
import { CONTROL_FIELDS, DEFINITION_SCRIPT_ID, type FormDefinition } from "../../lib/forms/definitions.ts";
import { STEP_IDS } from "../../lib/forms/steps.ts";
import { errorMessageHtml, errorSummaryHtml, ERROR_SUMMARY_ID, errorTitle } from "../../lib/forms/errors.ts";
import { addressCombobox } from "./address-combobox.ts";
import { communeCombobox } from "./commune-combobox.ts";

/** What Alpine adds to a component's `this`. */
interface Magics {
  $el: HTMLElement;
  $nextTick(callback: () => void): void;
}

// ---------------------------------------------------------------------------------------------
// Form: inline validation with DSFR error states, error summary on submit.

function readDefinition(): FormDefinition {
  const script = document.getElementById(DEFINITION_SCRIPT_ID);
  return JSON.parse(script?.textContent ?? "null") as FormDefinition;
}

function readRaw(form: HTMLFormElement): RawFields {
  const raw = emptyFields();
  new FormData(form).forEach((value, name) => {
    if (typeof value === "string") (raw[name] ??= []).push(value);
  });
  return raw;
}

function showError(form: HTMLFormElement, field: FieldSpec, message: string | undefined): void {
  const group = form.querySelector<HTMLElement>(`[data-kit-field="${field.key}"]`);
  if (!group) return;
  // A text that explains has no error state (and classList.toggle("") would throw).
  const errorClass = group.dataset.kitErrorClass;
  if (errorClass) group.classList.toggle(errorClass, Boolean(message));
  form.querySelectorAll<HTMLElement>(`[name="${field.key}"]`).forEach((control) => {
    if (message) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
    if (control.classList.contains("fr-input")) control.classList.toggle("fr-input--error", Boolean(message));
    if (control.classList.contains("fr-select")) control.classList.toggle("fr-select--error", Boolean(message));
  });
  const messages = document.getElementById(messagesId(field));
  if (messages) messages.innerHTML = errorMessageHtml(field, message);
}

const originalTitle = document.title;

function kitForm() {
  let form: HTMLFormElement;
  let definition: FormDefinition;
  const invalid = new Set<string>();
  let submitting = false;

  const fieldOf = (target: EventTarget | null): FieldSpec | undefined => {
    const name = (target as HTMLInputElement | null)?.name;
    return name ? definition.fields.find((f) => f.key === name || addressIdName(f) === name) : undefined;
  };

  const control = (name: string) => form.elements.namedItem(name) as HTMLInputElement | null;

  /** A new filling of the form: a new id, so a new answer is not taken for a re-send of the last. */
  const newInstance = () => {
    const instance = control(CONTROL_FIELDS.instance);
    if (instance) instance.value = crypto.randomUUID();
    const timing = control(CONTROL_FIELDS.timing);
    if (timing) timing.value = "";
    void fetchTimingToken();
    submitting = false;
  };

  /**
   * The server's token for this display of the form: it tells the server how long the form was on
   * screen. Without it (offline, blocked) the answer is still kept, in quarantine for a person to check.
   */
  const fetchTimingToken = async () => {
    try {
      const response = await fetch(form.action, { headers: { accept: "application/json" }, cache: "no-store" });
      const { token } = (await response.json()) as { token?: unknown };
      const timing = control(CONTROL_FIELDS.timing);
      if (timing && typeof token === "string") timing.value = token;
    } catch {
      // Kept without: see above.
    }
  };

  /**
   * The page is built once: the days « aujourd'hui » or « -18 ans » stand for are known only now.
   * The date picker then offers the accepted days only (absolute bounds are in the markup already).
   */
  const setDateBounds = () => {
    for (const field of definition.fields) {
      if (field.type !== "date") continue;
      const { earliest, latest } = dateBounds(field);
      const input = control(field.key);
      if (earliest) input?.setAttribute("min", earliest);
      if (latest) input?.setAttribute("max", latest);
    }
  };

  /** The questions « Afficher si » hides, as the server reads the same answers (readForm). */
  let hiddenKeys = new Set<string>();
  /** The question whose answer ended the form as not eligible, if any. */
  let ineligibleKey: string | undefined;

  /** Shows the alert of the question that ended the form as not eligible, and only that one. */
  const showIneligible = (reading: FormReading) => {
    if (reading.ineligible === ineligibleKey) return;
    ineligibleKey = reading.ineligible;
    form.querySelectorAll<HTMLElement>("[data-kit-ineligible]").forEach((notice) => {
      const alert = notice.querySelector<HTMLElement>(".fr-alert");
      if (alert) alert.hidden = notice.dataset.kitIneligible !== ineligibleKey;
    });
  };

  /**
   * Hides the questions whose conditions do not hold, and disables their controls: a disabled
   * control is neither sent nor focusable. A question shown again gets back what was typed in it,
   * which may show the ones depending on it: read again until nothing changes.
   */
  const applyConditions = () => {
    if (!definition.fields.some((field) => field.conditions?.length || field.ineligibleIf?.length)) return;
    for (let pass = 0; pass <= definition.fields.length; pass++) {
      const reading = readForm(definition.fields, readRaw(form));
      const { shown } = reading;
      showIneligible(reading);
      let changed = false;
      for (const field of definition.fields) {
        const hide = !shown.has(field.key);
        if (hide === hiddenKeys.has(field.key)) continue;
        changed = true;
        if (hide) hiddenKeys.add(field.key);
        else hiddenKeys.delete(field.key);
        const group = form.querySelector<HTMLElement>(`[data-kit-field="${field.key}"]`);
        if (!group) continue;
        group.hidden = hide;
        const notice = form.querySelector<HTMLElement>(`[data-kit-ineligible="${field.key}"]`);
        if (notice) notice.hidden = hide;
        group.querySelectorAll<HTMLInputElement>("input, select, textarea").forEach((control) => {
          control.disabled = hide;
        });
        if (hide) {
          // Its error no longer applies; nor does the summary's link to it, which would focus a hidden field.
          invalid.delete(field.key);
          showError(form, field, undefined);
          document.querySelector(`#${ERROR_SUMMARY_ID} a[href="#${fieldType(field.type).focusId(field)}"]`)?.closest("li")?.remove();
        }
      }
      if (!changed) break;
    }
    // Shown or hidden questions may add or remove a step, or make this one the last.
    if (steps.length > 1) showStep(current, false);
  };

  // -------------------------------------------------------------------------------------------
  // Steps: with « Titre de section » questions, one step at a time (the markup has them all, for
  // pages without JavaScript). A step whose questions are all hidden is skipped; an answer that
  // ends the form as not eligible makes its step the last.

  let steps: HTMLElement[] = [];
  let current = 0;
  const byId = (id: string) => document.getElementById(id);

  const stepOf = (element: Element | null) => (element ? steps.indexOf(element.closest<HTMLElement>("[data-kit-step]") as HTMLElement) : -1);

  /** The steps with something to show, as the answers so far have it. */
  const liveSteps = () =>
    steps.filter((step) =>
      [...step.querySelectorAll<HTMLElement>("[data-kit-field]")].some((group) => !hiddenKeys.has(group.dataset.kitField ?? "")),
    );

  const fieldsOfStep = (step: HTMLElement) =>
    definition.fields.filter((field) => step.querySelector(`[data-kit-field="${field.key}"]`) && !hiddenKeys.has(field.key) && takesAnswer(field));

  const showStep = (index: number, focus: boolean) => {
    const live = liveSteps();
    const position = Math.max(0, live.indexOf(steps[index] as HTMLElement));
    current = steps.indexOf(live[position] as HTMLElement);
    steps.forEach((step, i) => (step.hidden = i !== current));
    const titleOf = (step: HTMLElement | undefined) =>
      step?.querySelector(".kit-section__title")?.textContent ?? definition.title;
    const label = byId(STEP_IDS.stepTitle)?.querySelector(".kit-stepper__label");
    if (label) label.textContent = titleOf(live[position]);
    const state = byId(STEP_IDS.stepState);
    if (state) state.textContent = `Étape ${position + 1} sur ${live.length}`;
    const bar = byId(STEP_IDS.stepBar);
    bar?.setAttribute("data-fr-current-step", String(position + 1));
    bar?.setAttribute("data-fr-steps", String(live.length));
    const last = position === live.length - 1;
    const next = byId(STEP_IDS.nextTitle);
    if (next) {
      next.hidden = last;
      const nextLabel = next.querySelector(".kit-stepper__next");
      if (nextLabel) nextLabel.textContent = last ? "" : titleOf(live[position + 1]);
    }
    const [previous, forward, submit] = [byId(STEP_IDS.previous), byId(STEP_IDS.next), byId(STEP_IDS.submit)];
    if (previous) previous.hidden = position === 0;
    if (forward) forward.hidden = last;
    if (submit) submit.hidden = !last;
    saveDraft();
    // The new step's title is where reading goes on (RGAA 7.1: focus moved where the content changed).
    if (focus) byId(STEP_IDS.stepTitle)?.focus();
  };

  /** Shows errors (the summary lists them, its links open their step) or clears them; false when there are some. */
  const report = (errors: Record<string, string>): boolean => {
    const slot = document.getElementById("kit-error-summary-slot");
    const count = Object.keys(errors).length;
    if (count === 0) {
      slot?.replaceChildren();
      document.title = originalTitle;
      return true;
    }
    if (slot) slot.innerHTML = errorSummaryHtml(definition, errors);
    document.title = errorTitle(count, originalTitle);
    document.getElementById(ERROR_SUMMARY_ID)?.focus();
    return false;
  };

  const validateAll = (fields: readonly FieldSpec[]): Record<string, string> => {
    const raw = readRaw(form);
    const errors: Record<string, string> = {};
    for (const field of fields) {
      // A hidden question is neither required nor sent: no error for it, no link to it.
      if (!takesAnswer(field) || hiddenKeys.has(field.key)) continue;
      const message = validate(field, raw);
      if (message) errors[field.key] = message;
    }
    return errors;
  };

  const setUpSteps = () => {
    steps = [...form.querySelectorAll<HTMLElement>("[data-kit-step]")];
    if (steps.length < 2) return;
    form.classList.add("kit-form--steps");
    const stepper = byId(STEP_IDS.stepper);
    if (stepper) stepper.hidden = false;
    byId(STEP_IDS.previous)?.addEventListener("click", () => {
      const live = liveSteps();
      const position = live.indexOf(steps[current] as HTMLElement);
      report({});
      showStep(steps.indexOf(live[Math.max(0, position - 1)] as HTMLElement), true);
    });
    byId(STEP_IDS.next)?.addEventListener("click", () => {
      applyConditions();
      if (!report(validateAll(fieldsOfStep(steps[current] as HTMLElement)))) return;
      const live = liveSteps();
      const position = live.indexOf(steps[current] as HTMLElement);
      showStep(steps.indexOf(live[Math.min(live.length - 1, position + 1)] as HTMLElement), true);
    });
    // A link of the error summary to a question of another step opens that step first.
    document.addEventListener("click", (event) => {
      const link = (event.target as Element | null)?.closest?.<HTMLAnchorElement>(`#${ERROR_SUMMARY_ID} a[href^="#"]`);
      const index = link ? stepOf(document.getElementById(link.hash.slice(1))) : -1;
      if (index >= 0 && index !== current) showStep(index, false);
    });
    const firstError = form.querySelector('[aria-invalid="true"]');
    showStep(firstError ? Math.max(0, stepOf(firstError)) : (draftStep ?? 0), false);
  };

  // -------------------------------------------------------------------------------------------
  // Draft: what was typed survives a reload or an accidental back, in this tab's session storage
  // only (gone when the tab closes), and is removed when the form is sent.

  const draftKey = () => `kit-brouillon:${location.pathname}`;
  /** Not kept: the anti-bot fields, and the timing token (a new one is fetched). */
  const NOT_KEPT: ReadonlySet<string> = new Set([CONTROL_FIELDS.honeypot, CONTROL_FIELDS.timing]);
  let draftStep: number | undefined;
  let draftTimer: ReturnType<typeof setTimeout> | undefined;

  const saveDraft = () => {
    clearTimeout(draftTimer);
    draftTimer = setTimeout(() => {
      if (submitting) return;
      const values = Object.entries(readRaw(form)).filter(([name]) => !NOT_KEPT.has(name));
      try {
        sessionStorage.setItem(draftKey(), JSON.stringify({ values, step: current }));
      } catch {
        // Storage full or refused (private browsing): the form still works, without a draft.
      }
    }, 150);
  };

  const clearDraft = () => {
    clearTimeout(draftTimer);
    try {
      sessionStorage.removeItem(draftKey());
    } catch {
      // See saveDraft.
    }
  };

  /** Sets the controls of a name to the values given: text typed, options chosen, boxes ticked. */
  const setValues = (name: string, values: readonly string[]) => {
    form.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(`[name="${CSS.escape(name)}"]`).forEach((element) => {
      if (element instanceof HTMLInputElement && (element.type === "radio" || element.type === "checkbox")) {
        element.checked = values.includes(element.value);
      } else {
        element.value = values[0] ?? "";
      }
    });
  };

  /** Puts back the draft of this tab; false when there is none. */
  const restoreDraft = (): boolean => {
    type Draft = { values?: [string, string[]][]; step?: number } | null;
    let saved: Draft;
    try {
      saved = JSON.parse(sessionStorage.getItem(draftKey()) ?? "null") as Draft;
    } catch {
      return false;
    }
    if (!saved?.values) return false;
    const names = new Set(saved.values.map(([name]) => name));
    // A box unticked before the reload is absent from the draft: untick it too.
    definition.fields.forEach((field) => {
      if (!names.has(field.key)) setValues(field.key, []);
    });
    for (const [name, values] of saved.values) if (!NOT_KEPT.has(name)) setValues(name, values);
    draftStep = saved.step;
    return true;
  };

  /** « Paramètre d'URL »: ?velo=cargo prefills the question; a choice takes the offered answer it names (case and accents aside). */
  const prefill = () => {
    const query = new URLSearchParams(location.search);
    const fold = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();
    for (const field of definition.fields) {
      if (!field.prefill || !query.has(field.prefill)) continue;
      const given = query.getAll(field.prefill).flatMap((value) => (field.type === "checkboxes" ? value.split(",") : [value]));
      const offered = field.type === "yes-no" ? ["Oui", "Non"] : field.options;
      const values = offered.length > 0 ? given.map((value) => offered.find((option) => fold(option) === fold(value))).filter((v): v is string => v !== undefined) : given.slice(0, 1);
      if (values.length > 0) setValues(field.key, values);
    }
  };

  const validate = (field: FieldSpec, raw = readRaw(form)): string | undefined => {
    const result = fieldType(field.type).parse(field, raw);
    const message = result.ok ? undefined : result.error;
    if (message) invalid.add(field.key);
    else invalid.delete(field.key);
    showError(form, field, message);
    return message;
  };

  return {
    init(this: Magics) {
      form = this.$el as HTMLFormElement;
      definition = readDefinition();
      // Our messages replace the browser's, which are neither in DSFR style nor always in French.
      form.noValidate = true;
      setDateBounds();
      // A page the server sent back (errors) has the citizen's latest values: neither draft nor prefill.
      const fromServer = Boolean(control(CONTROL_FIELDS.instance)?.value);
      if (!fromServer && !restoreDraft()) prefill();
      applyConditions();
      setUpSteps();
      // A page the server sent back with errors keeps its instance: it is the same filling; so does a draft.
      if (!control(CONTROL_FIELDS.instance)?.value) newInstance();
      else if (!control(CONTROL_FIELDS.timing)?.value) void fetchTimingToken();
      // Back from the confirmation page, the browser restores this page as it was: start afresh.
      window.addEventListener("pageshow", (event) => {
        if (event.persisted) newInstance();
      });
    },
    form: {
      // Validate a field when the citizen leaves it having typed something, or when it was in error.
      "@focusout"(event: FocusEvent) {
        const field = fieldOf(event.target);
        if (!field) return;
        // A radio or a checkbox has its value whether checked or not: only text says something was typed.
        const { type, value } = event.target as HTMLInputElement;
        const choice = type === "radio" || type === "checkbox";
        if (invalid.has(field.key) || (!choice && value.trim() !== "")) validate(field);
      },
      "@change"(event: Event) {
        applyConditions();
        saveDraft();
        const field = fieldOf(event.target);
        if (field && (invalid.has(field.key) || event.target instanceof HTMLSelectElement || (event.target as HTMLInputElement).type !== "text")) {
          validate(field);
        }
      },
      "@input"(event: Event) {
        applyConditions();
        saveDraft();
        const field = fieldOf(event.target);
        if (field && invalid.has(field.key)) validate(field);
      },
      "@submit"(event: SubmitEvent) {
        if (submitting) {
          event.preventDefault();
          return;
        }
        applyConditions();
        const errors = validateAll(definition.fields);
        // With steps, the first step with an error opens, so that the summary's first link leads somewhere seen.
        const first = Object.keys(errors)[0];
        if (first && steps.length > 1) {
          const index = stepOf(form.querySelector(`[data-kit-field="${CSS.escape(first)}"]`));
          if (index >= 0 && index !== current) showStep(index, false);
        }
        if (report(errors)) {
          submitting = true;
          clearDraft();
          return;
        }
        event.preventDefault();
      },
    },
  };
}

Alpine.data("kitForm", kitForm);
Alpine.data("addressCombobox", addressCombobox);
Alpine.data("communeCombobox", communeCombobox);
Alpine.start();

// Counting (site/js/measure.ts) comes with this script on a form page, once the form is started, as
// it did when it was a second file: one file less to fetch (the page loads no mesure.js).
void import("./measure.ts");
