"use client";

import clsx from "clsx";
import { useId, useState, useTransition, type ReactNode } from "react";
import type { FieldErrors } from "@/lib/errors";
import { TOKEN_DESCRIPTION_MAX, TOKEN_NAME_MAX } from "@/lib/validation/tokens";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogClose, DialogContent, focusInstead } from "@/components/ui/dialog";
import { FieldError } from "@/components/ui/field-error";
import { RefreshIcon } from "@/components/ui/icons";
import { callAction } from "./call-action";
import { newGuid } from "./guid";
import { ExpiryPicker } from "./expiry-picker";
import { inputClasses, invalidity } from "./field-styles";
import {
  NO_TOKEN_POLICIES,
  expiryChoicesWithin,
  initialValues,
  latestEnd,
  lifetimeNote,
  payloadOf,
  problemsOf,
  toLocalInput,
  type TokenFormValues,
  type TokenPolicies,
} from "./token-form-values";
import type { ActionResult, ScopeOption, Token } from "./types";

type Field = keyof TokenFormValues;
const FIELDS: readonly string[] = ["guid", "name", "description", "scopes", "validFrom", "validTo"] satisfies Field[];

/** The server refuses any change to a revoked token's window, so the dialog does not offer one. */
const REVOKED_WINDOW = "This token is revoked: its validity cannot change. Create a new token if access is needed again.";

type Props<R extends ActionResult> = {
  /** Absent: create a new token. Present: edit this one. */
  token?: Token;
  /** A new token's fields to start from instead of blank ones ("Create a similar token"). */
  template?: TokenFormValues | null;
  scopes: ScopeOption[];
  /** The administrators' limits the dialog offers within (none when absent). */
  policies?: TokenPolicies;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  submit: (payload: Record<string, unknown>) => Promise<R>;
  onSaved: (result: Extract<R, { ok: true }>) => void;
  /** Where focus goes when the dialog closes. */
  returnFocusTo?: () => HTMLElement | null;
};

/** The create and edit dialog. Its form mounts when the dialog opens, so Cancel (or closing) discards every change. */
export function TokenFormDialog<R extends ActionResult>({ token, open, onOpenChange, returnFocusTo, ...formProps }: Props<R>) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent
        title={token ? "Edit token" : "New API token"}
        description={
          token
            ? "Change the name, description, scopes or validity window. The secret stays the same."
            : "A program uses the token's secret to call the Tollgate API as you, with the scopes you choose."
        }
        className="sm:max-w-xl"
        onCloseAutoFocus={(event) => focusInstead(event, returnFocusTo)}
      >
        <TokenForm token={token} {...formProps} />
      </DialogContent>
    </Dialog>
  );
}

