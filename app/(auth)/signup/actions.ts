"use server";

import { headers } from "next/headers";
import { clientOf } from "@/lib/client";
import { TooManyAttemptsError, ValidationError, type FieldErrors } from "@/lib/errors";
import { signUpWithLimits } from "@/lib/users/attempt-limits";

/**
 * The form's own shape (field errors always present), and no one is signed in yet: so not the
 * shared skeleton of lib/actions/server-action.ts.
 */
export type SignUpResult = { ok: true } | { ok: false; fieldErrors: FieldErrors; message?: string };

/** Creates the account; the form then signs in with the same credentials (next-auth owns the session cookie). */
export async function signUpAction(form: FormData): Promise<SignUpResult> {
  try {
    const client = clientOf(await headers());
    await signUpWithLimits({ name: form.get("name"), email: form.get("email"), password: form.get("password") }, client.key);
    return { ok: true };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, fieldErrors: error.fieldErrors };
    if (error instanceof TooManyAttemptsError) return { ok: false, fieldErrors: {}, message: error.message };
    console.error("Sign-up failed:", error);
    return { ok: false, fieldErrors: {}, message: "Your account could not be created. Try again in a moment." };
  }
}
