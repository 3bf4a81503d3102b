"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition, type FormEvent } from "react";
import type { ResetLinkState, ResetPasswordResult } from "@/app/(auth)/reset-password/actions";
import { fieldErrorsOf, type FieldErrors } from "@/lib/errors";
import { FORGOT_PASSWORD_PATH, SIGN_IN_AFTER_RESET_PATH } from "@/lib/paths";
import { PASSWORD_MIN, resetPasswordSchema } from "@/lib/validation/accounts";
import { AuthCard } from "./auth-card";
import { FormAlert } from "./form-alert";
import { FormField } from "./form-field";
import { primaryButton, textLink } from "./styles";

type Props = {
  inspect: (secret: unknown) => Promise<ResetLinkState>;
  reset: (input: unknown) => Promise<ResetPasswordResult>;
};

// The secret leaves the address bar (and so the history) at once; this tab keeps it for a reload.
const KEPT = "tollgate.reset-link";

function takeSecret(): string | null {
  const fromLink = window.location.hash.slice(1);
  if (fromLink) {
    sessionStorage.setItem(KEPT, fromLink);
    window.history.replaceState(window.history.state, "", window.location.pathname);
    return fromLink;
  }
  return sessionStorage.getItem(KEPT);
}

type State = { kind: "checking" } | { kind: "gone" } | { kind: "unreachable" } | { kind: "ready"; secret: string; email: string };

/** The reset link's page: checks the link, then asks for the new password twice; a dead link says so and offers a new one. */
export function ResetPasswordForm({ inspect, reset }: Props) {
  const router = useRouter();
  const [state, setState] = useState<State>({ kind: "checking" });
  const [pending, startTransition] = useTransition();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    const secret = takeSecret();
    const link: Promise<ResetLinkState> = secret ? inspect(secret) : Promise.resolve({ ok: false });
    link.then(
      (found) => setState(found.ok && secret ? { kind: "ready", secret, email: found.email } : { kind: "gone" }),
      () => setState({ kind: "unreachable" }),
    );
  }, [inspect]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (state.kind !== "ready") return;
    const data = new FormData(event.currentTarget);
    const input = { secret: state.secret, newPassword: data.get("newPassword"), confirmPassword: data.get("confirmPassword") };
    const parsed = resetPasswordSchema.safeParse(input);
    setFormError(undefined);
    const focusFirst = (errors: FieldErrors) => {
      const first = ["newPassword", "confirmPassword"].find((name) => errors[name]?.length);
      if (first) form.current?.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
    };
    if (!parsed.success) {
      const errors = fieldErrorsOf(parsed.error.issues);
      setFieldErrors(errors);
      focusFirst(errors);
      return;
    }
    setFieldErrors({});
    startTransition(async () => {
      let result: ResetPasswordResult;
      try {
        result = await reset(parsed.data);
      } catch {
        setFormError("Could not reach Tollgate. Check your connection and try again.");
        return;
      }
      if (result.ok || result.gone) sessionStorage.removeItem(KEPT);
      if (result.ok) {
        router.push(SIGN_IN_AFTER_RESET_PATH);
        return;
      }
      if (result.gone) {
        setState({ kind: "gone" });
        return;
      }
      if (result.fieldErrors) {
        setFieldErrors(result.fieldErrors);
        focusFirst(result.fieldErrors);
      }
      if (result.message) setFormError(result.message);
    });
  }

  const askAgain = (
    <>
      Need a new link?{" "}
      <Link className={textLink} href={FORGOT_PASSWORD_PATH}>
        Ask for one
      </Link>
    </>
  );

  if (state.kind === "gone" || state.kind === "unreachable") {
    return (
      <AuthCard title={state.kind === "gone" ? "This link no longer works" : "Could not check this link"} footer={askAgain}>
        <div className="space-y-3 text-sm text-gray-800">
          {state.kind === "gone" ? (
            <>
              <p>A reset link works once, for one hour, and setting a new password ends every other link sent before.</p>
              <p>
                <Link className={textLink} href={FORGOT_PASSWORD_PATH}>
                  Ask for a new link
                </Link>{" "}
                to reset your password.
              </p>
            </>
          ) : (
            <p>Tollgate could not be reached. Check your connection and reload this page.</p>
          )}
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Choose a new password" footer={askAgain}>
      {state.kind === "checking" ? (
        <p role="status" className="text-sm text-gray-700">
          Checking your link…
        </p>
      ) : (
        <form ref={form} onSubmit={submit} noValidate className="space-y-4" aria-label="Choose a new password">
          {formError ? <FormAlert>{formError}</FormAlert> : null}
          <p className="text-sm text-gray-700">
            For <span className="break-all font-medium">{state.email}</span>. Every session of this account is signed out once the new password is set.
          </p>
          {/* For password managers: the account whose password this is. */}
          <input type="email" name="username" autoComplete="username" value={state.email} readOnly hidden />
          <FormField
            name="newPassword"
            label="New password"
            type="password"
            autoComplete="new-password"
            required
            hint={`At least ${PASSWORD_MIN} characters.`}
            errors={fieldErrors.newPassword}
          />
          <FormField name="confirmPassword" label="Repeat new password" type="password" autoComplete="new-password" required errors={fieldErrors.confirmPassword} />
          <button type="submit" className={primaryButton} disabled={pending}>
            {pending ? "Setting…" : "Set new password"}
          </button>
        </form>
      )}
    </AuthCard>
  );
}
