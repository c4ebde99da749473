/** Text files imported whole (Vite's `?raw`), e.g. `.dev.vars.example` in the config test. */
declare module "*?raw" {
  const text: string;
  export default text;
}
