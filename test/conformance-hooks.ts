// Fails a test whose helpers received an answer or frame that does not conform (test/helpers/conformance.ts),
// even when the test itself caught the error or never read the frame.
import { afterEach } from "vitest";
import { takeViolations } from "./helpers/conformance";

afterEach(() => {
  const found = takeViolations();
  if (found.length > 0) throw new Error(`non-conforming answers or frames:\n${found.join("\n")}`);
});
