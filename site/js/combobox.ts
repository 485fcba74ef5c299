// An ARIA 1.2 combobox (list autocomplete) for the markup lib/forms/markup.ts renders: a text input,
// its listbox, a hidden input carrying the id of the item chosen, a live region for the status.
// The address (form.ts) and the commune (commune-combobox.ts) differ only in what they search and
// the words they say, so the keyboard, the ARIA state and the messages stay the same for both.

const DEBOUNCE_MS = 200;

/** What one use of the combobox brings: its API, its items and its words. */
export interface ComboboxSource<T> {
  /** Fewer characters typed than this: no search, no list. */
  minLength: number;
  /** The API's address for what is typed; `group` is the field's group, whose data attributes the markup wrote. */
  url(query: string, group: HTMLElement): string;
  /** The API's answer as the items the listbox's x-for shows (the markup reads their fields). */
  items(body: unknown, query: string): T[];
  /** What the input says once the item is chosen. */
  label(item: T): string;
  /** What the hidden input then carries to the server. */
  id(item: T): string;
  words: {
    /** « adresse proposée », « adresses proposées ». */
    proposed: readonly [one: string, many: string];
    /** « Adresse choisie », followed by the label. */
    chosen: string;
    /** Said when the API finds nothing. */
    none: string;
    /** Said when the API fails: the field still works as plain text. */
    failed: string;
  };
}

/** The component's `this`, with what Alpine adds. */
export interface ComboboxState<T> {
  $el: HTMLElement;
  $nextTick(callback: () => void): void;
  results: T[];
  active: number;
  open: boolean;
  status: string;
  chosenId: string;
  optionId(index: number): string;
  choose(index: number): void;
  pick(label: string, id: string, status: string): void;
  close(): void;
  search(query: string): Promise<void>;
}

/** An Alpine component (Alpine.data) over one source; its bindings match the markup's x-bind names. */
export function combobox<T>(source: ComboboxSource<T>) {
  let input: HTMLInputElement;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  /** The field's autocomplete token (WCAG 1.3.5), kept except while our list is open. */
  let token: string | null = null;
  const cancelSearch = () => {
    clearTimeout(timer);
    controller?.abort();
  };
  const [one, many] = source.words.proposed;
  const proposed = (count: number) => `${count} ${count > 1 ? many : one}`;

  return {
    results: [] as T[],
    active: -1,
    open: false,
    status: "",
    chosenId: "",

    init(this: ComboboxState<T>) {
      input = this.$el.querySelector("input.fr-input") as HTMLInputElement;
      token = input.getAttribute("autocomplete");
      // A page the server sent back keeps the item chosen before.
      this.chosenId = this.$el.querySelector<HTMLInputElement>('input[type="hidden"]')?.value ?? "";
    },
    optionId(index: number) {
      return `${input.id}-option-${index}`;
    },
    close(this: ComboboxState<T>) {
      this.open = false;
      this.active = -1;
    },
    choose(this: ComboboxState<T>, index: number) {
      const item = this.results[index];
      if (!item) return;
      const label = source.label(item);
      this.pick(label, source.id(item), `${source.words.chosen} : ${label}`);
    },
    /** Fills the field as if this item were chosen in the list, and says so in the live region. */
    pick(this: ComboboxState<T>, label: string, id: string, status: string) {
      cancelSearch(); // results arriving late must not reopen the list
      input.value = label;
      this.chosenId = id;
      this.close();
      this.status = status;
      // Let the form re-validate the field (a "change", not an "input", which would search again).
      input.dispatchEvent(new Event("change", { bubbles: true }));
    },
    async search(this: ComboboxState<T>, query: string) {
      controller?.abort();
      controller = new AbortController();
      try {
        const response = await fetch(source.url(query, this.$el), { signal: controller.signal, headers: { accept: "application/json" } });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const found = source.items(await response.json(), query);
        this.results = found;
        this.active = -1;
        this.open = found.length > 0 && document.activeElement === input;
        this.status =
          found.length > 0 ? `${proposed(found.length)}. Flèches haut et bas pour parcourir, Entrée pour choisir.` : source.words.none;
      } catch (error) {
        if ((error as Error).name === "AbortError") return;
        this.results = [];
        this.close();
        this.status = source.words.failed;
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
      ":aria-expanded"(this: ComboboxState<T>) {
        return this.open ? "true" : "false";
      },
      ":aria-activedescendant"(this: ComboboxState<T>) {
        return this.open && this.active >= 0 ? this.optionId(this.active) : null;
      },
      // The browser's own autofill list would cover ours while it is open.
      ":autocomplete"(this: ComboboxState<T>) {
        return this.open ? "off" : token;
      },
      "@input"(this: ComboboxState<T>) {
        // What is typed now is no longer the item chosen: the server will read it.
        this.chosenId = "";
        cancelSearch();
        const query = input.value.trim();
        if (query.length < source.minLength) {
          this.results = [];
          this.close();
          this.status = "";
          return;
        }
        timer = setTimeout(() => void this.search(query), DEBOUNCE_MS);
      },
      "@keydown"(this: ComboboxState<T>, event: KeyboardEvent) {
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
      "@blur"(this: ComboboxState<T>) {
        this.close();
      },
    },
    listbox: {
      ":hidden"(this: ComboboxState<T>) {
        return !this.open;
      },
    },
    chosenInput: {
      ":value"(this: ComboboxState<T>) {
        return this.chosenId;
      },
    },
  };
}
