import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { SignInForm } from "@/components/auth/sign-in-form";
import { renderWithRouter } from "../helpers/app-router";

/** The forgot-password form, the reset page's states and the sign-in page's way in, in jsdom. */
const SECRET = "Ab3_-".padEnd(43, "x");

afterEach(() => {
  sessionStorage.clear();
  window.history.replaceState(null, "", "/");
});

test("the sign-in form offers “Forgot password?” and says when a reset is done", () => {
  renderWithRouter(<SignInForm callbackUrl="/settings" notice="Your password was reset." />);
  expect(screen.getByRole("link", { name: "Forgot password?" })).toHaveAttribute("href", "/forgot-password");
  expect(screen.getByRole("status")).toHaveTextContent("Your password was reset.");
});

test("forgot password: a malformed email is named on its field without asking the server; a good one gets the one answer", async () => {
  const asked: (string | null)[] = [];
  const request = async (form: FormData) => {
    asked.push(form.get("email") as string | null);
    return { ok: true as const };
  };
  renderWithRouter(<ForgotPasswordForm request={request} />);
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("Email"), "not an email");
  await user.click(screen.getByRole("button", { name: "Send reset link" }));
  expect(await screen.findByText("Enter an email address like name@example.com.")).toBeInTheDocument();
  expect(asked).toEqual([]);

  await user.clear(screen.getByLabelText("Email"));
  await user.type(screen.getByLabelText("Email"), " Ada@Example.com");
  await user.click(screen.getByRole("button", { name: "Send reset link" }));
  expect(await screen.findByRole("status")).toHaveTextContent(
    "Check your emailIf ada@example.com belongs to an account that signs in with a password, a link to choose a new one is on its way.",
  );
  expect(asked).toEqual(["Ada@Example.com"]); // the server normalises it again
});

test("forgot password: the address limit's message is shown as the server wrote it", async () => {
  renderWithRouter(<ForgotPasswordForm request={async () => ({ ok: false, fieldErrors: {}, message: "Too many reset requests from your network. Try again in 60 minutes." })} />);
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("Email"), "ada@example.com");
  await user.click(screen.getByRole("button", { name: "Send reset link" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("Too many reset requests from your network. Try again in 60 minutes.");
});

test("reset page: the secret is taken from the fragment and removed from the address; a working link asks for the password and signs in afterwards", async () => {
  window.history.replaceState(null, "", `/reset-password#${SECRET}`);
  const inspected: unknown[] = [];
  const submitted: unknown[] = [];
  const { pushed } = renderWithRouter(
    <ResetPasswordForm
      inspect={async (secret) => (inspected.push(secret), { ok: true, email: "ada@example.com" })}
      reset={async (input) => (submitted.push(input), { ok: true })}
    />,
  );
  expect(await screen.findByText(/^For/)).toHaveTextContent("For ada@example.com.");
  expect(inspected).toEqual([SECRET]);
  expect(window.location.pathname + window.location.hash).toBe("/reset-password");
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("New password"), "short");
  await user.type(screen.getByLabelText("Repeat new password"), "short");
  await user.click(screen.getByRole("button", { name: "Set new password" }));
  expect(await screen.findByText("Use at least 10 characters.")).toBeInTheDocument();
  expect(screen.getByLabelText("New password")).toHaveFocus();
  expect(submitted).toEqual([]);

  await user.clear(screen.getByLabelText("New password"));
  await user.clear(screen.getByLabelText("Repeat new password"));
  await user.type(screen.getByLabelText("New password"), "a brand new passphrase");
  await user.type(screen.getByLabelText("Repeat new password"), "a brand new passphrase");
  await user.click(screen.getByRole("button", { name: "Set new password" }));
  await screen.findByRole("button", { name: "Set new password" });
  expect(submitted).toEqual([{ secret: SECRET, newPassword: "a brand new passphrase", confirmPassword: "a brand new passphrase" }]);
  expect(pushed).toEqual(["/signin?reset=done"]);
  expect(sessionStorage.length).toBe(0);
});

test("reset page: a link that no longer works, or none at all, says so and offers a new one", async () => {
  window.history.replaceState(null, "", `/reset-password#${SECRET}`);
  const { unmount } = renderWithRouter(<ResetPasswordForm inspect={async () => ({ ok: false })} reset={async () => ({ ok: true })} />);
  expect(await screen.findByRole("heading", { level: 1, name: "This link no longer works" })).toBeInTheDocument();
  expect(screen.getByRole("link", { name: "Ask for a new link" })).toHaveAttribute("href", "/forgot-password");
  unmount();
  sessionStorage.clear();

  const asked: unknown[] = [];
  renderWithRouter(<ResetPasswordForm inspect={async (s) => (asked.push(s), { ok: true, email: "x@example.com" })} reset={async () => ({ ok: true })} />);
  expect(await screen.findByRole("heading", { level: 1, name: "This link no longer works" })).toBeInTheDocument();
  expect(asked).toEqual([]);
});

test("reset page: a link used up meanwhile turns the form into the “no longer works” page", async () => {
  window.history.replaceState(null, "", `/reset-password#${SECRET}`);
  renderWithRouter(<ResetPasswordForm inspect={async () => ({ ok: true, email: "ada@example.com" })} reset={async () => ({ ok: false, gone: true })} />);
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText("New password"), "a brand new passphrase");
  await user.type(screen.getByLabelText("Repeat new password"), "a brand new passphrase");
  await user.click(screen.getByRole("button", { name: "Set new password" }));
  expect(await screen.findByRole("heading", { level: 1, name: "This link no longer works" })).toBeInTheDocument();
});
