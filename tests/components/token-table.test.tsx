import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { TokenDialogsHost } from "@/components/tokens/token-dialogs";
import { TokenTable } from "@/components/tokens/token-table";
import type { TokenActions, Token } from "@/components/tokens/types";
import { DEFAULT_TOKEN_LIST_QUERY, type TokenListQuery } from "@/lib/validation/token-list";
import { DAY, HOUR, SCOPES, tokenItem, unusedActions } from "./fixtures";

jest.setTimeout(30_000);

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const ahead = (ms: number) => new Date(Date.now() + ms).toISOString();

const active = tokenItem({ name: "Active one" });
const revoked = tokenItem({ name: "Revoked one", revokedAt: ago(2 * DAY), validTo: ago(2 * DAY), status: "revoked" });
const expired = tokenItem({ name: "Expired one", validTo: ago(5 * DAY), status: "expired" });
// 3 days and an hour: counts round down, so it is "in 3 days" whatever the milliseconds between here and the render.
const scheduled = tokenItem({ name: "Scheduled one", validFrom: ahead(3 * DAY + HOUR), status: "scheduled" });

function renderTable(tokens: Token[], options: { actions?: TokenActions; query?: Partial<TokenListQuery> } = {}) {
  const user = userEvent.setup();
  render(
    <TokenDialogsHost tokens={tokens} scopes={SCOPES} actions={options.actions ?? unusedActions()}>
      <TokenTable tokens={tokens} query={{ ...DEFAULT_TOKEN_LIST_QUERY, ...options.query }} now={new Date()} />
    </TokenDialogsHost>,
  );
  return user;
}

/** Opens a row's "More actions" menu and returns it. */
async function openMenu(user: ReturnType<typeof userEvent.setup>, name: string) {
  await user.click(screen.getByRole("button", { name: `More actions for ${name}` }));
  return screen.getByRole("menu");
}

function rowOf(name: string) {
  return screen.getByRole("row", { name: new RegExp(`^${name}`) });
}

test("Revoke is enabled for an active token and disabled, with the reason shown, for inactive ones", async () => {
  const user = renderTable([active, revoked, expired, scheduled]);
  expect(within(await openMenu(user, "Active one")).getByRole("menuitem", { name: "Revoke" })).not.toHaveAttribute("aria-disabled");
  await user.keyboard("{Escape}");
  const cases: [string, RegExp][] = [
    ["Revoked one", /Already revoked/],
    ["Expired one", /Already expired/],
    ["Scheduled one", /Not active yet/],
  ];
  for (const [name, why] of cases) {
    const item = within(await openMenu(user, name)).getByRole("menuitem", { name: "Revoke" });
    expect(item).toHaveAttribute("aria-disabled", "true");
    expect(item).toHaveAccessibleDescription(why);
    expect(item).toHaveTextContent(why);
    await user.keyboard("{Escape}");
  }
});

test("each row has Edit as a button and the rest in a menu, which the keyboard works and Escape leaves for its button", async () => {
  const user = renderTable([active]);
  const row = rowOf("Active one");
  expect(within(row).getAllByRole("button").map((b) => b.getAttribute("aria-label") ?? b.textContent)).toEqual([
    "Copy GUID of Active one",
    "Edit Active one",
    "More actions for Active one",
  ]);
  const trigger = within(row).getByRole("button", { name: "More actions for Active one" });
  trigger.focus();
  await user.keyboard("{Enter}");
  const menu = screen.getByRole("menu");
  expect(within(menu).getAllByRole("menuitem").map((item) => item.getAttribute("aria-label"))).toEqual(["Rotate", "Revoke", "Delete"]);
  expect(within(menu).getByRole("menuitem", { name: "Rotate" })).toHaveFocus();
  await user.keyboard("{ArrowDown}");
  expect(within(menu).getByRole("menuitem", { name: "Revoke" })).toHaveFocus();
  await user.keyboard("{Escape}");
  expect(screen.queryByRole("menu")).not.toBeInTheDocument();
  expect(trigger).toHaveFocus();

  await user.keyboard(" ");
  await user.keyboard("{ArrowUp}");
  expect(within(screen.getByRole("menu")).getByRole("menuitem", { name: "Delete" })).toHaveFocus();
  await user.keyboard("{Enter}");
  expect(screen.getByRole("alertdialog", { name: "Delete “Active one”?" })).toBeInTheDocument();
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
    expect(lastUsedOf("Used one")).toHaveTextContent(/^3 hours agofrom 203\.0\.113\.7curl\/8\.5\.0$/);
    // The user agent is cut to one line; its whole text is on hover.
    expect(within(lastUsedOf("Used one")).getByText("curl/8.5.0")).toHaveAttribute("title", "curl/8.5.0");
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
  const soon = tokenItem({ name: "Soon one", validTo: ahead(3 * DAY + HOUR) });
  const barely = tokenItem({ name: "Barely one", validTo: ahead(DAY - 11 * 60_000) });
  const later = tokenItem({ name: "Later one", validTo: ahead(90 * DAY) });
  renderTable([active, soon, barely, later, expired, revoked]);
  const expiresOf = (name: string) => within(rowOf(name)).getAllByRole("cell")[6]!;

  expect(expiresOf("Active one")).toHaveTextContent(/^Never$/);
  // Rounded down: 3 days 1 hour is "3 days" (it said 4), 23 hours 49 minutes is "23 hours" (it said 24).
  expect(expiresOf("Soon one")).toHaveTextContent("expires in 3 days");
  expect(expiresOf("Barely one")).toHaveTextContent("expires in 23 hours");
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

  await user.click(within(await openMenu(user, "Active one")).getByRole("menuitem", { name: "Revoke" }));
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

  await user.click(within(await openMenu(user, "Active one")).getByRole("menuitem", { name: "Delete" }));
  const confirm = screen.getByRole("alertdialog", { name: "Delete “Active one”?" });
  expect(confirm).toHaveTextContent("Programs using this token will stop working.");
  expect(confirm).toHaveTextContent("This cannot be undone.");
  await user.click(within(confirm).getByRole("button", { name: "Cancel" }));
  expect(deleted).toEqual([]);

  await user.click(within(await openMenu(user, "Active one")).getByRole("menuitem", { name: "Delete" }));
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

  await user.click(within(await openMenu(user, "Active one")).getByRole("menuitem", { name: "Rotate" }));
  const dialog = screen.getByRole("dialog", { name: "Rotate “Active one”" });
  expect(within(dialog).getByRole("radio", { name: /None/ })).toBeChecked();
  await user.click(within(dialog).getByRole("radio", { name: /24 hours/ }));
  await user.selectOptions(within(dialog).getByLabelText("Expires after"), "No expiry");
  await user.click(within(dialog).getByRole("button", { name: "Rotate secret" }));

  expect(rotations).toEqual([[active.guid, { overlapSeconds: 86400, validTo: null }]]);
  const reveal = await screen.findByRole("dialog", { name: "New secret" });
  expect(within(reveal).getByLabelText("Secret")).toHaveValue(secret);
  await user.click(within(reveal).getByRole("button", { name: "Done" }));
  // Not copied yet: closing asks first.
  expect(within(reveal).getByRole("alert")).toHaveTextContent("You have not copied this secret. It will not be shown again. Close anyway?");
  await user.click(within(reveal).getByRole("button", { name: "Close anyway" }));
  expect(document.body).not.toHaveTextContent(secret);
  expect(screen.getByRole("button", { name: "More actions for Active one" })).toHaveFocus();
});

