"use server";

import { headers } from "next/headers";
import { clientOf } from "@/lib/client";
import { ValidationError, type FieldErrors } from "@/lib/errors";
import { completePasswordReset } from "@/lib/users/attempt-limits";
import { inspectResetLink } from "@/lib/users/password-reset";

/** The link is taken from the page's fragment by the form, so these get it as an argument. */
export type ResetLinkState = { ok: true; email: string } | { ok: false };
export type ResetPasswordResult = { ok: true } | { ok: false; gone?: true; fieldErrors?: FieldErrors; message?: string };

export async function inspectResetLinkAction(secret: unknown): Promise<ResetLinkState> {
  try {
    const link = await inspectResetLink(secret);
    return link ? { ok: true, email: link.email } : { ok: false };
  } catch (error) {
    console.error("Could not check a password reset link:", error);
    throw new Error("The link could not be checked.");
  }
}

export async function resetPasswordAction(input: unknown): Promise<ResetPasswordResult> {
  try {
    const done = await completePasswordReset(input, clientOf(await headers()));
    return done ? { ok: true } : { ok: false, gone: true };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, fieldErrors: error.fieldErrors };
    console.error("Password reset failed:", error);
    return { ok: false, message: "Your password could not be reset. Try again in a moment." };
  }
}
