"use client";

import Link from "next/link";
import { useId, useState, useTransition, type ReactNode } from "react";
import { toast } from "sonner";
import { FormAlert } from "@/components/auth/form-alert";
import { inputClasses, invalidity } from "@/components/tokens/field-styles";
import { Button } from "@/components/ui/button";
import { FieldError } from "@/components/ui/field-error";
import { fieldErrorsOf, type FieldErrors } from "@/lib/errors";
import { durationWords, plural, UNUSED_WARNING_DAYS } from "@/lib/policies/rules";
import { inventoryHref } from "@/lib/validation/admin-tokens";
import { MAX_ACTIVE_TOKENS_LIMIT, MAX_LIFETIME_DAYS_LIMIT, REVOKE_UNUSED_MAX_DAYS, REVOKE_UNUSED_MIN_DAYS, updatePoliciesSchema } from "@/lib/validation/policies";
import { MAX_ROTATION_OVERLAP_SECONDS } from "@/lib/validation/tokens";
import type { Policies, PoliciesActionResult } from "./types";

/** The administrators' token list, filtered to the tokens that break a policy (built by the inventory's own URL rule). */
export const BREAKING_TOKENS_HREF = inventoryHref({ breaksPolicy: "true" });

const UNITS = [
  { value: "days", label: "days", seconds: 86400 },
  { value: "hours", label: "hours", seconds: 3600 },
  { value: "minutes", label: "minutes", seconds: 60 },
  { value: "seconds", label: "seconds", seconds: 1 },
] as const;
type Unit = (typeof UNITS)[number]["value"];
const secondsPer = (unit: Unit) => UNITS.find((u) => u.value === unit)!.seconds;

type Limit = { limited: boolean; amount: string };
type Values = { lifetime: Limit; overlap: Limit & { unit: Unit }; active: Limit; unused: Limit };

/** An overlap in the largest unit it is a whole number of (7 days, 90 minutes), as it was most likely set. */
function overlapUnit(seconds: number | null): Unit {
  if (!seconds) return "hours";
  return UNITS.find((u) => seconds % u.seconds === 0)!.value;
}

function valuesOf(policies: Policies): Values {
  const limit = (value: number | null, divisor = 1): Limit => ({ limited: value !== null, amount: value === null ? "" : String(value / divisor) });
  const unit = overlapUnit(policies.maxRotationOverlapSeconds);
  return {
    lifetime: limit(policies.maxTokenLifetimeDays),
    overlap: { ...limit(policies.maxRotationOverlapSeconds, secondsPer(unit)), unit },
    active: limit(policies.maxActiveTokensPerUser),
    unused: limit(policies.revokeUnusedAfterDays),
  };
}

/** A typed amount as the number it says; NaN for anything else, which the shared schema refuses with its message. */
const numberOf = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));

function payloadOf(values: Values): Record<keyof Policies, number | null> {
  return {
    maxTokenLifetimeDays: values.lifetime.limited ? numberOf(values.lifetime.amount) : null,
    maxRotationOverlapSeconds: values.overlap.limited ? numberOf(values.overlap.amount) * secondsPer(values.overlap.unit) : null,
    maxActiveTokensPerUser: values.active.limited ? numberOf(values.active.amount) : null,
    revokeUnusedAfterDays: values.unused.limited ? numberOf(values.unused.amount) : null,
  };
}

function summary(policies: Policies): { label: string; value: string }[] {
  const { maxTokenLifetimeDays: days, maxRotationOverlapSeconds: overlap, maxActiveTokensPerUser: active, revokeUnusedAfterDays: unused } = policies;
  return [
    { label: "Maximum token lifetime", value: days === null ? "No limit" : plural(days, "day") },
    { label: "Maximum rotation overlap", value: overlap === null ? "No limit" : overlap === 0 ? "No overlap" : durationWords(overlap) },
    { label: "Maximum active tokens per person", value: active === null ? "No limit" : plural(active, "token") },
    { label: "Revoke unused tokens", value: unused === null ? "Never" : `After ${plural(unused, "day")} unused` },
  ];
}

