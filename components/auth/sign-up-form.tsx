"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { fieldErrorsOf, type FieldErrors } from "@/lib/errors";
import { PASSWORD_MIN, signUpSchema } from "@/lib/validation/accounts";
import { credentialsSignIn, type CredentialsSignIn } from "./credentials";
import { FormAlert } from "./form-alert";
import { FormField } from "./form-field";
import { primaryButton, textLink } from "./styles";

/** What the sign-up server action answers: the server's per-field errors, or success. */
import type { SignUpResult } from "@/app/(auth)/signup/actions";

export type { SignUpResult };

type Props = {
  /** The server action that creates the account (validates again; the browser's check is only a convenience). */
  signUp: (form: FormData) => Promise<SignUpResult>;
  /** Already checked to be a path on this site (safeCallbackUrl). */
  callbackUrl: string;
  signIn?: CredentialsSignIn;
};

export function SignUpForm({ signUp, callbackUrl, signIn = credentialsSignIn }: Props) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<React.ReactNode>();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const parsed = signUpSchema.safeParse(Object.fromEntries(data));
    if (!parsed.success) {
      setFieldErrors(fieldErrorsOf(parsed.error.issues));
      setFormError(undefined);
      return;
    }
    setFieldErrors({});
    setFormError(undefined);
    startTransition(async () => {
      let result: SignUpResult;
      try {
        result = await signUp(data);
      } catch {
        setFormError("Could not reach Tollgate. Check your connection and try again.");
        return;
      }
      if (!result.ok) {
        setFieldErrors(result.fieldErrors);
        if (result.message) setFormError(result.message);
        return;
      }
      const signedIn = await signIn({ email: parsed.data.email, password: parsed.data.password }).catch(() => null);
      if (signedIn?.ok) {
        router.push(callbackUrl);
        return;
      }
      setFormError(
        <>
          Your account was created, but signing you in did not work.{" "}
          <Link className={textLink} href={`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
            Sign in
          </Link>
        </>,
      );
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Sign up">
      {formError ? <FormAlert>{formError}</FormAlert> : null}
      <FormField name="name" label="Name" autoComplete="name" required maxLength={100} errors={fieldErrors.name} />
      <FormField name="email" label="Email" type="email" autoComplete="email" required errors={fieldErrors.email} />
      <FormField
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN}
        // The rule is said once: an error about the password replaces it (the short one restates it).
        hint={fieldErrors.password?.length ? undefined : `At least ${PASSWORD_MIN} characters.`}
        errors={fieldErrors.password}
      />
      <button type="submit" className={primaryButton} disabled={pending}>
        {pending ? "Creating your account…" : "Create account"}
      </button>
    </form>
  );
}
