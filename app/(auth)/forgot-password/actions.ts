"use server";

import { headers } from "next/headers";
import { clientOf } from "@/lib/client";
import { TooManyAttemptsError, ValidationError, type FieldErrors } from "@/lib/errors";
import { requestPasswordResetWithLimits } from "@/lib/users/attempt-limits";

/** The form's own shape, like sign-up's: nobody is signed in. `ok` says nothing about whether a link was sent. */
export type ForgotPasswordResult = { ok: true } | { ok: false; fieldErrors: FieldErrors; message?: string };

export async function forgotPasswordAction(form: FormData): Promise<ForgotPasswordResult> {
  try {
    requestPasswordResetWithLimits({ email: form.get("email") }, clientOf(await headers()));
    return { ok: true };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, fieldErrors: error.fieldErrors };
    if (error instanceof TooManyAttemptsError) return { ok: false, fieldErrors: {}, message: error.message };
    console.error("Password reset request failed:", error);
    return { ok: false, fieldErrors: {}, message: "Your request could not be sent. Try again in a moment." };
  }
}
