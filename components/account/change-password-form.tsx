"use client";

import { useRef, useState, useTransition, type FormEvent } from "react";
import { toast } from "sonner";
import { FormAlert } from "@/components/auth/form-alert";
import { FormField } from "@/components/auth/form-field";
import { Button } from "@/components/ui/button";
import { fieldErrorsOf, type FieldErrors } from "@/lib/errors";
import { PASSWORD_MIN, changePasswordSchema } from "@/lib/validation/accounts";
import type { AccountActionResult } from "./types";

/**
 * Current password, new password twice. The server checks again (and counts a wrong current
 * password against the sign-in limit); success signs out every other session and keeps this one.
 */
export function ChangePasswordForm({ changePassword }: { changePassword: (input: unknown) => Promise<AccountActionResult> }) {
  const form = useRef<HTMLFormElement>(null);
  const [pending, startTransition] = useTransition();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();

  function focusFirstError(errors: FieldErrors) {
    const first = ["currentPassword", "newPassword", "confirmPassword"].find((name) => errors[name]?.length);
    if (first) form.current?.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = Object.fromEntries(new FormData(event.currentTarget));
    const parsed = changePasswordSchema.safeParse(input);
    setFormError(undefined);
    if (!parsed.success) {
      const errors = fieldErrorsOf(parsed.error.issues);
      setFieldErrors(errors);
      focusFirstError(errors);
      return;
    }
    setFieldErrors({});
    startTransition(async () => {
      let result: AccountActionResult;
      try {
        result = await changePassword(parsed.data);
      } catch {
        setFormError("Could not reach Tollgate. Check your connection and try again.");
        return;
      }
      if (!result.ok) {
        setFieldErrors(result.fieldErrors ?? {});
        if (result.fieldErrors) focusFirstError(result.fieldErrors);
        else setFormError(result.error);
        return;
      }
      form.current?.reset();
      toast.success("Password changed. Every other session has been signed out.");
    });
  }

  return (
    <form ref={form} onSubmit={submit} noValidate className="max-w-sm space-y-4" aria-label="Change password">
      {formError ? <FormAlert>{formError}</FormAlert> : null}
      <FormField
        name="currentPassword"
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        errors={fieldErrors.currentPassword}
      />
      <FormField
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        hint={`At least ${PASSWORD_MIN} characters.`}
        errors={fieldErrors.newPassword}
      />
      <FormField
        name="confirmPassword"
        label="Repeat new password"
        type="password"
        autoComplete="new-password"
        required
        errors={fieldErrors.confirmPassword}
      />
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
