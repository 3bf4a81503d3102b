import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { CreateTokenButton } from "@/components/tokens/create-token-button";
import { TokenDialogsHost } from "@/components/tokens/token-dialogs";
import type { SecretResult } from "@/components/tokens/types";
import { browserTimePrefs, formatDateTime } from "@/lib/time-format";
import { DAY, SCOPES, localInputIn, tokenItem, unusedActions } from "./fixtures";

// Typing through user-event is slow on a loaded two-core machine.
jest.setTimeout(30_000);

const SECRET = "tgp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";

/** The create action as the page hands it over: records what it was sent and answers with `result`. */
function createAction(result: SecretResult = { ok: true, token: tokenItem({ name: "CI deploy" }), secret: SECRET }) {
  const calls: unknown[] = [];
  const create = async (input: unknown) => {
    calls.push(input);
    return result;
  };
  return { create, calls };
}

function renderButton(create: (input: unknown) => Promise<SecretResult>, scopes = SCOPES) {
  render(
    <TokenDialogsHost tokens={[]} scopes={scopes} actions={{ ...unusedActions(), create }}>
      <CreateTokenButton scopes={scopes} />
    </TokenDialogsHost>,
  );
}

/** Picks "A date of my choice" under Expires, which brings up the Valid to picker. */
function chooseCustomEnd(dialog: HTMLElement) {
  fireEvent.change(within(dialog).getByLabelText("Expires after"), { target: { value: "custom" } });
}

async function openDialog(create = createAction().create, user = userEvent.setup()) {
  renderButton(create);
  await user.click(screen.getByRole("button", { name: "New token" }));
  const dialog = screen.getByRole("dialog", { name: "New API token" });
  return { user, dialog, save: within(dialog).getByRole("button", { name: "Create token" }) };
}

test("Save stays disabled until a name and a scope are given", async () => {
  const { user, dialog, save } = await openDialog();
  expect(save).toBeDisabled();
  expect(within(dialog).getByText("To save, enter a name and at least one scope.")).toBeInTheDocument();

  await user.type(within(dialog).getByLabelText(/^Name/), "CI deploy");
  expect(save).toBeDisabled();

  await user.click(within(dialog).getByRole("checkbox", { name: /tokens:read/ }));
  expect(save).toBeEnabled();

  await user.clear(within(dialog).getByLabelText(/^Name/));
  expect(save).toBeDisabled();
  expect(within(dialog).getByLabelText(/^Name/)).toHaveAccessibleDescription("Name is required.");
});

test("unchecking the last scope disables Save again and says why", async () => {
  const { user, dialog, save } = await openDialog();
  await user.type(within(dialog).getByLabelText(/^Name/), "CI deploy");
  const read = within(dialog).getByRole("checkbox", { name: /tokens:read/ });
  await user.click(read);
  await user.click(read);

  expect(save).toBeDisabled();
  expect(within(dialog).getByText("Choose at least one scope.")).toBeInTheDocument();
});

test("each scope is offered with its description", async () => {
  const { dialog } = await openDialog();
  const write = within(dialog).getByRole("checkbox", { name: /tokens:write/ });
  expect(write).toHaveAccessibleDescription("Create, edit, revoke, rotate and delete your API tokens");
});

test("valid-to before valid-from keeps Save disabled and shows why", async () => {
  const { user, dialog, save } = await openDialog();
  await user.type(within(dialog).getByLabelText(/^Name/), "CI deploy");
  await user.click(within(dialog).getByRole("checkbox", { name: /tokens:read/ }));

  fireEvent.change(within(dialog).getByLabelText(/^Valid from/), { target: { value: localInputIn(48) } });
  chooseCustomEnd(dialog);
  fireEvent.change(within(dialog).getByLabelText(/^Valid to/), { target: { value: localInputIn(24) } });

  expect(save).toBeDisabled();
  const validTo = within(dialog).getByLabelText(/^Valid to/);
  expect(validTo).toHaveAttribute("aria-invalid", "true");
  expect(validTo).toHaveAccessibleDescription(expect.stringContaining("Valid to must be after valid from."));

  fireEvent.change(validTo, { target: { value: localInputIn(72) } });
  expect(save).toBeEnabled();
  expect(validTo).not.toHaveAttribute("aria-invalid");
});

