import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { CredentialsSignIn, SignInOutcome } from "@/components/auth/credentials";
import { SignUpForm, type SignUpResult } from "@/components/auth/sign-up-form";
import { renderWithRouter } from "../helpers/app-router";

/** Stands in for the server action: answers `result` and remembers the forms it was sent. */
function recordingAction(result: SignUpResult | Error) {
  const sent: Record<string, FormDataEntryValue>[] = [];
  const signUp = async (form: FormData): Promise<SignUpResult> => {
    sent.push(Object.fromEntries(form));
    if (result instanceof Error) throw result;
    return result;
  };
  return { signUp, sent };
}

function recordingSignIn(outcome: SignInOutcome) {
  const calls: Parameters<CredentialsSignIn>[0][] = [];
  const signIn: CredentialsSignIn = async (credentials) => {
    calls.push(credentials);
    return outcome;
  };
  return { signIn, calls };
}

async function fillAndSubmit(fields: { name?: string; email?: string; password?: string }) {
  const user = userEvent.setup();
  if (fields.name) await user.type(screen.getByLabelText("Name"), fields.name);
  if (fields.email) await user.type(screen.getByLabelText("Email"), fields.email);
  if (fields.password) await user.type(screen.getByLabelText("Password"), fields.password);
  await user.click(screen.getByRole("button", { name: "Create account" }));
}

const ADA = { name: "Ada Lovelace", email: "Ada@Example.com", password: "correct horse battery staple" };

test("the server's field errors appear under their fields, which keep what was typed", async () => {
  const { signUp, sent } = recordingAction({
    ok: false,
    fieldErrors: { email: ["An account with this email already exists. Sign in instead."] },
  });
  const { signIn, calls } = recordingSignIn({ ok: true });
  const { pushed } = renderWithRouter(<SignUpForm signUp={signUp} signIn={signIn} callbackUrl="/settings/tokens" />);

  await fillAndSubmit(ADA);

  const email = screen.getByLabelText("Email");
  await waitFor(() => expect(email).toHaveAttribute("aria-invalid", "true"));
  expect(email).toHaveAccessibleDescription("An account with this email already exists. Sign in instead.");
  expect(email).toHaveValue("Ada@Example.com");
  expect(screen.getByLabelText("Name")).not.toHaveAttribute("aria-invalid");
  expect(sent).toEqual([ADA]);
  expect(calls).toEqual([]);
  expect(pushed).toEqual([]);
});

test("a new account is signed in with the same email and password and sent to the callback URL", async () => {
  const { signUp } = recordingAction({ ok: true });
  const { signIn, calls } = recordingSignIn({ ok: true });
  const { pushed } = renderWithRouter(<SignUpForm signUp={signUp} signIn={signIn} callbackUrl="/settings" />);

  await fillAndSubmit(ADA);

  await waitFor(() => expect(pushed).toEqual(["/settings"]));
  expect(calls).toEqual([{ email: "ada@example.com", password: ADA.password }]);
});

test("a password shorter than the minimum is caught before anything is sent; the rule is said once, before and after", async () => {
  const { signUp, sent } = recordingAction({ ok: true });
  const { signIn } = recordingSignIn({ ok: true });
  renderWithRouter(<SignUpForm signUp={signUp} signIn={signIn} callbackUrl="/settings" />);
  const form = screen.getByRole("form", { name: "Sign up" });
  const timesTheRuleIsShown = () => form.textContent!.match(/at least 10 characters/gi)?.length ?? 0;

  const password = screen.getByLabelText("Password");
  expect(password).toHaveAccessibleDescription("At least 10 characters.");
  expect(timesTheRuleIsShown()).toBe(1);

  await fillAndSubmit({ ...ADA, password: "short" });

  expect(password).toHaveAttribute("aria-invalid", "true");
  expect(password).toHaveAccessibleDescription("Use at least 10 characters.");
  expect(timesTheRuleIsShown()).toBe(1);
  expect(sent).toEqual([]);

  // Once the password is long enough the error goes and the hint is back.
  await userEvent.setup().type(password, " and longer");
  await userEvent.setup().click(screen.getByRole("button", { name: "Create account" }));
  await waitFor(() => expect(sent).toHaveLength(1));
  expect(password).toHaveAccessibleDescription("At least 10 characters.");
  expect(timesTheRuleIsShown()).toBe(1);
});

test("every empty field is reported at once", async () => {
  const { signUp, sent } = recordingAction({ ok: true });
  renderWithRouter(<SignUpForm signUp={signUp} callbackUrl="/settings" />);

  await fillAndSubmit({});

  expect(screen.getByLabelText("Name")).toHaveAccessibleDescription("Name is required.");
  expect(screen.getByLabelText("Email")).toHaveAccessibleDescription("Email is required.");
  expect(screen.getByLabelText("Password")).toHaveAttribute("aria-invalid", "true");
  expect(sent).toEqual([]);
});

test("an unexpected server failure is shown as a message for the whole form", async () => {
  const { signUp } = recordingAction({ ok: false, fieldErrors: {}, message: "Your account could not be created. Try again in a moment." });
  const { pushed } = renderWithRouter(<SignUpForm signUp={signUp} callbackUrl="/settings" />);

  await fillAndSubmit(ADA);

  expect(await screen.findByRole("alert")).toHaveTextContent("Your account could not be created. Try again in a moment.");
  expect(pushed).toEqual([]);
});

test("if signing in after sign-up fails, the form says the account exists and links to sign in", async () => {
  const { signUp } = recordingAction({ ok: true });
  const { signIn } = recordingSignIn({ ok: false, error: "Configuration" });
  const { pushed } = renderWithRouter(<SignUpForm signUp={signUp} signIn={signIn} callbackUrl="/settings/tokens?q=ci" />);

  await fillAndSubmit(ADA);

  const alert = await screen.findByRole("alert");
  expect(alert).toHaveTextContent("Your account was created, but signing you in did not work.");
  expect(screen.getByRole("link", { name: "Sign in" })).toHaveAttribute(
    "href",
    "/signin?callbackUrl=%2Fsettings%2Ftokens%3Fq%3Dci",
  );
  expect(pushed).toEqual([]);
});
