import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { TokenRowActions } from "@/components/tokens/token-row-actions";
import { DAY, SCOPES, localInputIn, tokenItem, unusedActions } from "./fixtures";

const monthAgo = new Date(Date.now() - 30 * DAY + 12_345).toISOString();
const token = tokenItem({
  name: "Deploy bot",
  description: "Pushes releases",
  scopes: ["tokens:read", "tokens:write"],
  validFrom: monthAgo,
  validTo: new Date(Date.now() + 60 * DAY).toISOString(),
});

function renderEdit() {
  const updates: [string, unknown][] = [];
  const actions = {
    ...unusedActions(),
    update: async (guid: string, input: unknown) => {
      updates.push([guid, input]);
      return { ok: true as const, token };
    },
  };
  const user = userEvent.setup();
  render(<TokenRowActions token={token} scopes={SCOPES} actions={actions} />);
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

test("emptying valid-to means the token never expires", async () => {
  const { user, updates } = renderEdit();
  await user.click(screen.getByRole("button", { name: "Edit Deploy bot" }));
  fireEvent.change(screen.getByLabelText(/^Valid to/), { target: { value: "" } });

  await user.click(screen.getByRole("button", { name: "Save changes" }));

  expect(updates[0]?.[1]).toMatchObject({ validTo: null });
});