test("past dates cannot be picked, and one typed in anyway is refused", async () => {
  const { user, dialog, save } = await openDialog();
  await user.type(within(dialog).getByLabelText(/^Name/), "CI deploy");
  await user.click(within(dialog).getByRole("checkbox", { name: /tokens:read/ }));
  const validFrom = within(dialog).getByLabelText(/^Valid from/);
  // The pickers start at the minute the dialog opened (in the browser's zone).
  const earliest = new Date(validFrom.getAttribute("min") ?? "").getTime();
  expect(Date.now() - earliest).toBeGreaterThanOrEqual(0);
  expect(Date.now() - earliest).toBeLessThan(2 * 60_000);
  chooseCustomEnd(dialog);
  expect(within(dialog).getByLabelText(/^Valid to/)).toHaveAttribute("min", validFrom.getAttribute("min"));

  fireEvent.change(validFrom, { target: { value: localInputIn(-3) } });

  expect(save).toBeDisabled();
  expect(validFrom).toHaveAccessibleDescription(expect.stringContaining("Valid from cannot be in the past."));
});

test("the GUID is filled in, read-only, and Regenerate replaces it", async () => {
  const { user, dialog } = await openDialog();
  const guid = within(dialog).getByLabelText("GUID");
  const first = (guid as HTMLInputElement).value;
  expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(guid).toHaveAttribute("readonly");

  await user.click(within(dialog).getByRole("button", { name: "Regenerate GUID" }));

  expect((guid as HTMLInputElement).value).toMatch(/^[0-9a-f-]{36}$/);
  expect((guid as HTMLInputElement).value).not.toBe(first);
});

test("Copy puts the GUID on the clipboard and says so", async () => {
  const { user, dialog } = await openDialog();
  const guid = (within(dialog).getByLabelText("GUID") as HTMLInputElement).value;

  await user.click(within(dialog).getByRole("button", { name: "Copy GUID" }));

  expect(await navigator.clipboard.readText()).toBe(guid);
  expect(within(dialog).getByRole("button", { name: "Copied" })).toBeInTheDocument();
});

test("Save sends the fields, with picked times as ISO instants and the GUID shown", async () => {
  const { create, calls } = createAction();
  const { user, dialog, save } = await openDialog(create);
  const guid = (within(dialog).getByLabelText("GUID") as HTMLInputElement).value;
  const from = localInputIn(24);
  const to = localInputIn(24 * 30);
  await user.type(within(dialog).getByLabelText(/^Name/), "CI deploy");
  await user.type(within(dialog).getByLabelText(/^Description/), "Nightly build");
  await user.click(within(dialog).getByRole("checkbox", { name: /tokens:write/ }));
  fireEvent.change(within(dialog).getByLabelText(/^Valid from/), { target: { value: from } });
  chooseCustomEnd(dialog);
  fireEvent.change(within(dialog).getByLabelText(/^Valid to/), { target: { value: to } });

  await user.click(save);

  expect(calls).toEqual([
    {
      guid,
      name: "CI deploy",
      description: "Nightly build",
      scopes: ["tokens:write"],
      validFrom: new Date(from).toISOString(),
      validTo: new Date(to).toISOString(),
    },
  ]);
});

test("errors from the server are shown under their fields, and the dialog stays open", async () => {
  const { create } = createAction({
    ok: false,
    error: "Some fields need attention.",
    fieldErrors: { scopes: ["You do not hold the scope tokens:write."], guid: ["This GUID is already in use. Regenerate it and save again."] },
  });
  const { user, dialog, save } = await openDialog(create);
  await user.type(within(dialog).getByLabelText(/^Name/), "CI deploy");
  await user.click(within(dialog).getByRole("checkbox", { name: /tokens:write/ }));

  await user.click(save);

  expect(await within(dialog).findByRole("alert")).toHaveTextContent("Some fields need attention.");
  expect(within(dialog).getByText("You do not hold the scope tokens:write.")).toBeInTheDocument();
  const guid = within(dialog).getByLabelText("GUID");
  expect(guid).toHaveAttribute("aria-invalid", "true");
  expect(guid).toHaveAccessibleDescription(expect.stringContaining("This GUID is already in use."));
  expect(screen.queryByRole("dialog", { name: "Your new token" })).not.toBeInTheDocument();

  // Regenerating answers the GUID error, so it goes away.
  await user.click(within(dialog).getByRole("button", { name: "Regenerate GUID" }));
  expect(guid).not.toHaveAttribute("aria-invalid");
});

