"use server";

import type { SignUpResult } from "@/components/auth/sign-up-form";
import { ValidationError } from "@/lib/errors";
import { signUp } from "@/lib/users/service";

/** Creates the account; the form then signs in with the same credentials (next-auth owns the session cookie). */
export async function signUpAction(form: FormData): Promise<SignUpResult> {
  try {
    await signUp({ name: form.get("name"), email: form.get("email"), password: form.get("password") });
    return { ok: true };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, fieldErrors: error.fieldErrors };
    console.error("Sign-up failed:", error);
    return { ok: false, fieldErrors: {}, message: "Your account could not be created. Try again in a moment." };
  }
}
