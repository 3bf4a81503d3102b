import { signIn } from "next-auth/react";

export type SignInOutcome = { ok: true } | { ok: false; error: string };
/** Signs in with email and password without leaving the page; the forms take it as a prop so tests can pass their own. */
export type CredentialsSignIn = (credentials: { email: string; password: string }) => Promise<SignInOutcome>;

export const credentialsSignIn: CredentialsSignIn = async ({ email, password }) => {
  const result = await signIn("credentials", { email, password, redirect: false });
  if (result?.ok && !result.error) return { ok: true };
  return { ok: false, error: result?.error ?? "Unknown" };
};
