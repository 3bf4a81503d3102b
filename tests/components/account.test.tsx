import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ChangePasswordForm } from "@/components/account/change-password-form";
import { SessionsList } from "@/components/account/sessions-list";
import type { AccountActionResult, SessionView } from "@/components/account/types";

const session = (id: string, current = false, device = "Chrome on Linux"): SessionView => ({
  id,
  device,
  address: "192.0.2.1",
  signedInAt: "2030-01-01T10:00:00.000Z",
  lastSeenAt: "2030-01-01T11:00:00.000Z",
  current,
});

describe("the sessions list", () => {
  test("alone, there is nothing to sign out of but this session, which has no button", () => {
    render(<SessionsList sessions={[session("a", true)]} actions={{ end: jest.fn(), endOthers: jest.fn() }} />);
    const rows = within(screen.getByRole("list", { name: "Your sessions" })).getAllByRole("listitem");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent("This session");
    expect(screen.queryByRole("button")).toBeNull();
  });

  test("signing out another session asks first, then sends that session's id only", async () => {
    const end = jest.fn(async (): Promise<AccountActionResult> => ({ ok: true }));
    render(<SessionsList sessions={[session("a", true), session("b", false, "Safari on macOS")]} actions={{ end, endOthers: jest.fn() }} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Sign out Safari on macOS, 192.0.2.1" }));
    const dialog = screen.getByRole("alertdialog", { name: "Sign out Safari on macOS?" });
    expect(end).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole("button", { name: "Sign out session" }));
    await waitFor(() => expect(end).toHaveBeenCalledWith("b"));
    expect(end).toHaveBeenCalledTimes(1);
  });
});

describe("the change-password form", () => {
  async function fill(current: string, next: string, repeat = next) {
    const user = userEvent.setup();
    if (current) await user.type(screen.getByLabelText("Current password"), current);
    if (next) await user.type(screen.getByLabelText("New password"), next);
    if (repeat) await user.type(screen.getByLabelText("Repeat new password"), repeat);
    await user.click(screen.getByRole("button", { name: "Change password" }));
  }

  test("a new password shorter than the sign-up rule is refused in the browser, without asking the server", async () => {
    const changePassword = jest.fn();
    render(<ChangePasswordForm changePassword={changePassword} />);
    await fill("old password", "short", "shorter");
    expect(screen.getByLabelText("New password")).toHaveAccessibleDescription(/Use at least 10 characters\./);
    expect(changePassword).not.toHaveBeenCalled();
  });

  test("the server's verdict on the current password lands on that field, which gets the focus", async () => {
    const changePassword = jest.fn(async (): Promise<AccountActionResult> => ({
      ok: false,
      error: "Some fields need attention.",
      fieldErrors: { currentPassword: ["That is not your current password."] },
    }));
    render(<ChangePasswordForm changePassword={changePassword} />);
    await fill("wrong password", "a brand new passphrase");
    const current = screen.getByLabelText("Current password");
    await waitFor(() => expect(current).toHaveAttribute("aria-invalid", "true"));
    expect(current).toHaveAccessibleDescription("That is not your current password.");
    expect(current).toHaveFocus();
    expect(changePassword).toHaveBeenCalledWith({ currentPassword: "wrong password", newPassword: "a brand new passphrase", confirmPassword: "a brand new passphrase" });
  });

  test("a pause from the limit is said above the form", async () => {
    render(<ChangePasswordForm changePassword={async () => ({ ok: false, error: "Too many wrong passwords. Wait 15 minutes and try again." })} />);
    await fill("wrong password", "a brand new passphrase");
    expect(await screen.findByRole("alert")).toHaveTextContent("Too many wrong passwords.");
  });
});
