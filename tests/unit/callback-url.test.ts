import { DEFAULT_AFTER_SIGN_IN, safeCallbackUrl } from "@/lib/validation/accounts";

describe("safeCallbackUrl", () => {
  test.each(["/settings", "/settings/tokens?q=ci%20deploy&page=2", "/settings/tokens#create", "/docs/api"])(
    "keeps the same-site path %s",
    (path) => expect(safeCallbackUrl(path)).toBe(path),
  );

  test("normalises dot segments", () => {
    expect(safeCallbackUrl("/settings/../settings/tokens")).toBe("/settings/tokens");
  });

  test.each([
    ["an absolute URL", "https://evil.example/settings"],
    ["a protocol-relative URL", "//evil.example/settings"],
    ["a backslash that browsers read as a slash", "/\\evil.example"],
    ["a backslash later on", "/settings\\..\\..\\evil"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a relative path", "settings"],
    ["a tab inside the host part", "/\t/evil.example"],
    ["a newline", "/settings\n"],
    ["an empty string", ""],
    ["the sign-in page (a redirect loop)", "/signin?callbackUrl=%2Fsettings"],
    ["the sign-up page (a redirect loop)", "/signup"],
  ])("replaces %s with the default", (_, raw) => {
    expect(safeCallbackUrl(raw)).toBe(DEFAULT_AFTER_SIGN_IN);
  });

  test("replaces what is not a single string (a repeated query parameter, nothing) with the fallback given", () => {
    expect(safeCallbackUrl(["/settings", "/settings/tokens"], "/settings")).toBe("/settings");
    expect(safeCallbackUrl(undefined, "/settings")).toBe("/settings");
    expect(safeCallbackUrl(null)).toBe(DEFAULT_AFTER_SIGN_IN);
  });

  test("does not mistake a page whose name starts like an auth page for one", () => {
    expect(safeCallbackUrl("/signing-keys")).toBe("/signing-keys");
  });
});
