import { fieldErrorsOf } from "@/lib/errors";
import {
  DEFAULT_TOKEN_LIST_QUERY,
  FILTER_NAMES,
  PAGE_SIZES,
  TOKEN_LIST_FILTERS,
  TOKEN_SORTS,
  TOKEN_STATUS_FILTERS,
  activeFilterCount,
  filterFormValues,
  formSearch,
  guidPrefixBounds,
  ignoredFilters,
  isFiltered,
  keywordsOf,
  listSearch,
  tokenListQueryFromSearchParams,
  tokenListQuerySchema,
  withoutFilters,
} from "@/lib/validation/token-list";

/** The per-field errors a route would report for this query. */
function errorsOf(input: unknown) {
  const result = tokenListQuerySchema.safeParse(input);
  return result.success ? {} : fieldErrorsOf(result.error.issues);
}

describe("tokenListQuerySchema", () => {
  test("defaults: everything, newest first, page 1 of 20", () => {
    expect(tokenListQuerySchema.parse({})).toEqual({ q: "", guid: "", scope: "", status: "all", unused: "", sort: "created", order: "desc", page: 1, perPage: 20 });
    expect(DEFAULT_TOKEN_LIST_QUERY).toEqual(tokenListQuerySchema.parse({}));
  });

  test("accepts each allowed value of each field", () => {
    for (const status of TOKEN_STATUS_FILTERS) expect(tokenListQuerySchema.parse({ status }).status).toBe(status);
    for (const sort of TOKEN_SORTS) expect(tokenListQuerySchema.parse({ sort }).sort).toBe(sort);
    for (const order of ["asc", "desc"]) expect(tokenListQuerySchema.parse({ order }).order).toBe(order);
    for (const perPage of PAGE_SIZES) expect(tokenListQuerySchema.parse({ perPage: String(perPage) }).perPage).toBe(perPage);
    expect(tokenListQuerySchema.parse({ page: "7" }).page).toBe(7);
    expect(tokenListQuerySchema.parse({ q: "  deploy prod " }).q).toBe("deploy prod");
    expect(tokenListQuerySchema.parse({ scope: "tokens:read" }).scope).toBe("tokens:read");
    expect(tokenListQuerySchema.parse({ guid: "3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f" }).guid).toBe("3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f");
  });

  test("rejects values outside the allow-lists with field errors", () => {
    const errors = errorsOf({
      status: "revoked",
      sort: "secret",
      order: "up",
      page: "0",
      perPage: "25",
      guid: "abc",
      scope: "Bad Scope",
      q: "x".repeat(201),
    });
    expect(Object.keys(errors).sort()).toEqual(["guid", "order", "page", "perPage", "q", "scope", "sort", "status"]);
    expect(errors.status).toEqual(["status must be one of: all, active, inactive."]);
    expect(errors.perPage).toEqual(["perPage must be one of: 10, 20, 50, 100."]);
    expect(errorsOf({ page: "two" })).toEqual({ page: ["page must be a number."] });
    expect(errorsOf({ page: "1.5" })).toEqual({ page: ["page must be a whole number."] });
  });
});

describe("tokenListQueryFromSearchParams", () => {
  test("reads every field from the URL", () => {
    expect(
      tokenListQueryFromSearchParams({
        q: "deploy",
        guid: "3F2B8C1E-7A4D-4E8B-9C0F-1A2B3C4D5E6F",
        scope: "tokens:write",
        status: "inactive",
        unused: "never",
        sort: "expires",
        order: "asc",
        page: "3",
        perPage: "50",
      }),
    ).toEqual({
      q: "deploy",
      guid: "3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f",
      scope: "tokens:write",
      status: "inactive",
      unused: "never",
      sort: "expires",
      order: "asc",
      page: 3,
      perPage: 50,
    });
  });

  test("a bad value falls back to that field's default and keeps the others", () => {
    expect(tokenListQueryFromSearchParams({ q: "deploy", status: "bogus", sort: "name", page: "-4", perPage: "7" })).toEqual({
      ...DEFAULT_TOKEN_LIST_QUERY,
      q: "deploy",
      sort: "name",
    });
    expect(tokenListQueryFromSearchParams({ order: "sideways", guid: "nope", scope: "!!", page: "2" })).toEqual({ ...DEFAULT_TOKEN_LIST_QUERY, page: 2 });
  });

  test("a repeated parameter uses its first value; nothing given is the default view", () => {
    expect(tokenListQueryFromSearchParams({ sort: ["name", "created"], page: ["2", "9"] })).toEqual({ ...DEFAULT_TOKEN_LIST_QUERY, sort: "name", page: 2 });
    expect(tokenListQueryFromSearchParams({})).toEqual(DEFAULT_TOKEN_LIST_QUERY);
    expect(tokenListQueryFromSearchParams({ unknown: "x", status: undefined })).toEqual(DEFAULT_TOKEN_LIST_QUERY);
  });
});

