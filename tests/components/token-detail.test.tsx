import { render, screen, within } from "@testing-library/react";
import { AddressTable, SecretHistoryTable, TokenFields } from "@/components/tokens/token-detail";
import { tokenItem } from "./fixtures";

/**
 * The token page's sections other than the chart (components/tokens/token-detail.tsx): every field
 * with its value, the overlap in force, who revoked it and why, the scopes with their descriptions,
 * each secret's issue and end, and the addresses. The browser test (tests/e2e/token-page.test.ts)
 * sees the page whole; these are the cases its one seeded token does not have. Times are pinned.
 */
const NOW = new Date("2031-03-01T12:00:00.000Z");
const HOUR = 3600_000;
const at = (hours: number) => new Date(NOW.getTime() + hours * HOUR).toISOString();

/** Each field's label and its text, in the page's order. */
function fields(): Record<string, string> {
  const list = document.querySelector("dl")!;
  return Object.fromEntries([...list.querySelectorAll("dt")].map((dt) => [dt.textContent!, dt.nextElementSibling!.textContent!]));
}
const timesIn = (element: Element) => [...element.querySelectorAll("time")].map((t) => t.getAttribute("datetime"));
const fieldElement = (label: string) => [...document.querySelectorAll("dt")].find((dt) => dt.textContent === label)!.nextElementSibling!;

test("every field, with the overlap in force and the last use's address and user agent", () => {
  const token = tokenItem({
    name: "Deploy",
    partial: "tgp_Dep1…zzzz",
    guid: "3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f",
    scopes: ["tokens:read", "billing:read"],
    createdAt: at(-48),
    updatedAt: at(-2),
    validFrom: at(-48),
    validTo: at(24 * 30),
    lastUsedAt: at(-1),
    lastUsedIp: "203.0.113.9",
    lastUsedUserAgent: "deploy-tool/2.1",
    previousSecretExpiresAt: at(3),
  });
  render(<TokenFields token={token} scopes={[{ name: "tokens:read", description: "List and view your API tokens" }, { name: "billing:read", description: "" }]} now={NOW} />);
  const shown = fields();
  expect(Object.keys(shown)).toEqual(["Status", "Token", "GUID", "Created", "Last changed", "Active from", "Expires", "Last used", "Rotation overlap", "Scopes"]);
  expect(shown).toMatchObject({ Token: "tgp_Dep1…zzzz", GUID: token.guid });
  expect(shown["Status"]).toMatch(/^Active/);
  expect(shown["Last used"]).toMatch(/from 203\.0\.113\.9deploy-tool\/2\.1$/);
  expect(shown["Rotation overlap"]).toMatch(/^The previous secret works until /);
  expect(timesIn(fieldElement("Rotation overlap"))).toEqual([at(3)]);
  expect(timesIn(fieldElement("Created"))).toEqual([at(-48)]);
  expect(timesIn(fieldElement("Last changed"))).toEqual([at(-2)]);
  expect(timesIn(fieldElement("Active from"))).toEqual([at(-48)]);
  expect(timesIn(fieldElement("Expires"))).toEqual([at(24 * 30)]);
  // Each scope with its description from the catalogue, or the lack of one said.
  const scopes = within(fieldElement("Scopes") as HTMLElement).getAllByRole("listitem").map((li) => li.textContent);
  expect(scopes).toEqual(["tokens:readList and view your API tokens", "billing:readNo description in the catalogue"]);
});

test("without an overlap, never used and never expiring: said so", () => {
  render(<TokenFields token={tokenItem({ validTo: null })} scopes={[]} now={NOW} />);
  expect(fields()).toMatchObject({ Expires: "Never", "Last used": "Never", "Rotation overlap": "None: only the current secret works", Scopes: "None" });
  expect(screen.queryByText("Revoked", { selector: "dt" })).toBeNull();
});

test.each([
  ["administrator", "Leaked in a public repository", /by an administratorReason: Leaked in a public repository$/],
  ["system", "Reported as leaked", /by TollgateReason: Reported as leaked$/],
  ["owner", null, /by you$/],
] as const)("revoked by the %s: when, by whom, and the reason when one was given", (revokedBy, reason, said) => {
  const token = tokenItem({ status: "revoked", revokedAt: at(-5), validTo: at(-5), revokedBy, revocationReason: reason });
  render(<TokenFields token={token} scopes={[]} now={NOW} />);
  expect(fields()["Revoked"]).toMatch(said);
  expect(timesIn(fieldElement("Revoked"))).toEqual([at(-5)]);
});

test("the rotation history: each secret's issue and end; one winding down says until when; the current one works with the token", () => {
  const history = [
    { partial: "tgp_New…3333", issuedAt: at(-1), stoppedAt: null, current: true },
    { partial: "tgp_Mid…2222", issuedAt: at(-10), stoppedAt: at(2), current: false },
    { partial: "tgp_Old…1111", issuedAt: at(-40), stoppedAt: at(-10), current: false },
  ];
  const rows = (token: ReturnType<typeof tokenItem>) => {
    const { unmount } = render(<SecretHistoryTable history={history} token={token} now={NOW} />);
    const table = screen.getByRole("table", { name: "The token's secrets, newest first" });
    const read = within(table)
      .getAllByRole("row")
      .slice(1)
      .map((row) => ({ text: row.textContent, times: timesIn(row) }));
    unmount();
    return read;
  };
  const open = rows(tokenItem({ validTo: null }));
  expect(open.map((r) => r.times)).toEqual([[at(-1)], [at(-10), at(2)], [at(-40), at(-10)]]);
  expect(open[0]!.text).toMatch(/^tgp_New…3333Current.*Still works$/);
  expect(open[1]!.text).toMatch(/Works until .* \(overlap\)$/);
  expect(open[2]!.text).not.toMatch(/overlap/);
  // With an end, the current secret stops with the token.
  expect(rows(tokenItem({ validTo: at(24) }))[0]!.times).toEqual([at(-1), at(24)]);
});

test("no secret on record is said in words", () => {
  render(<SecretHistoryTable history={[]} token={tokenItem()} now={NOW} />);
  screen.getByText("No secrets on record.");
});

test("the addresses: each with its uses, first and last seen, and latest user agent, in the order given", () => {
  render(
    <AddressTable
      addresses={[
        { ip: "2001:db8::42", firstSeenAt: at(-30), lastSeenAt: at(-1), uses: 1, userAgent: null },
        { ip: "203.0.113.9", firstSeenAt: at(-40), lastSeenAt: at(-3), uses: 19, userAgent: "curl/8.5.0" },
      ]}
    />,
  );
  const items = within(screen.getByRole("list", { name: "Addresses" })).getAllByRole("listitem");
  expect(items.map((li) => [li.querySelector("p")!.textContent, timesIn(li)])).toEqual([
    ["2001:db8::42", [at(-30), at(-1)]],
    ["203.0.113.9", [at(-40), at(-3)]],
  ]);
  expect(items[0]!.textContent).toMatch(/1 use; first seen .*, last seen /);
  expect(items[1]!.textContent).toMatch(/19 uses; first seen .*curl\/8\.5\.0$/);
});