test("Rotate is unavailable for a revoked token, and says why", async () => {
  const user = renderTable([revoked]);
  const item = within(await openMenu(user, "Revoked one")).getByRole("menuitem", { name: "Rotate" });
  expect(item).toHaveAttribute("aria-disabled", "true");
  expect(item).toHaveAccessibleDescription(expect.stringMatching(/revoked token cannot be rotated/));
});

test("a failed rotation is reported in the dialog", async () => {
  const actions = { ...unusedActions(), rotate: async () => ({ ok: false as const, error: "Token not found. It may have been deleted." }) };
  const user = renderTable([active], { actions });

  await user.click(within(await openMenu(user, "Active one")).getByRole("menuitem", { name: "Rotate" }));
  await user.click(screen.getByRole("button", { name: "Rotate secret" }));

  expect(await screen.findByRole("alert")).toHaveTextContent("Token not found.");
  expect(screen.queryByRole("dialog", { name: "New secret" })).not.toBeInTheDocument();
});

test("many scopes show the first three and '+N more', which opens the rest", async () => {
  const many = Array.from({ length: 12 }, (_, i) => `scope:number-${String(i).padStart(2, "0")}`);
  const user = renderTable([tokenItem({ name: "Many scopes", scopes: many }), tokenItem({ name: "Four scopes", scopes: many.slice(0, 4) })]);
  const scopesOf = (name: string) => within(rowOf(name)).getAllByRole("cell")[2]!;

  // Four fit, so four are shown and nothing is folded.
  expect(within(scopesOf("Four scopes")).getAllByRole("listitem").map((li) => li.textContent)).toEqual(many.slice(0, 4));
  expect(within(scopesOf("Four scopes")).queryByText(/more/)).toBeNull();

  const more = within(scopesOf("Many scopes")).getByText("+9 more");
  const details = more.closest("details")!;
  expect(details).not.toHaveAttribute("open");
  await user.click(more);
  expect(details).toHaveAttribute("open");
  expect(within(scopesOf("Many scopes")).getAllByRole("listitem").map((li) => li.textContent)).toEqual(many);
});

test("a token an administrator or Tollgate revoked says so, with the reason; one its owner revoked does not", () => {
  const byAdmin = tokenItem({
    name: "Leaked one",
    revokedAt: ago(DAY),
    validTo: ago(DAY),
    status: "revoked",
    revokedBy: "administrator",
    revocationReason: "Found in a public repository",
  });
  const byOwner = tokenItem({ name: "Retired one", revokedAt: ago(DAY), validTo: ago(DAY), status: "revoked", revokedBy: "owner" });
  const reported = tokenItem({ name: "Reported one", revokedAt: ago(DAY), validTo: ago(DAY), status: "revoked", revokedBy: "system", revocationReason: "Reported as leaked" });
  renderTable([byAdmin, byOwner, reported]);
  const status = (name: string) => within(rowOf(name)).getByText("Inactive").parentElement!.parentElement!;
  expect(status("Leaked one")).toHaveTextContent(/^InactiveRevoked by an administrator 1 day agoReason: Found in a public repository$/);
  expect(status("Retired one")).toHaveTextContent(/^InactiveRevoked 1 day ago$/);
  expect(status("Reported one")).toHaveTextContent(/^InactiveRevoked by Tollgate 1 day agoReason: Reported as leaked$/);
});

test("each token's name is a link to its page, and the row keeps its name", () => {
  renderTable([active, revoked]);
  for (const token of [active, revoked]) {
    const row = rowOf(token.name);
    expect(within(row).getByRole("link", { name: token.name })).toHaveAttribute("href", `/settings/tokens/${token.guid}`);
    expect(within(row).getByRole("rowheader")).toHaveAccessibleName(token.name);
  }
});
