"use client";

import { useRef, useState, useTransition, type FormEvent } from "react";
import type { ForgotPasswordResult } from "@/app/(auth)/forgot-password/actions";
import { fieldErrorsOf, type FieldErrors } from "@/lib/errors";
import { forgotPasswordSchema } from "@/lib/validation/accounts";
import { FormAlert } from "./form-alert";
import { FormField } from "./form-field";
import { primaryButton } from "./styles";

/**
 * Asks for the email and answers with the same words whether or not it has an account (the server
 * answers the same too). Only a malformed email or too many requests are told apart.
 */
export function ForgotPasswordForm({ request }: { request: (form: FormData) => Promise<ForgotPasswordResult> }) {
  const [pending, startTransition] = useTransition();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [sentTo, setSentTo] = useState<string>();
  const done = useRef<HTMLDivElement>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const parsed = forgotPasswordSchema.safeParse({ email: data.get("email") });
    setFormError(undefined);
    if (!parsed.success) {
      setFieldErrors(fieldErrorsOf(parsed.error.issues));
      event.currentTarget.querySelector<HTMLInputElement>('[name="email"]')?.focus();
      return;
    }
    setFieldErrors({});
    startTransition(async () => {
      let result: ForgotPasswordResult;
      try {
        result = await request(data);
      } catch {
        setFormError("Could not reach Tollgate. Check your connection and try again.");
        return;
      }
      if (!result.ok) {
        setFieldErrors(result.fieldErrors);
        if (result.message) setFormError(result.message);
        return;
      }
      setSentTo(parsed.data.email);
      requestAnimationFrame(() => done.current?.focus());
    });
  }

  if (sentTo) {
    return (
      <div ref={done} tabIndex={-1} role="status" className="space-y-3 text-sm text-gray-800 focus:outline-none">
        <p className="font-semibold">Check your email</p>
        <p>
          If <span className="break-all font-medium">{sentTo}</span> belongs to an account that signs in with a password, a link to choose a new one
          is on its way. It works once, for one hour.
        </p>
        <p className="text-gray-600">Nothing after a few minutes? Check your spam folder, or ask again.</p>
      </div>
    );
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Reset your password">
      {formError ? <FormAlert>{formError}</FormAlert> : null}
      <p className="text-sm text-gray-700">Enter the email you sign in with, and we will mail you a link to choose a new password.</p>
      <FormField name="email" label="Email" type="email" autoComplete="email" required errors={fieldErrors.email} />
      <button type="submit" className={primaryButton} disabled={pending}>
        {pending ? "Sending…" : "Send reset link"}
      </button>
    </form>
  );
}
