import { fireEvent, screen, within } from "@testing-library/react";
import { TokensView, type TokensViewProps } from "@/components/tokens/tokens-view";
import { DEFAULT_TOKEN_LIST_QUERY, ignoredFilters, tokenListQueryFromSearchParams } from "@/lib/validation/token-list";
import { renderWithRouter } from "@/tests/helpers/app-router";
import { SCOPES, tokenItem, unusedActions } from "./fixtures";

function renderView(props: Partial<TokensViewProps>) {
  return renderWithRouter(
    <TokensView
      tokens={[]}
      total={0}
      pageCount={1}
      query={DEFAULT_TOKEN_LIST_QUERY}
      hasTokens={false}
      scopes={SCOPES}
      actions={unusedActions()}
      notices={[]}
      now={new Date()}
      {...props}
    />,
  );
}

test("someone without tokens sees an explanation and the button to create the first one", () => {
  renderView({ hasTokens: false });

  expect(screen.getByRole("heading", { name: "You have no API tokens yet" })).toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Create your first token" })).toBeEnabled();
  expect(screen.queryByRole("table")).not.toBeInTheDocument();
  expect(screen.queryByRole("search")).not.toBeInTheDocument();
});

test("filters that match nothing say so and offer to clear them, keeping the sort", () => {
  renderView({ hasTokens: true, query: { ...DEFAULT_TOKEN_LIST_QUERY, q: "nothing", status: "inactive", sort: "name", order: "asc" } });

  expect(screen.getByText("No tokens match these filters.")).toBeInTheDocument();
  expect(screen.getByRole("link", { name: "Clear filters" })).toHaveAttribute("href", "/settings/tokens?sort=name&order=asc");
  expect(screen.queryByText("You have no API tokens yet")).not.toBeInTheDocument();
});

test("the list shows how many tokens there are and which ones are on this page", () => {
  const tokens = [tokenItem({ name: "One" }), tokenItem({ name: "Two" })];
  renderView({ hasTokens: true, tokens, total: 22, pageCount: 2, query: { ...DEFAULT_TOKEN_LIST_QUERY, page: 2 } });

  expect(screen.getByText("Showing 21–22 of 22 tokens")).toBeInTheDocument();
  expect(within(screen.getByRole("table")).getAllByRole("row")).toHaveLength(3);
  const pages = screen.getByRole("navigation", { name: "Pages" });
  expect(within(pages).getByRole("link", { name: "Page 2" })).toHaveAttribute("aria-current", "page");
  expect(within(pages).getByRole("link", { name: "Previous" })).toHaveAttribute("href", "/settings/tokens");
});

test("the filter form holds the current filters and only offers scopes the user holds", () => {
  renderView({ hasTokens: true, tokens: [tokenItem()], total: 1, query: { ...DEFAULT_TOKEN_LIST_QUERY, q: "ci", scope: "tokens:write" } });

  const search = screen.getByRole("search", { name: "Filter tokens" });
  expect(within(search).getByLabelText("Name")).toHaveValue("ci");
  const scope = within(search).getByLabelText("Scope");
  expect(scope).toHaveValue("tokens:write");
  expect(within(scope).getAllByRole("option").map((o) => o.textContent)).toEqual(["All scopes", "tokens:read", "tokens:write"]);
  expect(within(search).getByLabelText("Status")).toHaveValue("all");
});

test("a select applies at once; text applies on submit, as typed, leaving out what is at its default", () => {
  const view = renderView({ hasTokens: true, tokens: [tokenItem()], total: 1, query: { ...DEFAULT_TOKEN_LIST_QUERY, sort: "name", order: "asc", page: 3 } });
  const search = screen.getByRole("search", { name: "Filter tokens" });
  // Without JavaScript the same fields make a plain GET of the page.
  expect(search.closest("form")).toHaveAttribute("method", "get");
  expect(search.closest("form")).toHaveAttribute("action", "/settings/tokens");

  fireEvent.change(within(search).getByLabelText("Status"), { target: { value: "inactive" } });
  expect(view.pushed).toEqual(["/settings/tokens?status=inactive&sort=name&order=asc"]);

  // Typing alone does not navigate; Apply does, with the GUID as typed (the page judges it).
  fireEvent.change(within(search).getByLabelText("GUID"), { target: { value: "3F2B8C1E" } });
  expect(view.pushed).toHaveLength(1);
  fireEvent.click(within(search).getByRole("button", { name: "Apply" }));
  expect(view.pushed.at(-1)).toBe("/settings/tokens?guid=3F2B8C1E&status=inactive&sort=name&order=asc");
});

test("on a phone the filters fold into a disclosure that counts the ones in force", () => {
  renderView({ hasTokens: true, tokens: [tokenItem()], total: 1, query: { ...DEFAULT_TOKEN_LIST_QUERY, q: "ci", status: "active", sort: "name" } });
  const summary = screen.getByText("Filters (2)");
  expect(summary.tagName).toBe("SUMMARY");
  expect(summary.closest("details")).toContainElement(screen.getByRole("search", { name: "Filter tokens" }));
});

test("filters from the URL that could not be used are explained, with the rule they broke", () => {
  const params = { guid: "3f2b8c1", scope: "Not A Scope", status: "active" };
  const query = tokenListQueryFromSearchParams(params);
  renderView({ hasTokens: true, tokens: [tokenItem()], total: 1, query, notices: ignoredFilters(params) });

  expect(screen.getByText("The GUID filter “3f2b8c1” was ignored. Give at least the first 8 characters of the GUID, e.g. 3f2b8c1e.")).toBeInTheDocument();
  expect(screen.getByText("The scope filter “Not A Scope” was ignored. A scope looks like `tokens:read`.")).toBeInTheDocument();
  expect(screen.getByLabelText("Status")).toHaveValue("active");
});

test("many pages are offered as the first, the last and those around the current one", () => {
  renderView({ hasTokens: true, tokens: [tokenItem()], total: 200, pageCount: 10, query: { ...DEFAULT_TOKEN_LIST_QUERY, page: 5, status: "active" } });

  const pages = screen.getByRole("navigation", { name: "Pages" });
  expect(within(pages).getAllByRole("link").map((link) => link.textContent)).toEqual(["Previous", "1", "3", "4", "5", "6", "7", "10", "Next"]);
  expect(within(pages).getByRole("link", { name: "Page 6" })).toHaveAttribute("href", "/settings/tokens?status=active&page=6");
});

test("guidance on keeping tokens safe links to the API reference", () => {
  renderView({ hasTokens: false });
  const guidance = screen.getByRole("region", { name: "Keeping tokens safe" });
  expect(guidance).toHaveTextContent(/password manager/);
  expect(guidance).toHaveTextContent(/Rotate tokens periodically/);
  expect(guidance).toHaveTextContent(/Last used/);
  expect(guidance).toHaveTextContent(/Delete tokens that are no longer used/);
  expect(within(guidance).getByRole("link", { name: "API reference" })).toHaveAttribute("href", "/docs/api");
});

test("someone holding no scopes is told why they cannot create tokens", () => {
  renderView({ hasTokens: false, scopes: [] });
  expect(screen.getByText(/You hold no scopes/)).toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Create your first token" })).toBeDisabled();
});