/** Which existing tokens break the policies as saved, with the way to them. */
function BreachNotice({ count }: { count: number }) {
  if (count === 0) return <>No existing token breaks them.</>;
  return (
    <>
      {count === 1 ? "1 existing token breaks them; it keeps working until it ends." : `${count} existing tokens break them; they keep working until they end.`}{" "}
      <Link href={BREAKING_TOKENS_HREF} className="font-medium text-brand-700 underline underline-offset-2">
        Show {count === 1 ? "it" : "them"}
      </Link>
    </>
  );
}

/**
 * The limits, each "No limit" (for unused tokens: "Never") or a number. The server validates again with the same schema
 * and records the change; the answer says how many existing tokens break the policies now.
 */
export function PoliciesForm({ policies, save }: { policies: Policies; save: (input: unknown) => Promise<PoliciesActionResult> }) {
  const id = useId();
  const [values, setValues] = useState<Values>(() => valuesOf(policies));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [breaches, setBreaches] = useState<number>();
  const [pending, startTransition] = useTransition();

  function change<K extends keyof Values>(key: K, value: Partial<Values[K]>) {
    setValues((v) => ({ ...v, [key]: { ...v[key], ...value } }));
  }

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(undefined);
    const parsed = updatePoliciesSchema.safeParse(payloadOf(values));
    if (!parsed.success) {
      const found = fieldErrorsOf(parsed.error.issues);
      setErrors(found);
      document.getElementById(`${id}-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    setErrors({});
    startTransition(async () => {
      let result: PoliciesActionResult;
      try {
        result = await save(parsed.data);
      } catch {
        setFormError("Could not reach Tollgate. Check your connection and try again.");
        return;
      }
      if (!result.ok) {
        setErrors(result.fieldErrors ?? {});
        if (!result.fieldErrors) setFormError(result.error);
        return;
      }
      setValues(valuesOf(result.policies));
      setBreaches(result.breaches.total);
      toast.success(
        <span>
          Policies saved. <BreachNotice count={result.breaches.total} />
        </span>,
      );
    });
  }

  return (
    <div className="space-y-6">
      <section aria-labelledby={`${id}-current`} className="rounded-lg border border-gray-200 bg-white p-6">
        <h2 id={`${id}-current`} className="mb-3 text-lg font-semibold">
          In force
        </h2>
        <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[16rem_1fr]">
          {summary(policies).map(({ label, value }) => (
            <div key={label} className="contents">
              <dt className="font-medium text-gray-600">{label}</dt>
              <dd className="text-gray-900">{value}</dd>
            </div>
          ))}
        </dl>
        {breaches !== undefined ? (
          <p className="mt-3 text-sm text-gray-700" role="status">
            <BreachNotice count={breaches} />
          </p>
        ) : null}
      </section>

      <form onSubmit={submit} noValidate aria-label="Token policies" className="space-y-5 rounded-lg border border-gray-200 bg-white p-6">
        {formError ? <FormAlert>{formError}</FormAlert> : null}
        <LimitField
          id={`${id}-maxTokenLifetimeDays`}
          legend="Maximum token lifetime"
          hint="New, edited and rotated tokens must expire within this many days of their start; “No expiry” is no longer offered."
          limit={values.lifetime}
          onChange={(value) => change("lifetime", value)}
          errors={errors.maxTokenLifetimeDays}
          min={1}
          max={MAX_LIFETIME_DAYS_LIMIT}
          unit={<span className="text-sm text-gray-700">days</span>}
        />
        <LimitField
          id={`${id}-maxRotationOverlapSeconds`}
          legend="Maximum rotation overlap"
          hint={`How long a rotated token's previous secret may keep working (0: not at all; at most ${MAX_ROTATION_OVERLAP_SECONDS / 86400} days).`}
          limit={values.overlap}
          onChange={(value) => change("overlap", value)}
          errors={errors.maxRotationOverlapSeconds}
          min={0}
          unit={
            <>
              <label htmlFor={`${id}-overlap-unit`} className="sr-only">
                Unit
              </label>
              <select
                id={`${id}-overlap-unit`}
                value={values.overlap.unit}
                disabled={!values.overlap.limited}
                onChange={(e) => change("overlap", { unit: e.target.value as Unit })}
                className={`${inputClasses(undefined)} w-auto!`}
              >
                {UNITS.map((u) => (
                  <option key={u.value} value={u.value}>
                    {u.label}
                  </option>
                ))}
              </select>
            </>
          }
        />
        <LimitField
          id={`${id}-maxActiveTokensPerUser`}
          legend="Maximum active tokens per person"
          hint="Active and scheduled tokens count; creating one more is refused until one is revoked, deleted or expires."
          limit={values.active}
          onChange={(value) => change("active", value)}
          errors={errors.maxActiveTokensPerUser}
          min={1}
          max={MAX_ACTIVE_TOKENS_LIMIT}
          unit={<span className="text-sm text-gray-700">tokens</span>}
        />
        <LimitField
          id={`${id}-revokeUnusedAfterDays`}
          legend="Revoke unused tokens"
          hint={
            `Active tokens not used for this many days (${REVOKE_UNUSED_MIN_DAYS}–${REVOKE_UNUSED_MAX_DAYS}; counted from their creation if never used) are ` +
            `revoked by Tollgate. Their owners are warned by mail ${UNUSED_WARNING_DAYS} days before, and a use in between cancels it.`
          }
          limit={values.unused}
          onChange={(value) => change("unused", value)}
          errors={errors.revokeUnusedAfterDays}
          min={REVOKE_UNUSED_MIN_DAYS}
          max={REVOKE_UNUSED_MAX_DAYS}
          offLabel="Never"
          onLabel="After"
          unit={<span className="text-sm text-gray-700">days unused</span>}
        />
        <div className="border-t border-gray-200 pt-4">
          <Button type="submit" variant="primary" disabled={pending}>
            {pending ? "Saving…" : "Save policies"}
          </Button>
        </div>
      </form>
    </div>
  );
}

/** One limit: "No limit" (`offLabel`), or "At most" (`onLabel`) with its number (the input's id is `id`, which field errors focus). */
function LimitField({
  id,
  legend,
  hint,
  limit,
  onChange,
  errors,
  min,
  max,
  unit,
  offLabel = "No limit",
  onLabel = "At most",
}: {
  id: string;
  legend: string;
  hint: string;
  limit: Limit;
  onChange: (value: Partial<Limit>) => void;
  errors?: string[];
  min: number;
  max?: number;
  unit: ReactNode;
  offLabel?: string;
  onLabel?: string;
}) {
  return (
    <fieldset aria-describedby={`${id}-hint`}>
      <legend className="text-sm font-medium text-gray-900">{legend}</legend>
      <p id={`${id}-hint`} className="text-xs text-gray-600">
        {hint}
      </p>
      <div className="mt-2 flex flex-col gap-2 sm:flex-row sm:items-center sm:gap-6">
        <label className="flex items-center gap-2 text-sm text-gray-900">
          <input type="radio" name={`${id}-mode`} checked={!limit.limited} onChange={() => onChange({ limited: false })} className="size-4 accent-brand-600" />
          {offLabel}
        </label>
        <div className="flex flex-wrap items-center gap-2">
          <label className="flex items-center gap-2 text-sm text-gray-900">
            <input type="radio" name={`${id}-mode`} checked={limit.limited} onChange={() => onChange({ limited: true })} className="size-4 accent-brand-600" />
            {onLabel}
          </label>
          <label htmlFor={id} className="sr-only">
            {legend}
          </label>
          <input
            id={id}
            type="number"
            inputMode="numeric"
            min={min}
            max={max}
            step={1}
            value={limit.amount}
            disabled={!limit.limited}
            onChange={(e) => onChange({ amount: e.target.value })}
            {...invalidity(id, errors)}
            className={`${inputClasses(errors)} w-28!`}
          />
          {unit}
        </div>
      </div>
      <FieldError id={`${id}-error`} messages={errors} />
    </fieldset>
  );
}
