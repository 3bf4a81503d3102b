import * as RadixAlertDialog from "@radix-ui/react-alert-dialog";
import * as RadixDialog from "@radix-ui/react-dialog";
import { act, fireEvent, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { TokensView, type TokensViewProps } from "@/components/tokens/tokens-view";
import type { TokenActions } from "@/components/tokens/types";
import { DEFAULT_TOKEN_LIST_QUERY, ignoredFilters, tokenListQueryFromSearchParams } from "@/lib/validation/token-list";
import { renderWithRouter } from "@/tests/helpers/app-router";
import { SCOPES, tokenItem, unusedActions } from "./fixtures";

jest.setTimeout(30_000);

function view(props: Partial<TokensViewProps>) {
  return (
    <TokensView
      tokens={[]}
      total={0}
      totalIsExact
      pageCount={1}
      hasNextPage={false}
      query={DEFAULT_TOKEN_LIST_QUERY}
      hasTokens={false}
      scopes={SCOPES}
      actions={unusedActions()}
      notices={[]}
      now={new Date()}
      {...props}
    />
  );
}

function renderView(props: Partial<TokensViewProps>) {
  return renderWithRouter(view(props));
}

type Fiber = { type: unknown; child: Fiber | null; sibling: Fiber | null; return: Fiber | null };

/** How many instances of `component` React has mounted under the container: read from React's own tree. */
function mounted(container: HTMLElement, component: unknown): number {
  const element = container.firstElementChild!;
  const key = Object.keys(element).find((k) => k.startsWith("__reactFiber$"))!;
  let root = (element as unknown as Record<string, Fiber>)[key]!;
  while (root.return) root = root.return;
  let count = 0;
  const stack: Fiber[] = [root];
  while (stack.length) {
    const fiber = stack.pop()!;
    if (fiber.type === component) count += 1;
    if (fiber.child) stack.push(fiber.child);
    if (fiber.sibling) stack.push(fiber.sibling);
  }
  return count;
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

test("a total past the count's limit says so, and offers the pages up to the next one but no last page", () => {
  const tokens = Array.from({ length: 20 }, (_, i) => tokenItem({ name: `Token ${i}` }));
  renderView({ hasTokens: true, tokens, total: 1000, totalIsExact: false, pageCount: null, hasNextPage: true, query: { ...DEFAULT_TOKEN_LIST_QUERY, page: 60 } });

  expect(screen.getByText("Showing 1,181–1,200 of more than 1,000 tokens")).toBeInTheDocument();
  const pages = screen.getByRole("navigation", { name: "Pages" });
  expect(within(pages).getAllByRole("link").map((link) => link.textContent)).toEqual(["Previous", "1", "58", "59", "60", "61", "Next"]);
  expect(within(pages).getByRole("link", { name: "Next" })).toHaveAttribute("href", "/settings/tokens?page=61");
});

test("the last page of a list whose total is not exact offers no next page", () => {
  renderView({ hasTokens: true, tokens: [tokenItem()], total: 1000, totalIsExact: false, pageCount: null, hasNextPage: false, query: { ...DEFAULT_TOKEN_LIST_QUERY, page: 2 } });

  const pages = screen.getByRole("navigation", { name: "Pages" });
  expect(within(pages).getAllByRole("link").map((link) => link.textContent)).toEqual(["Previous", "1", "2"]);
  expect(within(pages).getByText("Next").tagName).toBe("SPAN");
});

test("an exact total of thousands is written with a separator", () => {
  renderView({ hasTokens: true, tokens: [tokenItem()], total: 1234, pageCount: 62, query: DEFAULT_TOKEN_LIST_QUERY });
  expect(screen.getByText("Showing 1–1 of 1,234 tokens")).toBeInTheDocument();
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

test("the list mounts one dialog of each kind, whatever the number of rows", async () => {
  const count = (container: HTMLElement) => ({
    dialogs: mounted(container, RadixDialog.Root),
    confirmations: mounted(container, RadixAlertDialog.Root),
  });
  const one = renderView({ hasTokens: true, tokens: [tokenItem()], total: 1 });
  const withOneRow = count(one.container);
  one.unmount();
  one.container.remove();

  const tokens = Array.from({ length: 50 }, (_, i) => tokenItem({ name: `Row ${i}` }));
  const user = userEvent.setup();
  const { container } = renderView({ hasTokens: true, tokens, total: 50 });
  // Revoke, delete, end overlap; the create/edit form and the secret (an alert dialog is a dialog inside).
  expect(count(container)).toEqual({ dialogs: 3 + 2, confirmations: 3 });
  expect(count(container)).toEqual(withOneRow);
  // Nothing is drawn outside the page until a dialog opens.
  expect(document.body.children).toHaveLength(1);

  await user.click(screen.getByRole("button", { name: "More actions for Row 37" }));
  await user.click(screen.getByRole("menuitem", { name: "Rotate" }));
  expect(screen.getAllByRole("dialog")).toHaveLength(1);
  expect(screen.getByRole("dialog")).toHaveAccessibleName("Rotate “Row 37”");
  // The rotate dialog mounts once a token is chosen: one more dialog, still one of its kind.
  expect(count(container)).toEqual({ dialogs: 3 + 3, confirmations: 3 });
  await user.keyboard("{Escape}");
  expect(screen.getByRole("button", { name: "More actions for Row 37" })).toHaveFocus();

  await user.click(screen.getByRole("button", { name: "Edit Row 12" }));
  expect(screen.getByRole("dialog", { name: "Edit token" })).toBeInTheDocument();
  expect(within(screen.getByRole("dialog")).getByLabelText(/^Name/)).toHaveValue("Row 12");
  expect(count(container)).toEqual({ dialogs: 3 + 3, confirmations: 3 });
});

describe("a token created where the list cannot show it", () => {
  const created = tokenItem({ name: "Hidden one" });
  const actions: TokenActions = {
    ...unusedActions(),
    create: async () => ({ ok: true, token: created, secret: "tgp_secret" }),
  };
  const shown = tokenItem({ name: "Shown one" });
  const filtered = { ...DEFAULT_TOKEN_LIST_QUERY, q: "shown", sort: "name" as const };

  async function createWhileShowing(query: typeof filtered) {
    const user = userEvent.setup();
    const props = { hasTokens: true, tokens: [shown], total: 1, query, actions };
    const { rerender } = renderView(props);
    await user.click(screen.getByRole("button", { name: "New token" }));
    const dialog = screen.getByRole("dialog", { name: "New API token" });
    await user.type(within(dialog).getByLabelText(/^Name/), "Hidden one");
    await user.click(within(dialog).getByRole("checkbox", { name: /tokens:read/ }));
    await user.click(within(dialog).getByRole("button", { name: "Create token" }));
    await screen.findByRole("dialog", { name: "Your new token" });
    // Until the refreshed list arrives, nothing is said.
    expect(screen.queryByText(/Created “Hidden one”/)).not.toBeInTheDocument();
    return (tokens = [shown]) => act(() => rerender(view({ ...props, tokens: [...tokens] })));
  }

  test("is said to be hidden by the filters, with a link to it", async () => {
    const refresh = await createWhileShowing(filtered);
    refresh();
    const notice = screen.getByText(/Created “Hidden one”, hidden by the current filters\./);
    expect(within(notice).getByRole("link", { name: "Show it" })).toHaveAttribute("href", `/settings/tokens?guid=${created.guid}&sort=name`);
  });

  test("is said to be on another page when nothing filters the list", async () => {
    const refresh = await createWhileShowing({ ...DEFAULT_TOKEN_LIST_QUERY, q: "" } as typeof filtered);
    refresh();
    expect(screen.getByText(/Created “Hidden one”; it is not on this page\./)).toBeInTheDocument();
  });

  test("is not mentioned once the list shows it", async () => {
    const refresh = await createWhileShowing(filtered);
    refresh([created, shown]);
    expect(screen.queryByText(/Created “Hidden one”/)).not.toBeInTheDocument();
  });
});