function TokenForm<R extends ActionResult>({
  token,
  template,
  scopes,
  policies = NO_TOKEN_POLICIES,
  submit,
  onSaved,
}: Omit<Props<R>, "open" | "onOpenChange" | "returnFocusTo">) {
  const id = useId();
  const [values, setValues] = useState<TokenFormValues>(() => (!token && template) || initialValues(token, policies));
  const [touched, setTouched] = useState<ReadonlySet<Field>>(new Set());
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState("");
  const [pending, startTransition] = useTransition();
  // Pickers refuse times before the dialog opened; the server allows a minute's grace for that.
  const [earliest] = useState(() => toLocalInput(new Date()));

  const now = new Date();
  const revoked = Boolean(token?.revokedAt);
  const payload = withoutWindowIf(revoked, payloadOf(values, now, token));
  const problems = problemsOf(payload, now, token, policies);
  // Presets count from the start, or from now for a token already valid: the policy's latest end counts the same way.
  const typedFrom = values.validFrom ? new Date(values.validFrom) : null;
  const start = typedFrom && !Number.isNaN(typedFrom.getTime()) ? typedFrom : token && !values.validFrom ? new Date(token.validFrom) : null;
  const presetStart = start && start > now ? start : now;
  const latest = latestEnd(policies, start, now);
  // The token's own "No expiry" stays listed for an edit: one that leaves the window as it is is allowed.
  const stored = token ? initialValues(token).expiry : undefined;
  const valid = Object.keys(problems).length === 0;

  function change<F extends Field>(field: F, value: TokenFormValues[F]) {
    setValues((v) => ({ ...v, [field]: value }));
    touch(field);
    setServerErrors(({ [field]: _answered, ...rest }) => rest);
  }
  function touch(field: Field) {
    setTouched((t) => (t.has(field) ? t : new Set(t).add(field)));
  }

  /** Dates are checked as soon as one is picked; the rest once the person has been in the field. */
  function errorsFor(field: Field): string[] | undefined {
    const shown = touched.has(field) || field === "validFrom" || field === "validTo";
    return (shown ? problems[field] : undefined) ?? serverErrors[field];
  }

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!valid || pending) return;
    setFormError("");
    startTransition(async () => {
      const result = await callAction(() => submit(payload));
      if (result.ok) {
        onSaved(result as Extract<R, { ok: true }>);
        return;
      }
      const fieldErrors = result.fieldErrors ?? {};
      setServerErrors(fieldErrors);
      setTouched(new Set(FIELDS as Field[]));
      const elsewhere = Object.entries(fieldErrors)
        .filter(([field]) => !FIELDS.includes(field))
        .flatMap(([, messages]) => messages);
      setFormError([result.error, ...elsewhere].join(" "));
    });
  }

  const missing = [!values.name.trim() && "a name", values.scopes.length === 0 && "at least one scope"].filter(Boolean);
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      {formError ? <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{formError}</p> : null}

      <Row label="Name" htmlFor={`${id}-name`} required>
        <input
          id={`${id}-name`}
          type="text"
          value={values.name}
          onChange={(e) => change("name", e.target.value)}
          // Leaving the field untouched and empty is not an error yet (the footer says what is missing),
          // and an error appearing on the way to Cancel would move Cancel from under the pointer.
          onBlur={() => values.name && touch("name")}
          maxLength={TOKEN_NAME_MAX}
          required
          aria-required="true"
          autoComplete="off"
          placeholder="e.g. CI deploy, Mobile app"
          {...invalidity(`${id}-name`, errorsFor("name"))}
          className={inputClasses(errorsFor("name"))}
        />
        <FieldError id={`${id}-name-error`} messages={errorsFor("name")} />
      </Row>

      <Row label="GUID" htmlFor={`${id}-guid`}>
        <div className="flex gap-2">
          <input
            id={`${id}-guid`}
            type="text"
            value={values.guid}
            readOnly
            aria-describedby={`${id}-guid-hint ${id}-guid-error`}
            aria-invalid={errorsFor("guid") ? true : undefined}
            className={clsx(inputClasses(errorsFor("guid")), "bg-gray-50 font-mono text-xs")}
          />
          <CopyButton value={values.guid} label="Copy GUID" iconOnly className="size-9! border border-gray-300 bg-white" />
          {token ? null : (
            <button
              type="button"
              onClick={() => change("guid", newGuid())}
              aria-label="Regenerate GUID"
              title="Regenerate GUID"
              className="inline-flex size-9 shrink-0 items-center justify-center rounded-md border border-gray-300 bg-white text-gray-700 hover:bg-gray-50 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-brand-600"
            >
              <RefreshIcon />
            </button>
          )}
        </div>
        <p id={`${id}-guid-hint`} className="mt-1 text-xs text-gray-600">
          {token ? "The public identifier of this token; it never changes." : "The token's public identifier, used in API paths. It is not secret."}
        </p>
        <FieldError id={`${id}-guid-error`} messages={errorsFor("guid")} />
      </Row>

      <Row label="Description" htmlFor={`${id}-description`} optional>
        <textarea
          id={`${id}-description`}
          value={values.description}
          onChange={(e) => change("description", e.target.value)}
          onBlur={() => touch("description")}
          maxLength={TOKEN_DESCRIPTION_MAX}
          rows={2}
          placeholder="What uses this token?"
          {...invalidity(`${id}-description`, errorsFor("description"))}
          className={inputClasses(errorsFor("description"))}
        />
        <FieldError id={`${id}-description-error`} messages={errorsFor("description")} />
      </Row>

      <fieldset aria-describedby={`${id}-scopes-error`}>
        <legend className="text-sm font-medium text-gray-900">
          Scopes <RequiredMark />
        </legend>
        <p className="text-xs text-gray-600">What programs using this token may do. Choose at least one.</p>
        {scopes.length === 0 ? (
          <p className="mt-2 text-sm text-gray-700">You hold no scopes, so no token can be given any. Ask an administrator for access.</p>
        ) : (
          <ul className="mt-2 space-y-1 rounded-md border border-gray-200 p-2">
            {scopes.map((scope) => {
              const checkboxId = `${id}-scope-${scope.name}`;
              return (
                <li key={scope.name} className="flex items-start gap-2 rounded px-1 py-1 hover:bg-gray-50">
                  <input
                    id={checkboxId}
                    type="checkbox"
                    checked={values.scopes.includes(scope.name)}
                    onChange={(e) =>
                      change("scopes", e.target.checked ? [...values.scopes, scope.name] : values.scopes.filter((s) => s !== scope.name))
                    }
                    aria-describedby={`${checkboxId}-description`}
                    aria-invalid={errorsFor("scopes") ? true : undefined}
                    className="mt-0.5 size-4 rounded border-gray-400 accent-brand-600"
                  />
                  <label htmlFor={checkboxId} className="text-sm">
                    <span className="font-mono text-gray-900">{scope.name}</span>
                    <span id={`${checkboxId}-description`} className="block text-xs text-gray-600">
                      {scope.description}
                    </span>
                  </label>
                </li>
              );
            })}
          </ul>
        )}
        <FieldError id={`${id}-scopes-error`} messages={errorsFor("scopes")} />
      </fieldset>

      {revoked ? (
        <p className="rounded-md border border-gray-200 bg-gray-50 px-3 py-2 text-sm text-gray-700">{REVOKED_WINDOW}</p>
      ) : (
        <>
          <div className="grid gap-4 sm:grid-cols-2">
            <Row label="Valid from" htmlFor={`${id}-validFrom`} optional>
              <input
                id={`${id}-validFrom`}
                type="datetime-local"
                value={values.validFrom}
                min={earliest}
                onChange={(e) => change("validFrom", e.target.value)}
                {...invalidity(`${id}-validFrom`, errorsFor("validFrom"), `${id}-validFrom-hint`)}
                className={inputClasses(errorsFor("validFrom"))}
              />
              <p id={`${id}-validFrom-hint`} className="mt-1 text-xs text-gray-600">
                {token ? "Leave empty to keep the current start." : "Leave empty to start now."}
              </p>
              <FieldError id={`${id}-validFrom-error`} messages={errorsFor("validFrom")} />
            </Row>
            <ExpiryPicker
              choice={values.expiry}
              onChoice={(expiry) => change("expiry", expiry)}
              custom={values.validTo}
              onCustom={(validTo) => change("validTo", validTo)}
              min={values.validFrom && values.validFrom > earliest ? values.validFrom : earliest}
              end={typeof payload.validTo === "string" ? payload.validTo : null}
              errors={errorsFor("validTo")}
              choices={expiryChoicesWithin(latest, presetStart, stored)}
              latest={latest}
              note={policies.maxTokenLifetimeDays !== null ? lifetimeNote(policies.maxTokenLifetimeDays) : undefined}
            />
          </div>
          <p className="-mt-2 text-xs text-gray-600">Times are in your time zone ({timeZone}).</p>
        </>
      )}

      <div className="flex flex-col-reverse gap-2 border-t border-gray-200 pt-4 sm:flex-row sm:items-center sm:justify-end">
        {missing.length ? <p className="text-xs text-gray-600 sm:mr-auto">To save, enter {missing.join(" and ")}.</p> : null}
        <DialogClose asChild>
          <Button disabled={pending}>Cancel</Button>
        </DialogClose>
        <Button type="submit" variant="primary" disabled={!valid || pending}>
          {pending ? "Saving…" : token ? "Save changes" : "Create token"}
        </Button>
      </div>
    </form>
  );
}

function withoutWindowIf(revoked: boolean, payload: Record<string, unknown>): Record<string, unknown> {
  if (!revoked) return payload;
  const { validFrom: _from, validTo: _to, ...rest } = payload;
  return rest;
}

function RequiredMark() {
  return (
    <span className="text-red-700" aria-hidden="true">
      *
    </span>
  );
}

function Row({ label, htmlFor, required, optional, children }: { label: string; htmlFor: string; required?: boolean; optional?: boolean; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={htmlFor} className="mb-1 block text-sm font-medium text-gray-900">
        {label} {required ? <RequiredMark /> : null}
        {optional ? <span className="font-normal text-gray-600">(optional)</span> : null}
      </label>
      {children}
    </div>
  );
}
