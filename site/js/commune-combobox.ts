// « Commune »: an ARIA 1.2 combobox (list autocomplete) over /api/communes, for the markup
// lib/forms/markup.ts renders (a text input, its listbox, a hidden input for the INSEE code).
// form.ts registers it: Alpine.data("communeCombobox", communeCombobox). Choosing a commune puts
// its INSEE code in the hidden input, so the form's validation (lib/forms/parse.ts) holds it to
// the territory as soon as the field is left; a commune typed without choosing is found by the
// server. The communes themselves stay on the server: only their API's types are imported.
import { COMMUNES_API_PATH, COMMUNES_DEFAULT_LIMIT, MIN_COMMUNE_QUERY_LENGTH, type CommuneResult } from "../../lib/places/geo-api.ts";

const DEBOUNCE_MS = 200;

/** A suggestion as the list shows it, and what the input then says. */
interface Suggestion {
  /** « Bondy (93140) »; « Paris (75) » for a commune with several postcodes. The server reads either back. */
  text: string;
  code: string;
}

interface CommuneComboboxState {
  $el: HTMLElement;
  $nextTick(callback: () => void): void;
  results: Suggestion[];
  active: number;
  open: boolean;
  status: string;
  chosenCode: string;
  optionId(index: number): string;
  choose(index: number): void;
  close(): void;
  search(query: string): Promise<void>;
}

function suggestionOf(commune: CommuneResult, query: string): Suggestion {
  // The postcode typed, when it is one of the commune's; its only one; else its département.
  const typed = /\d{5}/.exec(query)?.[0];
  const postcode = typed && commune.codesPostaux.includes(typed) ? typed : commune.codesPostaux.length === 1 ? commune.codesPostaux[0] : undefined;
  return { text: `${commune.nom} (${postcode ?? commune.codeDepartement})`, code: commune.code };
}

const communes = (count: number) => `${count} ${count > 1 ? "communes proposées" : "commune proposée"}`;

export function communeCombobox() {
  let input: HTMLInputElement;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  /** The field's autocomplete token (WCAG 1.3.5), kept except while our list is open. */
  let token = "address-level2";
  const cancelSearch = () => {
    clearTimeout(timer);
    controller?.abort();
  };

  return {
    results: [] as Suggestion[],
    active: -1,
    open: false,
    status: "",
    chosenCode: "",

    init(this: CommuneComboboxState) {
      input = this.$el.querySelector("input.fr-input") as HTMLInputElement;
      token = input.getAttribute("autocomplete") ?? token;
      // A page the server sent back keeps the commune chosen before.
      this.chosenCode = this.$el.querySelector<HTMLInputElement>('input[type="hidden"]')?.value ?? "";
    },
    optionId(index: number) {
      return `${input.id}-option-${index}`;
    },
    close(this: CommuneComboboxState) {
      this.open = false;
      this.active = -1;
    },
    choose(this: CommuneComboboxState, index: number) {
      const suggestion = this.results[index];
      if (!suggestion) return;
      cancelSearch(); // results arriving late must not reopen the list
      input.value = suggestion.text;
      this.chosenCode = suggestion.code;
      this.close();
      this.status = `Commune choisie : ${suggestion.text}`;
      // Let the form re-validate the field (a "change", not an "input", which would search again).
      input.dispatchEvent(new Event("change", { bubbles: true }));
    },
    async search(this: CommuneComboboxState, query: string) {
      controller?.abort();
      controller = new AbortController();
      const params = new URLSearchParams({ q: query, limit: String(COMMUNES_DEFAULT_LIMIT) });
      try {
        const response = await fetch(`${COMMUNES_API_PATH}?${params}`, { signal: controller.signal, headers: { accept: "application/json" } });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const found = ((await response.json()) as CommuneResult[]).map((commune) => suggestionOf(commune, query));
        this.results = found;
        this.active = -1;
        this.open = found.length > 0 && document.activeElement === input;
        this.status =
          found.length > 0
            ? `${communes(found.length)}. Flèches haut et bas pour parcourir, Entrée pour choisir.`
            : "Aucune commune trouvée. Vérifiez le nom, ou saisissez le code postal.";
      } catch (error) {
        if ((error as Error).name === "AbortError") return;
        this.results = [];
        this.close();
        this.status = "La recherche de communes ne répond pas : saisissez le nom de votre commune et son code postal.";
      }
    },

    input: {
      ":role"() {
        return "combobox";
      },
      ":aria-autocomplete"() {
        return "list";
      },
      ":aria-controls"() {
        return `${input.id}-listbox`;
      },
      ":aria-expanded"(this: CommuneComboboxState) {
        return this.open ? "true" : "false";
      },
      ":aria-activedescendant"(this: CommuneComboboxState) {
        return this.open && this.active >= 0 ? this.optionId(this.active) : null;
      },
      // The browser's own autofill list would cover ours while it is open.
      ":autocomplete"(this: CommuneComboboxState) {
        return this.open ? "off" : token;
      },
      "@input"(this: CommuneComboboxState) {
        // What is typed now is no longer the commune chosen: the server will read it.
        this.chosenCode = "";
        cancelSearch();
        const query = input.value.trim();
        if (query.length < MIN_COMMUNE_QUERY_LENGTH) {
          this.results = [];
          this.close();
          this.status = "";
          return;
        }
        timer = setTimeout(() => void this.search(query), DEBOUNCE_MS);
      },
      "@keydown"(this: CommuneComboboxState, event: KeyboardEvent) {
        const count = this.results.length;
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          if (count === 0) return;
          event.preventDefault();
          if (!this.open) this.open = true;
          const step = event.key === "ArrowDown" ? 1 : -1;
          this.active = this.active < 0 && step < 0 ? count - 1 : (this.active + step + count) % count;
          const id = this.optionId(this.active);
          this.$nextTick(() => document.getElementById(id)?.scrollIntoView({ block: "nearest" }));
        } else if (event.key === "Enter" && this.open && this.active >= 0) {
          event.preventDefault();
          this.choose(this.active);
        } else if (event.key === "Escape" && this.open) {
          event.preventDefault();
          this.close();
        }
      },
      "@blur"(this: CommuneComboboxState) {
        this.close();
      },
    },
    listbox: {
      ":hidden"(this: CommuneComboboxState) {
        return !this.open;
      },
    },
    chosenInput: {
      ":value"(this: CommuneComboboxState) {
        return this.chosenCode;
      },
    },
  };
}
