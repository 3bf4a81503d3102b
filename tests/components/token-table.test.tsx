import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { TokenTable } from "@/components/tokens/token-table";
import type { TokenActions, Token } from "@/components/tokens/types";
import { DEFAULT_TOKEN_LIST_QUERY, type TokenListQuery } from "@/lib/validation/tokens";
import { DAY, HOUR, SCOPES, tokenItem, unusedActions } from "./fixtures";

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const ahead = (ms: number) => new Date(Date.now() + ms).toISOString();

const active = tokenItem({ name: "Active one" });
const revoked = tokenItem({ name: "Revoked one", revokedAt: ago(2 * DAY), validTo: ago(2 * DAY), status: "revoked" });
const expired = tokenItem({ name: "Expired one", validTo: ago(5 * DAY), status: "expired" });
const scheduled = tokenItem({ name: "Scheduled one", validFrom: ahead(3 * DAY), status: "scheduled" });

function renderTable(tokens: Token[], options: { actions?: TokenActions; query?: Partial<TokenListQuery> } = {}) {
  const user = userEvent.setup();
  render(
    <TokenTable
      tokens={tokens}
      query={{ ...DEFAULT_TOKEN_LIST_QUERY, ...options.query }}
      scopes={SCOPES}
      actions={options.actions ?? unusedActions()}
      now={new Date()}
    />,
  );
  return user;
}

function rowOf(name: string) {
  return screen.getByRole("row", { name: new RegExp(`^${name}`) });
}

test("Revoke is enabled for an active token and disabled, with the reason, for inactive ones", () => {
  renderTable([active, revoked, expired, scheduled]);

  expect(within(rowOf("Active one")).getByRole("button", { name: "Revoke Active one" })).toBeEnabled();
  const cases: [string, RegExp][] = [
    ["Revoked one", /Already revoked/],
    ["Expired one", /Already expired/],
    ["Scheduled one", /Not active yet/],
  ];
  for (const [name, why] of cases) {
    const button = within(rowOf(name)).getByRole("button", { name: `Revoke ${name}` });
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute("title", expect.stringMatching(why));
  }
});

test("the status badge says Active, or Inactive with its reason", () => {
  renderTable([active, revoked, expired, scheduled]);
  const statusOf = (name: string) => within(rowOf(name)).getAllByRole("cell").at(-2)!;

  expect(statusOf("Active one")).toHaveTextContent(/^Active$/);
  expect(statusOf("Revoked one")).toHaveTextContent(/^InactiveRevoked 2 days ago$/);
  expect(statusOf("Expired one")).toHaveTextContent(/^InactiveExpired 5 days ago$/);
  expect(statusOf("Scheduled one")).toHaveTextContent(/^InactiveScheduled, starts in 3 days$/);
});

test("last used says Never for an unused token, otherwise how long ago and from where", () => {
  // The clock pinned, so that "3 hours ago" and the hover text are whole values, whatever the day.
  jest.useFakeTimers({ now: new Date("2030-06-15T12:00:00Z"), doNotFake: ["queueMicrotask", "nextTick"] });
  try {
    const used = tokenItem({ name: "Used one", lastUsedAt: "2030-06-15T09:00:00.000Z", lastUsedIp: "203.0.113.7", lastUsedUserAgent: "curl/8.5.0" });
    renderTable([active, used]);
    const lastUsedOf = (name: string) => within(rowOf(name)).getAllByRole("cell")[4]!;

    expect(lastUsedOf("Active one")).toHaveTextContent(/^Never$/);
    expect(lastUsedOf("Used one")).toHaveTextContent(/^3 hours agofrom 203\.0\.113\.7 · curl\/8\.5\.0$/);
    // The exact time is on hover, in the reader's locale and time zone (here, the test process's).
    const time = within(lastUsedOf("Used one")).getByText("3 hours ago");
    expect(time).toHaveAttribute("dateTime", "2030-06-15T09:00:00.000Z");
    const exact = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "long" }).format(Date.parse("2030-06-15T09:00:00Z"));
    expect(time).toHaveAttribute("title", exact);
  } finally {
    jest.useRealTimers();
  }
});

test("the expiry column says Never, warns when the end is near, and marks ended tokens", () => {
  const soon = tokenItem({ name: "Soon one", validTo: ahead(3 * DAY - HOUR) });
  const later = tokenItem({ name: "Later one", validTo: ahead(90 * DAY) });
  renderTable([active, soon, later, expired, revoked]);
  const expiresOf = (name: string) => within(rowOf(name)).getAllByRole("cell")[6]!;

  expect(expiresOf("Active one")).toHaveTextContent(/^Never$/);
  expect(expiresOf("Soon one")).toHaveTextContent("expires in 3 days");
  expect(expiresOf("Later one")).not.toHaveTextContent(/expires in|Expired|Never/);
  expect(expiresOf("Expired one")).toHaveTextContent("Expired");
  expect(expiresOf("Revoked one")).toHaveTextContent("Revoked");
});

