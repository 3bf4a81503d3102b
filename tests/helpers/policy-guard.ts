import { takePolicyViolations } from "./browser";

// Every browser test fails when a page's Content-Security-Policy (or Permissions-Policy) refused
// anything: a refusal is either an attack stopped or, far likelier, a feature broken by the policy.
// A test that provokes one on purpose takes it with takePolicyViolations() and checks it.
function failOnViolations() {
  const violations = takePolicyViolations();
  if (violations.length) throw new Error(`The pages' policies refused ${violations.length} thing(s):\n${violations.join("\n")}`);
}

afterEach(failOnViolations);
afterAll(failOnViolations);
