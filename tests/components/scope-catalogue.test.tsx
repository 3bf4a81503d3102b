import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ScopeCatalogue } from "@/components/admin/scope-catalogue";
import { catalogueScopeSchema, type CatalogueScope, type ScopeActions, type ScopeResult } from "@/lib/scopes/contract";

const scope = (fields: Partial<CatalogueScope> & { name: string }): CatalogueScope =>
  catalogueScopeSchema.parse({
    description: `About ${fields.name}`,
    builtIn: false,
    adminOnly: false,
    default: false,
    holders: 0,
    tokens: 0,
    createdAt: "2030-01-01T10:00:00.000Z",
    retiredAt: null,
    ...fields,
  });

const SCOPES = [
  scope({ name: "admin:read", builtIn: true, adminOnly: true, holders: 1, tokens: 1 }),
  scope({ name: "billing:read", holders: 2, tokens: 3 }),
  scope({ name: "old:read", retiredAt: "2030-01-02T10:00:00.000Z", tokens: 4 }),
  scope({ name: "tokens:read", builtIn: true, default: true, holders: 5, tokens: 6 }),
];

function actions(overrides: Partial<ScopeActions> = {}): ScopeActions {
  const fail = async (): Promise<ScopeResult> => ({ ok: false, error: "not expected" });
  return { create: jest.fn(fail), edit: jest.fn(fail), read: jest.fn(fail), retire: jest.fn(fail), ...overrides };
}

const rowOf = (name: string) => screen.getByRole("rowheader", { name: new RegExp(`^${name}`) }).closest("tr")!;

test("built-in scopes have no actions; administrators' scopes cannot become defaults; retired ones are listed apart, without actions", () => {
  render(<ScopeCatalogue scopes={SCOPES} actions={actions()} />);
  const table = screen.getByRole("table", { name: "Scopes in use" });
  expect(within(table).getAllByRole("rowheader").map((h) => h.querySelector("code")!.textContent)).toEqual(["admin:read", "billing:read", "tokens:read"]);
  expect(within(rowOf("tokens:read")).queryAllByRole("button")).toEqual([]);
  expect(within(rowOf("tokens:read")).getByRole("checkbox", { name: "New accounts receive tokens:read" })).toBeChecked();
  expect(within(rowOf("admin:read")).queryByRole("checkbox")).toBeNull();
  expect(within(rowOf("billing:read")).getAllByRole("button").map((b) => b.getAttribute("aria-label"))).toEqual(["Edit billing:read", "Retire billing:read"]);
  const retired = within(screen.getByRole("list", { name: "Retired scopes" })).getAllByRole("listitem");
  expect(retired).toHaveLength(1);
  expect(retired[0]).toHaveTextContent("old:read");
  expect(within(retired[0]!).queryByRole("button")).toBeNull();
});

test("the retire confirmation states the counts read when it opens, not the page's, and retires only when confirmed", async () => {
  const fresh = scope({ name: "billing:read", holders: 7, tokens: 1 });
  const read = jest.fn(async (): Promise<ScopeResult> => ({ ok: true, scope: fresh }));
  const retire = jest.fn(async (): Promise<ScopeResult> => ({ ok: true, scope: { ...fresh, retiredAt: "2030-01-03T10:00:00.000Z" } }));
  render(<ScopeCatalogue scopes={SCOPES} actions={actions({ read, retire })} />);
  const user = userEvent.setup();
  await user.click(screen.getByRole("button", { name: "Retire billing:read" }));
  const dialog = await screen.findByRole("alertdialog", { name: "Retire billing:read?" });
  expect(read).toHaveBeenCalledWith("billing:read");
  expect(dialog).toHaveTextContent("7 users hold billing:read and 1 token carries it.");
  expect(dialog).toHaveTextContent("This cannot be undone.");
  expect(retire).not.toHaveBeenCalled();
  await user.click(within(dialog).getByRole("button", { name: "Retire scope" }));
  await waitFor(() => expect(retire).toHaveBeenCalledWith("billing:read"));
  expect(retire).toHaveBeenCalledTimes(1);
});

test("the add form shows the server's field errors under their fields and focuses the first", async () => {
  const create = jest.fn(async (): Promise<ScopeResult> => ({ ok: false, error: "Some fields need attention.", fieldErrors: { name: ["A scope named billing:read already exists."] } }));
  render(<ScopeCatalogue scopes={SCOPES} actions={actions({ create })} />);
  const user = userEvent.setup();
  const form = screen.getByRole("form", { name: "Add a scope" });
  await user.type(within(form).getByLabelText("Name"), "billing:read");
  await user.type(within(form).getByLabelText("Description"), "Again");
  await user.click(within(form).getByRole("button", { name: "Add scope" }));
  await waitFor(() => expect(within(form).getByLabelText("Name")).toHaveAccessibleDescription(/A scope named billing:read already exists\./));
  expect(create).toHaveBeenCalledWith({ name: "billing:read", description: "Again" });
  expect(within(form).getByLabelText("Name")).toHaveAttribute("aria-invalid", "true");
  expect(within(form).getByLabelText("Name")).toHaveFocus();
});

test("switching a default sends only that choice", async () => {
  const edit = jest.fn(async (): Promise<ScopeResult> => ({ ok: true, scope: scope({ name: "billing:read", default: true }) }));
  render(<ScopeCatalogue scopes={SCOPES} actions={actions({ edit })} />);
  await userEvent.setup().click(screen.getByRole("checkbox", { name: "New accounts receive billing:read" }));
  await waitFor(() => expect(edit).toHaveBeenCalledWith("billing:read", { default: true }));
});