test("each row shows the partial token and the GUID, which can be copied", async () => {
  const user = renderTable([active]);
  const row = rowOf("Active one");
  expect(row).toHaveTextContent(active.partial);
  expect(row).toHaveTextContent(active.guid);

  await user.click(within(row).getByRole("button", { name: "Copy GUID of Active one" }));

  expect(await navigator.clipboard.readText()).toBe(active.guid);
});

test("sortable headers link to the sorted view and announce the current sort", () => {
  renderTable([active], { query: { sort: "name", order: "asc", q: "deploy", page: 3 } });
  // Links leave out values equal to their default (order=desc, page=1); a new sort starts at page 1.

  const name = screen.getByRole("columnheader", { name: /^Name/ });
  expect(name).toHaveAttribute("aria-sort", "ascending");
  expect(within(name).getByRole("link")).toHaveAttribute("href", "/settings/tokens?q=deploy&sort=name");
  const lastUsed = screen.getByRole("columnheader", { name: /^Last used/ });
  expect(lastUsed).not.toHaveAttribute("aria-sort");
  expect(within(lastUsed).getByRole("link")).toHaveAttribute("href", "/settings/tokens?q=deploy&sort=lastUsed");
});

test("Revoke asks first, then revokes that token", async () => {
  const revokedGuids: string[] = [];
  const actions = {
    ...unusedActions(),
    revoke: async (guid: string) => {
      revokedGuids.push(guid);
      return { ok: true as const, token: { ...active, status: "revoked" as const } };
    },
  };
  const user = renderTable([active], { actions });

  await user.click(screen.getByRole("button", { name: "Revoke Active one" }));
  const confirm = screen.getByRole("alertdialog", { name: "Revoke “Active one”?" });
  expect(confirm).toHaveTextContent("stops working at once");
  expect(revokedGuids).toEqual([]);

  await user.click(within(confirm).getByRole("button", { name: "Revoke token" }));

  expect(revokedGuids).toEqual([active.guid]);
  expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
});

test("Delete warns that programs will stop working and that it cannot be undone; Cancel deletes nothing", async () => {
  const deleted: string[] = [];
  const actions = {
    ...unusedActions(),
    remove: async (guid: string) => {
      deleted.push(guid);
      return { ok: true as const };
    },
  };
  const user = renderTable([active], { actions });

  await user.click(screen.getByRole("button", { name: "Delete Active one" }));
  const confirm = screen.getByRole("alertdialog", { name: "Delete “Active one”?" });
  expect(confirm).toHaveTextContent("Programs using this token will stop working.");
  expect(confirm).toHaveTextContent("This cannot be undone.");
  await user.click(within(confirm).getByRole("button", { name: "Cancel" }));
  expect(deleted).toEqual([]);

  await user.click(screen.getByRole("button", { name: "Delete Active one" }));
  await user.click(screen.getByRole("button", { name: "Delete token" }));
  expect(deleted).toEqual([active.guid]);
});

test("Rotate sends the chosen overlap and shows the new secret once", async () => {
  const secret = "tgp_Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2";
  const rotations: [string, unknown][] = [];
  const actions = {
    ...unusedActions(),
    rotate: async (guid: string, input: unknown) => {
      rotations.push([guid, input]);
      return { ok: true as const, token: active, secret };
    },
  };
  const user = renderTable([active], { actions });

  await user.click(screen.getByRole("button", { name: "Rotate Active one" }));
  const dialog = screen.getByRole("dialog", { name: "Rotate “Active one”" });
  expect(within(dialog).getByRole("radio", { name: /None/ })).toBeChecked();
  await user.click(within(dialog).getByRole("radio", { name: /24 hours/ }));
  await user.click(within(dialog).getByRole("button", { name: "Rotate secret" }));

  expect(rotations).toEqual([[active.guid, { overlapSeconds: 86400 }]]);
  const reveal = await screen.findByRole("dialog", { name: "New secret" });
  expect(within(reveal).getByLabelText("Secret")).toHaveValue(secret);
  await user.click(within(reveal).getByRole("button", { name: "Done" }));
  expect(document.body).not.toHaveTextContent(secret);
});

test("Rotate is unavailable for a revoked token", () => {
  renderTable([revoked]);
  const button = screen.getByRole("button", { name: "Rotate Revoked one" });
  expect(button).toBeDisabled();
  expect(button).toHaveAttribute("title", expect.stringMatching(/revoked token cannot be rotated/));
});

test("a failed rotation is reported in the dialog", async () => {
  const actions = { ...unusedActions(), rotate: async () => ({ ok: false as const, error: "Token not found. It may have been deleted." }) };
  const user = renderTable([active], { actions });

  await user.click(screen.getByRole("button", { name: "Rotate Active one" }));
  await user.click(screen.getByRole("button", { name: "Rotate secret" }));

  expect(await screen.findByRole("alert")).toHaveTextContent("Token not found.");
  expect(screen.queryByRole("dialog", { name: "New secret" })).not.toBeInTheDocument();
});
