import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { CreateTokenButton } from "@/components/tokens/create-token-button";
import { RotateDialog } from "@/components/tokens/rotate-dialog";
import { TokenDialogsHost, useTokenDialogs } from "@/components/tokens/token-dialogs";
import { toLocalInput, type TokenPolicies } from "@/components/tokens/token-form-values";
import type { SecretResult, Token } from "@/components/tokens/types";
import { DAY, SCOPES, tokenItem, unusedActions } from "./fixtures";

// Typing through user-event is slow on a loaded two-core machine.
jest.setTimeout(30_000);

/** The token page's dialogs under the administrators' lifetime and overlap limits (lib/policies). */

const SECRET = "tgp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
const policies = (overrides: Partial<TokenPolicies>): TokenPolicies => ({ maxTokenLifetimeDays: null, maxRotationOverlapSeconds: null, ...overrides });
/** What a row's Edit button does, without the table around it. */
function EditProbe({ token }: { token: Token }) {
  const { edit } = useTokenDialogs();
  return (
    <button type="button" onClick={() => edit(token)}>
      Edit {token.name}
    </button>
  );
}

const optionsOf = (select: HTMLElement) => within(select).getAllByRole("option").map((o) => o.textContent);

async function openCreate(limits: TokenPolicies, create: (input: unknown) => Promise<SecretResult> = unusedActions().create) {
  const user = userEvent.setup();
  render(
    <TokenDialogsHost tokens={[]} scopes={SCOPES} actions={{ ...unusedActions(), create }} policies={limits}>
      <CreateTokenButton scopes={SCOPES} />
    </TokenDialogsHost>,
  );
  await user.click(screen.getByRole("button", { name: "New token" }));
  return { user, dialog: screen.getByRole("dialog", { name: "New API token" }) };
}

