// @alpinejs/csp ships no types; this is the part of its API the site uses.
declare module "@alpinejs/csp" {
  const Alpine: {
    data(name: string, factory: () => object): void;
    start(): void;
  };
  export default Alpine;
}
