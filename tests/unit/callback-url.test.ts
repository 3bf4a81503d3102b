import { DEFAULT_AFTER_SIGN_IN, redirectWithinSite, safeCallbackUrl, sitePath } from "@/lib/validation/accounts";
import { HOSTILE } from "../helpers/hostile-urls";

const APP = "http://127.0.0.1:3000";

/**
 * Where a browser lands when a page on APP answers with `Location: <value>`, or runs
 * router.push(value): WHATWG URL parsing against the current page, as both do.
 */
const landing = (value: string) => new URL(value, `${APP}/signin?callbackUrl=x`);

describe("safeCallbackUrl", () => {
  test.each(["/settings", "/settings/tokens?q=ci%20deploy&page=2", "/settings/tokens#create", "/docs/api", "/"])(
    "keeps the same-site path %s",
    (path) => expect(safeCallbackUrl(path)).toBe(path),
  );

  test("normalises dot segments, and what stays on the site after that is kept", () => {
    expect(safeCallbackUrl("/settings/../settings/tokens")).toBe("/settings/tokens");
    expect(safeCallbackUrl("/a/../settings")).toBe("/settings");
    expect(safeCallbackUrl("/%2e/settings")).toBe("/settings");
  });

  test("percent-encodes what a header cannot carry, so the answer is the path itself", () => {
    expect(safeCallbackUrl("/settings/tokens?q=café deploy")).toBe("/settings/tokens?q=caf%C3%A9%20deploy");
  });

  test("an encoded slash or backslash stays encoded: a path segment on this site, not a host", () => {
    expect(safeCallbackUrl("/%2F%2Fevil.example")).toBe("/%2F%2Fevil.example");
    expect(safeCallbackUrl("/%5C%5Cevil.example")).toBe("/%5C%5Cevil.example");
    expect(landing("/%2F%2Fevil.example").origin).toBe(APP);
  });

  test(`a table of ${HOSTILE.length} hostile values: each gives the default, which stays on the site`, () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(40);
    const leaks = HOSTILE.filter((raw) => safeCallbackUrl(raw) !== DEFAULT_AFTER_SIGN_IN);
    expect(leaks).toEqual([]);
  });

  test("the values of the report would leave the site if the input were checked instead of the result", () => {
    const reported = ["/.//evil.example/login", "/..//evil.example", "/a/..//evil.example", "/%2e//evil.example"];
    // Parsed on this site they stay here, but the normalised path they turn into does not.
    const normalised = (raw: string) => {
      const url = new URL(raw, APP);
      return url.pathname + url.search + url.hash;
    };
    expect(reported.map((raw) => new URL(raw, APP).origin)).toEqual(reported.map(() => APP));
    expect(reported.map((raw) => landing(normalised(raw)).host)).toEqual(reported.map(() => "evil.example"));
    expect(reported.map((raw) => safeCallbackUrl(raw))).toEqual(reported.map(() => DEFAULT_AFTER_SIGN_IN));
  });

  test.each(HOSTILE)("sitePath(%j) is not a path on this site", (raw) => {
    expect(sitePath(raw)).toBeNull();
  });

  test("whatever comes in, what comes out starts with one slash and lands on the site, unchanged by parsing again", () => {
    const pieces = ["/", "\\", ".", "%2e", "%2E", "%2f", "%5c", "evil.example", "a", "?", "#", "@", ":", "\t", " ", "é"];
    // Every string of up to four pieces after the leading slash: 1 + 16 + 256 + 4096 + 65536 values.
    let level = [""];
    const inputs = [...level];
    for (let length = 1; length <= 4; length++) {
      level = level.flatMap((prefix) => pieces.map((piece) => prefix + piece));
      inputs.push(...level);
    }
    const offenders: string[] = [];
    for (const rest of inputs) {
      const raw = `/${rest}`;
      const out = safeCallbackUrl(raw);
      const url = landing(out);
      const ok = /^\/(?![/\\])/.test(out) && url.origin === APP && url.pathname + url.search + url.hash === out;
      if (!ok) offenders.push(`${JSON.stringify(raw)} -> ${JSON.stringify(out)}`);
    }
    expect(inputs.length).toBeGreaterThan(60_000);
    expect(offenders).toEqual([]);
  });

  test.each([
    ["the sign-in page (a redirect loop)", "/signin?callbackUrl=%2Fsettings"],
    ["the sign-up page (a redirect loop)", "/signup"],
    ["the sign-in page after normalising", "/./signin"],
    ["the sign-up page after normalising", "/a/../signup#x"],
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

describe("redirectWithinSite (next-auth's redirect callback and its callback-url cookie)", () => {
  test("a path or an absolute URL on this site is kept, the auth pages included (sign-out goes to /signin)", () => {
    expect(redirectWithinSite("/signin", APP)).toBe(`${APP}/signin`);
    expect(redirectWithinSite("/settings/tokens?q=ci", APP)).toBe(`${APP}/settings/tokens?q=ci`);
    expect(redirectWithinSite(`${APP}/signin?callbackUrl=%2Fsettings`, APP)).toBe(`${APP}/signin?callbackUrl=%2Fsettings`);
  });

  test.each([
    ...HOSTILE,
    "http://127.0.0.1:3001/settings",
    "https://127.0.0.1:3000/settings",
    `${APP}.evil.example/settings`,
    `${APP}@evil.example/settings`,
    `${APP}//evil.example`,
    `${APP}/.//evil.example`,
    `${APP}/%2e//evil.example`,
  ])("%j becomes the home page of this site", (url) => {
    const out = redirectWithinSite(url, APP);
    expect(out).toBe(`${APP}/`);
  });

  test("whatever it returns lands on this site", () => {
    for (const url of HOSTILE) expect(new URL(redirectWithinSite(url, APP)).origin).toBe(APP);
  });
});
