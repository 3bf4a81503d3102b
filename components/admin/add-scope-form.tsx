"use client";

import { useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import type { FieldErrors } from "@/lib/errors";
import type { ScopeActions } from "@/lib/scopes/contract";
import { SCOPE_DESCRIPTION_MAX, SCOPE_NAME_MAX } from "@/lib/validation/admin-scopes";
import { Button } from "@/components/ui/button";
import { FieldError } from "@/components/ui/field-error";
import { callAction } from "@/components/tokens/call-action";
import { inputClasses, invalidity } from "@/components/tokens/field-styles";

/**
 * Adds a scope for another service. The server's answer decides (name rules, names taken); its
 * field errors appear under the fields, and the first field in error takes focus.
 */
export function AddScopeForm({ create }: { create: ScopeActions["create"] }) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const form = useRef<HTMLFormElement>(null);

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const input = { name: String(data.get("name") ?? ""), description: String(data.get("description") ?? "") };
    startTransition(async () => {
      const result = await callAction(() => create(input));
      if (result.ok) {
        setErrors({});
        setFormError(null);
        form.current?.reset();
        toast.success(`Added ${result.scope.name}.`);
        form.current?.querySelector<HTMLInputElement>("input[name=name]")?.focus();
        return;
      }
      setErrors(result.fieldErrors ?? {});
      setFormError(result.fieldErrors ? null : result.error);
      const first = result.fieldErrors && Object.keys(result.fieldErrors)[0];
      if (first) form.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
    });
  }

  return (
    <section aria-labelledby="add-scope-heading" className="rounded-lg border border-gray-200 bg-white p-5 shadow-sm sm:p-6">
      <h2 id="add-scope-heading" className="text-lg font-semibold text-gray-900">
        Add a scope
      </h2>
      <p className="mt-1 text-sm text-gray-600">
        For another service that accepts Tollgate tokens: it reads the scope in introspection&apos;s answer. Tollgate itself checks only its own scopes.
      </p>
      <form ref={form} aria-label="Add a scope" noValidate onSubmit={submit} className="mt-4 grid gap-4 md:grid-cols-[minmax(0,16rem)_minmax(0,1fr)_auto] md:items-start">
        <div>
          <label htmlFor="scope-name" className="block text-sm font-medium text-gray-900">
            Name
          </label>
          <input
            id="scope-name"
            name="name"
            autoComplete="off"
            spellCheck={false}
            maxLength={SCOPE_NAME_MAX}
            placeholder="billing:read"
            className={`${inputClasses(errors.name)} mt-1 font-mono`}
            {...invalidity("scope-name", errors.name, "scope-name-hint")}
          />
          <p id="scope-name-hint" className="mt-1 text-xs text-gray-600">
            Lowercase service:action. It can never be renamed or reused.
          </p>
          <FieldError id="scope-name-error" messages={errors.name} />
        </div>
        <div>
          <label htmlFor="scope-description" className="block text-sm font-medium text-gray-900">
            Description
          </label>
          <input
            id="scope-description"
            name="description"
            autoComplete="off"
            maxLength={SCOPE_DESCRIPTION_MAX}
            placeholder="Read invoices in Billing"
            className={`${inputClasses(errors.description)} mt-1`}
            {...invalidity("scope-description", errors.description, "scope-description-hint")}
          />
          <p id="scope-description-hint" className="mt-1 text-xs text-gray-600">
            What a token with it may do, in a few words (shown to people choosing scopes).
          </p>
          <FieldError id="scope-description-error" messages={errors.description} />
        </div>
        <div className="md:pt-6">
          <Button type="submit" variant="primary" disabled={pending}>
            {pending ? "Adding…" : "Add scope"}
          </Button>
        </div>
      </form>
      <p role="alert" className="mt-2 text-sm text-red-700 empty:hidden">
        {formError}
      </p>
    </section>
  );
}