test("the secret is shown once, with a warning and a copy button, and is gone after closing", async () => {
  const { user, save, dialog } = await openDialog();
  await user.type(within(dialog).getByLabelText(/^Name/), "CI deploy");
  await user.click(within(dialog).getByRole("checkbox", { name: /tokens:read/ }));

  await user.click(save);

  const reveal = await screen.findByRole("dialog", { name: "Your new token" });
  expect(screen.queryByRole("dialog", { name: "New API token" })).not.toBeInTheDocument();
  expect(within(reveal).getByLabelText("Secret")).toHaveValue(SECRET);
  expect(within(reveal).getByText("This secret will not be shown again.")).toBeInTheDocument();
  await user.click(within(reveal).getByRole("button", { name: "Copy secret" }));
  expect(await navigator.clipboard.readText()).toBe(SECRET);
  expect(within(reveal).getByRole("button", { name: "Copied" })).toBeInTheDocument();

  await user.click(within(reveal).getByRole("button", { name: "Done" }));

  expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  expect(document.body).not.toHaveTextContent(SECRET);
  expect(screen.getByRole("button", { name: "New token" })).toHaveFocus();

  // Opening the dialog again starts a new token; the old secret is nowhere.
  await user.click(screen.getByRole("button", { name: "New token" }));
  expect(document.body).not.toHaveTextContent(SECRET);
  expect(screen.getByLabelText(/^Name/)).toHaveValue("");
});

test("Cancel discards what was typed", async () => {
  const { user, dialog } = await openDialog();
  await user.type(within(dialog).getByLabelText(/^Name/), "Half done");

  await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
  expect(screen.queryByRole("dialog")).not.toBeInTheDocument();

  await user.click(screen.getByRole("button", { name: "New token" }));
  expect(screen.getByLabelText(/^Name/)).toHaveValue("");
});

test("a user without scopes cannot start creating a token", () => {
  renderButton(createAction().create, []);
  const button = screen.getByRole("button", { name: "New token" });
  expect(button).toBeDisabled();
  expect(button).toHaveAttribute("title", expect.stringMatching(/hold no scopes/));
});

describe("expiry", () => {
  const NOW = new Date("2030-03-10T12:00:00.000Z");
  beforeEach(() => jest.useFakeTimers({ now: NOW, doNotFake: ["queueMicrotask", "nextTick", "setImmediate"] }));
  afterEach(() => jest.useRealTimers());
  const fakeUser = () => userEvent.setup({ advanceTimers: jest.advanceTimersByTime });

  async function filledIn(create = createAction().create) {
    const opened = await openDialog(create, fakeUser());
    await opened.user.type(within(opened.dialog).getByLabelText(/^Name/), "CI deploy");
    await opened.user.click(within(opened.dialog).getByRole("checkbox", { name: /tokens:read/ }));
    return opened;
  }

  test("30 days is the default, and the dialog says on which date the token expires", async () => {
    const { create, calls } = createAction();
    const { user, dialog, save } = await filledIn(create);
    const choice = within(dialog).getByLabelText("Expires after");
    expect(choice).toHaveValue("30d");
    expect(within(choice).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "7 days",
      "30 days",
      "60 days",
      "90 days",
      "1 year",
      "A date of my choice",
      "No expiry",
    ]);
    const end = new Date(NOW.getTime() + 30 * DAY);
    expect(choice).toHaveAccessibleDescription(`Expires on ${formatDateTime(end, browserTimePrefs())}.`);

    await user.click(save);
    expect(calls).toEqual([expect.objectContaining({ validFrom: null, validTo: end.toISOString() })]);
  });

  test.each([
    ["7d", new Date("2030-03-17T12:00:00.000Z")],
    ["90d", new Date("2030-06-08T12:00:00.000Z")],
    ["1y", new Date("2031-03-10T12:00:00.000Z")],
  ])("the %s preset sends its end", async (preset, end) => {
    const { create, calls } = createAction();
    const { user, dialog, save } = await filledIn(create);
    fireEvent.change(within(dialog).getByLabelText("Expires after"), { target: { value: preset } });
    await user.click(save);
    expect(calls).toEqual([expect.objectContaining({ validTo: end.toISOString() })]);
  });

  test("a preset counts from a later start", async () => {
    const { create, calls } = createAction();
    const { user, dialog, save } = await filledIn(create);
    const from = localInputIn(48);
    fireEvent.change(within(dialog).getByLabelText(/^Valid from/), { target: { value: from } });
    fireEvent.change(within(dialog).getByLabelText("Expires after"), { target: { value: "7d" } });
    await user.click(save);
    expect(calls).toEqual([
      expect.objectContaining({ validFrom: new Date(from).toISOString(), validTo: new Date(new Date(from).getTime() + 7 * DAY).toISOString() }),
    ]);
  });

  test("no expiry is said to be a standing risk, and sends no end", async () => {
    const { create, calls } = createAction();
    const { user, dialog, save } = await filledIn(create);
    expect(within(dialog).queryByText(/standing risk/)).not.toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText("Expires after"), { target: { value: "never" } });
    expect(within(dialog).getByText(/A token that never expires is a standing risk/)).toBeInTheDocument();
    expect(within(dialog).getByLabelText("Expires after")).toHaveAccessibleDescription("Never expires.");
    await user.click(save);
    expect(calls).toEqual([expect.objectContaining({ validTo: null })]);
  });
});
