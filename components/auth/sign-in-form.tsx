"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { fieldErrorsOf, type FieldErrors } from "@/lib/errors";
import { signInSchema } from "@/lib/validation/accounts";
import { credentialsSignIn, type CredentialsSignIn, type SignInOutcome } from "./credentials";
import { FormAlert } from "./form-alert";
import { FormField } from "./form-field";
import { signInErrorMessage } from "./sign-in-errors";
import { ProviderButtons } from "./provider-buttons";
import { FORGOT_PASSWORD_PATH } from "@/lib/paths";
import { primaryButton, textLink } from "./styles";

type Props = {
  /** Already checked to be a path on this site (safeCallbackUrl). */
  callbackUrl: string;
  /** Ids of the external providers configured on the server (github, gitlab). */
  providers?: string[];
  /** next-auth's `?error=` code when it sent the visitor back here (a failed external sign-in). */
  errorCode?: string | string[];
  signIn?: CredentialsSignIn;
  /** A success to say above the form (after a password reset). */
  notice?: string;
};

export function SignInForm({ callbackUrl, providers = [], errorCode, signIn = credentialsSignIn, notice }: Props) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState(() => signInErrorMessage(errorCode));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const parsed = signInSchema.safeParse({ email: data.get("email"), password: data.get("password") });
    if (!parsed.success) {
      setFieldErrors(fieldErrorsOf(parsed.error.issues));
      setFormError(undefined);
      return;
    }
    setFieldErrors({});
    setFormError(undefined);
    startTransition(async () => {
      let outcome: SignInOutcome;
      try {
        outcome = await signIn(parsed.data);
      } catch {
        setFormError("Could not reach Tollgate. Check your connection and try again.");
        return;
      }
      if (outcome.ok) {
        router.push(callbackUrl);
        return;
      }
      setFormError(signInErrorMessage(outcome.error));
    });
  }

  return (
    <div className="space-y-6">
      <form onSubmit={submit} noValidate className="space-y-4" aria-label="Sign in">
        {formError ? <FormAlert>{formError}</FormAlert> : null}
        {notice && !formError ? (
          <p role="status" className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">
            {notice}
          </p>
        ) : null}
        <FormField name="email" label="Email" type="email" autoComplete="email" required errors={fieldErrors.email} />
        <FormField
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          errors={fieldErrors.password}
        />
        <p className="text-sm">
          <Link className={textLink} href={FORGOT_PASSWORD_PATH}>
            Forgot password?
          </Link>
        </p>
        <button type="submit" className={primaryButton} disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <ProviderButtons providers={providers} callbackUrl={callbackUrl} />
    </div>
  );
}
