import { render, screen, within } from "@testing-library/react";
import { TokensView, type TokensViewProps } from "@/components/tokens/tokens-view";
import { DEFAULT_TOKEN_LIST_QUERY } from "@/lib/validation/tokens";
import { SCOPES, tokenItem, unusedActions } from "./fixtures";

function renderView(props: Partial<TokensViewProps>) {
  render(
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

test("filters that could not be used are explained", () => {
  renderView({ hasTokens: true, tokens: [tokenItem()], total: 1, notices: ["“abc” is not a complete GUID, so the GUID filter was ignored."] });
  expect(screen.getByText("“abc” is not a complete GUID, so the GUID filter was ignored.")).toBeInTheDocument();
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
