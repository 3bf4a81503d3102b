import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { CredentialsSignIn, SignInOutcome } from "@/components/auth/credentials";
import { SignInForm } from "@/components/auth/sign-in-form";
import { renderWithRouter } from "../helpers/app-router";

/** Stands in for next-auth's signIn: answers `outcome` and remembers what it was asked. */
function recordingSignIn(outcome: SignInOutcome | Error) {
  const calls: Parameters<CredentialsSignIn>[0][] = [];
  const signIn: CredentialsSignIn = async (credentials) => {
    calls.push(credentials);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  };
  return { signIn, calls };
}

async function fillAndSubmit(email: string, password: string) {
  const user = userEvent.setup();
  if (email) await user.type(screen.getByLabelText("Email"), email);
  if (password) await user.type(screen.getByLabelText("Password"), password);
  await user.click(screen.getByRole("button", { name: "Sign in" }));
}

test("a wrong email or password is reported on the form and nothing navigates", async () => {
  const { signIn, calls } = recordingSignIn({ ok: false, error: "CredentialsSignin" });
  const { pushed } = renderWithRouter(<SignInForm callbackUrl="/settings" signIn={signIn} />);

  await fillAndSubmit(" Ada@Example.com", "not my password");

  expect(await screen.findByRole("alert")).toHaveTextContent("Email or password is incorrect.");
  expect(calls).toEqual([{ email: "ada@example.com", password: "not my password" }]);
  expect(pushed).toEqual([]);
});

test("signing in goes to the callback URL", async () => {
  const { signIn } = recordingSignIn({ ok: true });
  const { pushed } = renderWithRouter(<SignInForm callbackUrl="/settings/tokens?q=ci" signIn={signIn} />);

  await fillAndSubmit("ada@example.com", "correct horse battery staple");

  await waitFor(() => expect(pushed).toEqual(["/settings/tokens?q=ci"]));
  expect(screen.queryByRole("alert")).not.toBeInTheDocument();
});

test("empty fields are reported under each field, linked to it, without asking the server", async () => {
  const { signIn, calls } = recordingSignIn({ ok: true });
  renderWithRouter(<SignInForm callbackUrl="/settings" signIn={signIn} />);

  await fillAndSubmit("", "");

  const email = screen.getByLabelText("Email");
  expect(email).toHaveAttribute("aria-invalid", "true");
  expect(email).toHaveAccessibleDescription("Email is required.");
  expect(screen.getByLabelText("Password")).toHaveAccessibleDescription("Password is required.");
  expect(calls).toEqual([]);
});

test("a malformed email is reported on the email field only", async () => {
  const { signIn, calls } = recordingSignIn({ ok: true });
  renderWithRouter(<SignInForm callbackUrl="/settings" signIn={signIn} />);

  await fillAndSubmit("ada.example.com", "secret secret");

  expect(screen.getByLabelText("Email")).toHaveAccessibleDescription("Enter an email address like name@example.com.");
  expect(screen.getByLabelText("Password")).not.toHaveAttribute("aria-invalid");
  expect(calls).toEqual([]);
});

test("a server that cannot be reached is reported as such, not as a wrong password", async () => {
  const { signIn } = recordingSignIn(new TypeError("Failed to fetch"));
  const { pushed } = renderWithRouter(<SignInForm callbackUrl="/settings" signIn={signIn} />);

  await fillAndSubmit("ada@example.com", "correct horse battery staple");

  expect(await screen.findByRole("alert")).toHaveTextContent("Could not reach Tollgate.");
  expect(pushed).toEqual([]);
});

test("an error code in the URL from a failed external sign-in is explained; unknown codes are not echoed", () => {
  const { signIn } = recordingSignIn({ ok: true });
  const { unmount } = renderWithRouter(<SignInForm callbackUrl="/settings" signIn={signIn} errorCode="EmailRequired" />);
  expect(screen.getByRole("alert")).toHaveTextContent("That account has no verified email address we can use.");
  unmount();

  renderWithRouter(<SignInForm callbackUrl="/settings" signIn={signIn} errorCode="<b>Your account is locked, call 555-0100</b>" />);
  const alert = screen.getByRole("alert");
  expect(alert).toHaveTextContent("Signing in did not work. Try again in a moment.");
  expect(alert).not.toHaveTextContent("555-0100");
});

test("external providers get a button each only when configured", () => {
  const { signIn } = recordingSignIn({ ok: true });
  const { unmount } = renderWithRouter(<SignInForm callbackUrl="/settings" signIn={signIn} />);
  expect(screen.queryByRole("button", { name: /Continue with/ })).not.toBeInTheDocument();
  unmount();

  renderWithRouter(<SignInForm callbackUrl="/settings" signIn={signIn} providers={["github", "gitlab"]} />);
  expect(screen.getAllByRole("button", { name: /Continue with/ }).map((b) => b.textContent)).toEqual([
    "Continue with GitHub",
    "Continue with GitLab",
  ]);
});
