import { render, screen, within } from "@testing-library/react";
import { ApiReference } from "@/components/api-docs/api-reference";
import { openApiDocument } from "@/lib/openapi";

/** The reference renders our own document: every operation, parameter, body field and schema of it is on the page. */
const document = openApiDocument();
const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
  Object.entries(item as Record<string, { operationId: string; summary: string; parameters?: { name: string }[] }>).map(([method, operation]) => ({ path, method, operation })),
);

beforeEach(() => render(<ApiReference document={document} />));

test("every operation has a section headed by its summary, with its method and path", () => {
  expect(operations.length).toBeGreaterThanOrEqual(12);
  for (const { path, method, operation } of operations) {
    const section = screen.getByRole("region", { name: operation.summary });
    expect(section.id).toBe(`op-${operation.operationId}`);
    expect(section).toHaveTextContent(`${method}${path}`);
    const parameters = within(section).queryByRole("table", { name: "Parameters" });
    const named = parameters ? within(parameters).getAllByRole("row").slice(1).map((row) => within(row).getAllByRole("cell")[0]!.textContent!.replace(/required$/, "")) : [];
    expect({ operation: operation.operationId, parameters: named }).toEqual({ operation: operation.operationId, parameters: (operation.parameters ?? []).map((p) => p.name) });
    // The scope is said once, not again at the end of the description.
    expect(within(section).queryAllByText(/^Needs the scope/)).toEqual([]);
  }
});

test("the contents link to every operation", () => {
  const contents = screen.getByRole("navigation", { name: "Operations" });
  const targets = within(contents).getAllByRole("link").map((link) => link.getAttribute("href"));
  expect(targets.sort()).toEqual(operations.map(({ operation }) => `#op-${operation.operationId}`).sort());
});

test("request bodies list their fields, required ones marked", () => {
  const create = screen.getByRole("region", { name: "Create a token" });
  const body = within(create).getByRole("table", { name: /^Request body \(application\/json\)/ });
  const rows = within(body).getAllByRole("row").slice(1).map((row) => within(row).getAllByRole("cell")[0]!.textContent);
  expect(rows).toEqual(["namerequired", "description", "scopesrequired", "validFrom", "validTo", "guid"]);
});

test("every schema of the document is described, and references to it lead there", () => {
  const schemas = screen.getByRole("region", { name: "Schemas" });
  for (const name of Object.keys(document.components?.schemas ?? {})) {
    expect(within(schemas).getByRole("heading", { level: 3, name })).toBeVisible();
    expect(window.document.getElementById(`schema-${name}`)).not.toBeNull();
  }
  const token = screen.getByRole("region", { name: "Get a token" });
  expect(within(token).getByRole("link", { name: "Token" })).toHaveAttribute("href", "#schema-Token");
});
