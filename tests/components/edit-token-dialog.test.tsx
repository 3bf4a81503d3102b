import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { TokenDialogsHost } from "@/components/tokens/token-dialogs";
import { TokenRowActions } from "@/components/tokens/token-row-actions";
import type { Token } from "@/components/tokens/types";
import { DAY, SCOPES, localInputIn, tokenItem, unusedActions } from "./fixtures";

jest.setTimeout(30_000);

const monthAgo = new Date(Date.now() - 30 * DAY + 12_345).toISOString();
const token = tokenItem({
  name: "Deploy bot",
  description: "Pushes releases",
  scopes: ["tokens:read", "tokens:write"],
  validFrom: monthAgo,
  validTo: new Date(Date.now() + 60 * DAY).toISOString(),
});

function renderEdit(shown: Token = token) {
  const updates: [string, unknown][] = [];
  const actions = {
    ...unusedActions(),
    update: async (guid: string, input: unknown) => {
      updates.push([guid, input]);
      return { ok: true as const, token };
    },
  };
  const user = userEvent.setup();
  render(
    <TokenDialogsHost tokens={[shown]} scopes={SCOPES} actions={actions}>
      <TokenRowActions token={shown} />
    </TokenDialogsHost>,
  );
  return { user, updates };
}

test("Edit opens the dialog filled in, with the GUID read-only and not regenerable", async () => {
  const { user } = renderEdit();
  await user.click(screen.getByRole("button", { name: "Edit Deploy bot" }));
  const dialog = screen.getByRole("dialog", { name: "Edit token" });

  expect(within(dialog).getByLabelText(/^Name/)).toHaveValue("Deploy bot");
  expect(within(dialog).getByLabelText(/^Description/)).toHaveValue("Pushes releases");
  expect(within(dialog).getByRole("checkbox", { name: /tokens:read/ })).toBeChecked();
  expect(within(dialog).getByRole("checkbox", { name: /tokens:write/ })).toBeChecked();
  expect(within(dialog).getByLabelText("GUID")).toHaveValue(token.guid);
  expect(within(dialog).getByLabelText("GUID")).toHaveAttribute("readonly");
  expect(within(dialog).queryByRole("button", { name: "Regenerate GUID" })).not.toBeInTheDocument();
  expect(within(dialog).getByRole("button", { name: "Save changes" })).toBeEnabled();
});

test("saving keeps the stored start even though it lies in the past, and sends the new end", async () => {
  const { user, updates } = renderEdit();
  await user.click(screen.getByRole("button", { name: "Edit Deploy bot" }));
  const dialog = screen.getByRole("dialog", { name: "Edit token" });
  const newEnd = localInputIn(24 * 7);
  await user.clear(within(dialog).getByLabelText(/^Name/));
  await user.type(within(dialog).getByLabelText(/^Name/), "Release bot");
  await user.click(within(dialog).getByRole("checkbox", { name: /tokens:write/ }));
  fireEvent.change(within(dialog).getByLabelText(/^Valid to/), { target: { value: newEnd } });

  await user.click(within(dialog).getByRole("button", { name: "Save changes" }));

  expect(updates).toEqual([
    [
      token.guid,
      {
        name: "Release bot",
        description: "Pushes releases",
        scopes: ["tokens:read"],
        validFrom: monthAgo,
        validTo: new Date(newEnd).toISOString(),
      },
    ],
  ]);
  expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
});

test("the stored end shows as a date of one's own; No expiry clears it, with the warning", async () => {
  const { user, updates } = renderEdit();
  await user.click(screen.getByRole("button", { name: "Edit Deploy bot" }));
  expect(screen.getByLabelText("Expires after")).toHaveValue("custom");
  fireEvent.change(screen.getByLabelText("Expires after"), { target: { value: "never" } });
  expect(screen.queryByLabelText(/^Valid to/)).not.toBeInTheDocument();
  expect(screen.getByText(/standing risk/)).toBeInTheDocument();

  await user.click(screen.getByRole("button", { name: "Save changes" }));

  expect(updates[0]?.[1]).toMatchObject({ validTo: null });
});

test("a revoked token's dates are not offered, since they cannot change; the rest saves without them", async () => {
  const revokedAt = new Date(Date.now() - DAY).toISOString();
  const { user, updates } = renderEdit({ ...token, revokedAt, validTo: revokedAt, status: "revoked" });
  await user.click(screen.getByRole("button", { name: "Edit Deploy bot" }));
  const dialog = screen.getByRole("dialog", { name: "Edit token" });
  expect(within(dialog).queryByLabelText(/^Valid from/)).not.toBeInTheDocument();
  expect(within(dialog).queryByLabelText("Expires after")).not.toBeInTheDocument();
  expect(within(dialog).getByText(/This token is revoked: its validity cannot change/)).toBeInTheDocument();
  await user.type(within(dialog).getByLabelText(/^Description/), " (old)");

  await user.click(within(dialog).getByRole("button", { name: "Save changes" }));

  expect(updates).toEqual([[token.guid, { name: "Deploy bot", description: "Pushes releases (old)", scopes: ["tokens:read", "tokens:write"] }]]);
});

test("an expired token keeps its dates on offer: a new end brings it back", async () => {
  const ended = new Date(Date.now() - DAY).toISOString();
  const { user, updates } = renderEdit({ ...token, validTo: ended, status: "expired" });
  await user.click(screen.getByRole("button", { name: "Edit Deploy bot" }));
  fireEvent.change(screen.getByLabelText("Expires after"), { target: { value: "7d" } });

  await user.click(screen.getByRole("button", { name: "Save changes" }));

  const sent = updates[0]?.[1] as { validTo: string };
  expect(new Date(sent.validTo).getTime()).toBeGreaterThan(Date.now() + 6 * DAY);
});