describe("the expiry picker under a maximum lifetime", () => {
  test("without a policy every choice is offered and 30 days is the default", async () => {
    const { dialog } = await openCreate(policies({}));
    const select = within(dialog).getByLabelText("Expires after");
    expect(optionsOf(select)).toEqual(["7 days", "30 days", "60 days", "90 days", "1 year", "A date of my choice", "No expiry"]);
    expect(select).toHaveValue("30d");
    expect(within(dialog).queryByText(/Your administrator limits/)).not.toBeInTheDocument();
  });

  test("90 days: no “No expiry”, no year, 30 days still the default, and a note saying why", async () => {
    const { dialog } = await openCreate(policies({ maxTokenLifetimeDays: 90 }));
    const select = within(dialog).getByLabelText("Expires after");
    expect(optionsOf(select)).toEqual(["7 days", "30 days", "60 days", "90 days", "A date of my choice"]);
    expect(select).toHaveValue("30d");
    expect(select).toHaveAccessibleDescription(expect.stringContaining("Your administrator limits tokens to 90 days."));
  });

  test("20 days: the longest preset within it is the default", async () => {
    const { dialog } = await openCreate(policies({ maxTokenLifetimeDays: 20 }));
    const select = within(dialog).getByLabelText("Expires after");
    expect(optionsOf(select)).toEqual(["7 days", "A date of my choice"]);
    expect(select).toHaveValue("7d");
  });

  test("exactly 30 days: 30 days is the default even when the clock moves on between two reads of it", async () => {
    // Every read of the clock is a millisecond later, as on a slow machine; the limit and the presets must share one instant.
    const RealDate = Date;
    let tick = RealDate.UTC(2030, 0, 31, 9, 30);
    class TickingDate extends RealDate {
      constructor(...args: ConstructorParameters<DateConstructor> | []) {
        if (args.length === 0) super(tick++);
        else super(...(args as ConstructorParameters<DateConstructor>));
      }
      static now = () => tick++;
    }
    global.Date = TickingDate as DateConstructor;
    try {
      const { dialog } = await openCreate(policies({ maxTokenLifetimeDays: 30 }));
      const select = within(dialog).getByLabelText("Expires after");
      expect(optionsOf(select)).toEqual(["7 days", "30 days", "A date of my choice"]);
      expect(select).toHaveValue("30d");
    } finally {
      global.Date = RealDate;
    }
  });

  test("3 days: no preset fits, so the custom date starts at the latest allowed and cannot go past it", async () => {
    const before = Date.now();
    const { dialog } = await openCreate(policies({ maxTokenLifetimeDays: 3 }));
    expect(within(dialog).getByLabelText("Expires after")).toHaveValue("custom");
    const date = within(dialog).getByLabelText("Valid to") as HTMLInputElement;
    // The latest allowed is 3 days from when the dialog opened, cut to the minute the picker shows.
    const latestInputs = [toLocalInput(new Date(before + 3 * DAY)), toLocalInput(new Date(Date.now() + 3 * DAY))];
    expect(latestInputs).toContain(date.value);
    expect(latestInputs).toContain(date.max);
  });

  test("a custom date beyond the limit is an error under the field, and Create stays disabled", async () => {
    const { user, dialog } = await openCreate(policies({ maxTokenLifetimeDays: 30 }));
    await user.type(within(dialog).getByLabelText(/^Name/), "Too long");
    await user.click(within(dialog).getByRole("checkbox", { name: /tokens:read/ }));
    fireEvent.change(within(dialog).getByLabelText("Expires after"), { target: { value: "custom" } });
    const date = within(dialog).getByLabelText("Valid to");
    fireEvent.change(date, { target: { value: toLocalInput(new Date(Date.now() + 31 * DAY)) } });
    expect(date).toHaveAccessibleDescription(expect.stringMatching(/^Your administrator limits tokens to 30 days\. Choose a valid-to on or before .+\.$/));
    expect(within(dialog).getByRole("button", { name: "Create token" })).toBeDisabled();
    fireEvent.change(date, { target: { value: toLocalInput(new Date(Date.now() + 29 * DAY)) } });
    expect(date).toHaveAccessibleDescription("");
    expect(within(dialog).getByRole("button", { name: "Create token" })).toBeEnabled();
  });

  test("the server's refusal (the active-tokens policy, which has no field) is shown above the form", async () => {
    const message = "The maximum active tokens policy allows at most 2 active or scheduled tokens per person, and you have that many. Revoke or delete one first.";
    const { user, dialog } = await openCreate(policies({}), async () => ({ ok: false, error: message }));
    await user.type(within(dialog).getByLabelText(/^Name/), "Third");
    await user.click(within(dialog).getByRole("checkbox", { name: /tokens:read/ }));
    await user.click(within(dialog).getByRole("button", { name: "Create token" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(message);
  });

  test("editing a token from before the policy keeps its “No expiry”, so a rename can be saved", async () => {
    const user = userEvent.setup();
    const forever = tokenItem({ name: "Forever", validTo: null });
    const updates: unknown[] = [];
    const update = async (_guid: string, input: unknown) => {
      updates.push(input);
      return { ok: true as const, token: forever };
    };
    render(
      <TokenDialogsHost tokens={[forever]} scopes={SCOPES} actions={{ ...unusedActions(), update }} policies={policies({ maxTokenLifetimeDays: 30 })}>
        <EditProbe token={forever} />
      </TokenDialogsHost>,
    );
    await user.click(screen.getByRole("button", { name: "Edit Forever" }));
    const dialog = screen.getByRole("dialog", { name: "Edit token" });
    const select = within(dialog).getByLabelText("Expires after");
    expect(select).toHaveValue("never");
    expect(optionsOf(select)).toEqual(["7 days", "30 days", "A date of my choice", "No expiry"]);
    const name = within(dialog).getByLabelText(/^Name/);
    await user.clear(name);
    await user.type(name, "Forever, renamed");
    await user.click(within(dialog).getByRole("button", { name: "Save changes" }));
    expect(updates).toEqual([expect.objectContaining({ name: "Forever, renamed", validTo: null })]);
  });
});

describe("the rotate dialog under the policies", () => {
  function renderRotate(limits: TokenPolicies, token: Token = tokenItem({ name: "Rotated" })) {
    const calls: unknown[] = [];
    render(
      <RotateDialog
        token={token}
        policies={limits}
        open
        onOpenChange={() => {}}
        rotate={async (_guid, input) => {
          calls.push(input);
          return { ok: true, token, secret: SECRET };
        }}
        onRotated={() => {}}
      />,
    );
    return { calls, dialog: screen.getByRole("dialog", { name: "Rotate “Rotated”" }) };
  }
  const overlaps = (dialog: HTMLElement) => within(dialog).getAllByRole("radio").map((r) => r.parentElement!.querySelector("label")!.firstChild!.textContent);

  test("without a policy: every overlap and every expiry", () => {
    const { dialog } = renderRotate(policies({}));
    expect(overlaps(dialog)).toEqual(["None", "1 hour", "24 hours", "7 days"]);
    expect(optionsOf(within(dialog).getByLabelText("Expires after"))).toContain("No expiry");
  });

  test("an overlap limit of 24 hours drops 7 days and says so", () => {
    const { dialog } = renderRotate(policies({ maxRotationOverlapSeconds: 86400 }));
    expect(overlaps(dialog)).toEqual(["None", "1 hour", "24 hours"]);
    expect(within(dialog).getByText("Your administrator limits the overlap to 1 day.")).toBeInTheDocument();
  });

  test("a limit between the presets is offered itself, and sent as chosen", async () => {
    const user = userEvent.setup();
    const { dialog, calls } = renderRotate(policies({ maxRotationOverlapSeconds: 1800, maxTokenLifetimeDays: 7 }));
    expect(overlaps(dialog)).toEqual(["None", "30 minutes"]);
    expect(optionsOf(within(dialog).getByLabelText("Expires after"))).toEqual(["7 days", "A date of my choice"]);
    expect(within(dialog).getByLabelText("Expires after")).toHaveValue("7d");
    await user.click(within(dialog).getByRole("radio", { name: /30 minutes/ }));
    await user.click(within(dialog).getByRole("button", { name: "Rotate secret" }));
    expect(calls).toEqual([{ overlapSeconds: 1800, validTo: expect.any(String) }]);
    const validTo = new Date((calls[0] as { validTo: string }).validTo).getTime();
    expect(validTo).toBeLessThanOrEqual(Date.now() + 7 * DAY);
    expect(validTo).toBeGreaterThan(Date.now() + 7 * DAY - 60_000);
  });

  test("no overlap allowed: only None", () => {
    const { dialog } = renderRotate(policies({ maxRotationOverlapSeconds: 0 }));
    expect(overlaps(dialog)).toEqual(["None"]);
    expect(within(dialog).getByText("Your administrator allows no overlap.")).toBeInTheDocument();
  });
});