describe("keywordsOf", () => {
  test("splits on any run of whitespace", () => {
    expect(keywordsOf("")).toEqual([]);
    expect(keywordsOf("     ")).toEqual([]);
    expect(keywordsOf("  deploy    prod\t\n ci  ")).toEqual(["deploy", "prod", "ci"]);
  });

  test("drops repeated words, whatever their case", () => {
    expect(keywordsOf("deploy Deploy DEPLOY prod")).toEqual(["deploy", "prod"]);
  });

  test("keeps every distinct word: all of them must match", () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
    expect(keywordsOf(words.join(" "))).toEqual(words);
  });

  test("treats control characters as separators", () => {
    expect(keywordsOf("a\u0000b\u0007c")).toEqual(["a", "b", "c"]);
  });
});

describe("the GUID filter", () => {
  const guid = "3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f";
  const parsed = (value: string) => tokenListQuerySchema.parse({ guid: value }).guid;

  test("takes a whole GUID or its first 8 or more characters, in any case, with or without hyphens", () => {
    expect(parsed(guid)).toBe(guid);
    expect(parsed(guid.toUpperCase())).toBe(guid);
    expect(parsed("3F2B8C1E")).toBe("3f2b8c1e");
    expect(parsed(" 3f2b8c1e- ")).toBe("3f2b8c1e-");
    expect(parsed("3f2b8c1e-7a")).toBe("3f2b8c1e-7a");
    expect(parsed("3f2b8c1e7a4d4e8b")).toBe("3f2b8c1e7a4d4e8b");
    expect(parsed(guid.replace(/-/g, ""))).toBe(guid.replace(/-/g, ""));
    expect(parsed("")).toBe("");
  });

  test("says what is wrong with anything else", () => {
    expect(errorsOf({ guid: "3f2b8c1" })).toEqual({ guid: ["Give at least the first 8 characters of the GUID, e.g. 3f2b8c1e."] });
    expect(errorsOf({ guid: "3f2b-8c1e" })).toEqual({ guid: [`Put hyphens where a GUID has them (${guid}), or leave them out.`] });
    expect(errorsOf({ guid: "3f2b8c1e-7a4d4e8b" })).toEqual({ guid: [`Put hyphens where a GUID has them (${guid}), or leave them out.`] });
    expect(errorsOf({ guid: "not-a-guid" })).toEqual({ guid: [`A GUID has only the hex digits 0–9 and a–f, and hyphens, e.g. ${guid}.`] });
    expect(errorsOf({ guid: "3f2b8c1g" })).toEqual({ guid: [`A GUID has only the hex digits 0–9 and a–f, and hyphens, e.g. ${guid}.`] });
    expect(errorsOf({ guid: `${guid}0` })).toEqual({ guid: [`A GUID has 32 hex digits, e.g. ${guid}.`] });
  });

  test("a prefix stands for every GUID from its 0-padding to its f-padding; a whole GUID for itself", () => {
    expect(guidPrefixBounds("3f2b8c1e")).toEqual({ from: "3f2b8c1e-0000-0000-0000-000000000000", to: "3f2b8c1e-ffff-ffff-ffff-ffffffffffff" });
    expect(guidPrefixBounds("3F2B8C1E7")).toEqual({ from: "3f2b8c1e-7000-0000-0000-000000000000", to: "3f2b8c1e-7fff-ffff-ffff-ffffffffffff" });
    expect(guidPrefixBounds("3f2b8c1e-7a4d-4")).toEqual({ from: "3f2b8c1e-7a4d-4000-0000-000000000000", to: "3f2b8c1e-7a4d-4fff-ffff-ffffffffffff" });
    expect(guidPrefixBounds(guid)).toEqual({ from: guid, to: guid });
    expect(guidPrefixBounds(guid.replace(/-/g, ""))).toEqual({ from: guid, to: guid });
  });
});

