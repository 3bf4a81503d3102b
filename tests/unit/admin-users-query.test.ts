import { DEFAULT_USER_LIST_QUERY, userListQueryFromSearchParams, userListSearch } from "@/lib/validation/admin-users";

/** The user list's view in the page URL: bad hand-edited values fall back, links leave out defaults. */

test("the page reads q, page and perPage from the URL, trimming the search", () => {
  expect(userListQueryFromSearchParams({ q: "  ada ", page: "3", perPage: "50" })).toEqual({ q: "ada", page: 3, perPage: 50 });
});

test("a value the list cannot use falls back to its default, the others stay", () => {
  expect(userListQueryFromSearchParams({ q: "x".repeat(201), page: "0", perPage: "7" })).toEqual(DEFAULT_USER_LIST_QUERY);
  expect(userListQueryFromSearchParams({ q: "grace", page: "abc" })).toEqual({ ...DEFAULT_USER_LIST_QUERY, q: "grace" });
  expect(userListQueryFromSearchParams({ q: ["first", "second"], page: "100001" })).toEqual({ ...DEFAULT_USER_LIST_QUERY, q: "first" });
});

test("links carry only what differs from the defaults", () => {
  expect(userListSearch(DEFAULT_USER_LIST_QUERY)).toBe("");
  expect(userListSearch({ q: "grace hopper", page: 2, perPage: 20 })).toBe("q=grace+hopper&page=2");
  expect(userListSearch({ q: "ada", page: 4, perPage: 50 }, { page: 1 })).toBe("q=ada&perPage=50");
});