describe("derived from the filter declarations", () => {
  test("the query has each declared filter, then the view's sort, order and page", () => {
    expect(Object.keys(tokenListQuerySchema.shape)).toEqual([...FILTER_NAMES, "sort", "order", "page", "perPage"]);
    expect(FILTER_NAMES).toEqual(["q", "guid", "scope", "status", "unused"]);
  });

  test("a view counts as filtered by each filter away from its default, never by sort or page", () => {
    expect(isFiltered(DEFAULT_TOKEN_LIST_QUERY)).toBe(false);
    expect(activeFilterCount({ ...DEFAULT_TOKEN_LIST_QUERY, sort: "name", page: 4, perPage: 50 })).toBe(0);
    for (const [name, value] of [["q", "ci"], ["guid", "3f2b8c1e"], ["scope", "tokens:read"], ["status", "active"], ["unused", "never"]] as const) {
      expect({ name, count: activeFilterCount({ ...DEFAULT_TOKEN_LIST_QUERY, [name]: value }) }).toEqual({ name, count: 1 });
    }
    expect(activeFilterCount({ ...DEFAULT_TOKEN_LIST_QUERY, q: "ci", status: "inactive" })).toBe(2);
  });

  test("clearing drops every filter and the page, and keeps sort and page size", () => {
    const view = { q: "ci", guid: "3f2b8c1e", scope: "tokens:read", status: "active", unused: "90", sort: "name", order: "asc", page: 3, perPage: 50 } as const;
    expect(withoutFilters(view)).toEqual({ ...DEFAULT_TOKEN_LIST_QUERY, sort: "name", order: "asc", perPage: 50 });
  });

  test("a link leaves out what is at its default; the form's URL keeps what was typed, bad values too", () => {
    expect(listSearch(DEFAULT_TOKEN_LIST_QUERY)).toBe("");
    expect(listSearch({ ...DEFAULT_TOKEN_LIST_QUERY, q: "ci deploy", page: 2 })).toBe("q=ci+deploy&page=2");
    const submitted: [string, string][] = [["q", "  "], ["guid", "3f2b"], ["scope", ""], ["status", "all"], ["unused", ""], ["perPage", "50"], ["sort", "created"], ["order", "desc"]];
    expect(formSearch(submitted)).toBe("guid=3f2b&perPage=50");
    expect(formSearch([["q", " ci "], ["colour", "red"]])).toBe("q=+ci+");
  });

  test("the form shows each filter and the page size", () => {
    expect(filterFormValues({ ...DEFAULT_TOKEN_LIST_QUERY, q: "ci", perPage: 50, page: 2 })).toEqual({ q: "ci", guid: "", scope: "", status: "all", unused: "", perPage: "50" });
  });

  test("every filter given in the URL but unusable is explained by name, with its parser's reason", () => {
    expect(ignoredFilters({ guid: "3f2b", status: "bogus", scope: ["Bad Scope", "tokens:read"], q: "fine", sort: "zzz", unused: "60" })).toEqual([
      "The GUID filter “3f2b” was ignored. Give at least the first 8 characters of the GUID, e.g. 3f2b8c1e.",
      "The scope filter “Bad Scope” was ignored. A scope looks like `tokens:read`.",
      "The status filter “bogus” was ignored. status must be one of: all, active, inactive.",
      "The unused filter “60” was ignored. unused must be one of: 30, 90, 365, never (or empty).",
    ]);
    expect(ignoredFilters({ q: "x".repeat(201) })).toEqual([`The name search “${"x".repeat(40)}…” was ignored. Search text can be at most 200 characters.`]);
    expect(ignoredFilters({ guid: "", q: "  ", status: "active" })).toEqual([]);
  });

  test("each filter's form field is declared: a text field or the options of a select", () => {
    expect(TOKEN_LIST_FILTERS.scope.control.options(["tokens:read"], "")).toEqual([
      { value: "", label: "All scopes" },
      { value: "tokens:read", label: "tokens:read" },
    ]);
    // A scope the user no longer holds, named in the URL, is still offered, so the form shows the view.
    expect(TOKEN_LIST_FILTERS.scope.control.options(["tokens:read"], "old:scope").map((o) => o.value)).toEqual(["", "tokens:read", "old:scope"]);
    expect(TOKEN_LIST_FILTERS.status.control.options().map((o) => o.value)).toEqual([...TOKEN_STATUS_FILTERS]);
    expect(TOKEN_LIST_FILTERS.guid.control).toMatchObject({ kind: "text", monospace: true });
    expect(TOKEN_LIST_FILTERS.unused.control.options()).toEqual([
      { value: "", label: "Any" },
      { value: "30", label: "30+ days" },
      { value: "90", label: "90+ days" },
      { value: "365", label: "365+ days" },
      { value: "never", label: "Never used" },
    ]);
  });
});
