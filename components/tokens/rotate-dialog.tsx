"use client";

import { useId, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, focusInstead } from "@/components/ui/dialog";
import { callAction } from "./call-action";
import { ExpiryPicker } from "./expiry-picker";
import { durationWords } from "@/lib/policies/rules";
import {
  NO_TOKEN_POLICIES,
  defaultExpiry,
  expiryChoicesWithin,
  latestEnd,
  lifetimeNote,
  lifetimeProblem,
  toLocalInput,
  validToOf,
  type ExpiryChoice,
  type TokenPolicies,
} from "./token-form-values";
import type { SecretResult, Token } from "./types";

const OVERLAPS = [
  { seconds: 0, label: "None", hint: "The current secret stops working at once." },
  { seconds: 3600, label: "1 hour", hint: "Both secrets work for an hour." },
  { seconds: 24 * 3600, label: "24 hours", hint: "Both secrets work for a day." },
  { seconds: 7 * 24 * 3600, label: "7 days", hint: "Both secrets work for a week." },
] as const;

/** The overlaps within the policy's limit; a limit between the presets is offered itself, as the longest allowed. */
function overlapsWithin(max: number | null): readonly { seconds: number; label: string; hint: string }[] {
  if (max === null) return OVERLAPS;
  const within = OVERLAPS.filter((o) => o.seconds <= max);
  if (within.some((o) => o.seconds === max)) return within;
  return [...within, { seconds: max, label: durationWords(max), hint: "The longest overlap your administrator allows." }];
}

type Props = {
  token: Token;
  /** The administrators' limits the dialog offers within (none when absent). */
  policies?: TokenPolicies;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  rotate: (guid: string, input: unknown) => Promise<SecretResult>;
  onRotated: (result: Extract<SecretResult, { ok: true }>) => void;
  /** Where focus goes when the dialog closes. */
  returnFocusTo?: () => HTMLElement | null;
};

/** Asks how long the current secret may keep working, then rotates. Closing discards the choice. */
export function RotateDialog({ token, open, onOpenChange, returnFocusTo, ...formProps }: Props) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent
        title={`Rotate “${token.name}”`}
        description="Rotation issues a new secret for this token, and a new end if you choose one. Its GUID, name and scopes stay the same; programs must switch to the new secret."
        onCloseAutoFocus={(event) => focusInstead(event, returnFocusTo)}
      >
        <RotateForm token={token} {...formProps} />
      </DialogContent>
    </Dialog>
  );
}

function RotateForm({ token, policies = NO_TOKEN_POLICIES, rotate, onRotated }: Omit<Props, "open" | "onOpenChange" | "returnFocusTo">) {
  const id = useId();
  const now = new Date();
  // The token keeps its start: a scheduled one's end is counted from there, as the server counts it.
  const latest = latestEnd(policies, new Date(token.validFrom), now);
  const [overlapSeconds, setOverlapSeconds] = useState(0);
  const [expiry, setExpiry] = useState<ExpiryChoice>(() => defaultExpiry(latest, now));
  const [custom, setCustom] = useState(() => (latest && defaultExpiry(latest, now) === "custom" ? toLocalInput(latest) : ""));
  const [earliest] = useState(() => toLocalInput(new Date()));
  const validTo = validToOf({ expiry, validTo: custom, validFrom: "" }, now);
  const overlaps = overlapsWithin(policies.maxRotationOverlapSeconds);
  const max = policies.maxRotationOverlapSeconds;
  const beyond = latest && (validTo === null || new Date(validTo) > latest) ? [lifetimeProblem(policies.maxTokenLifetimeDays!, latest)] : undefined;
  const [error, setError] = useState("");
  const [pending, startTransition] = useTransition();

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError("");
    startTransition(async () => {
      const result = await callAction(() => rotate(token.guid, { overlapSeconds, validTo }));
      if (result.ok) onRotated(result);
      else setError([result.error, ...Object.values(result.fieldErrors ?? {}).flat()].join(" "));
    });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4">
      {error ? <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{error}</p> : null}
      <fieldset>
        <legend className="text-sm font-medium text-gray-900">Keep the old secret working for</legend>
        {max !== null ? (
          <p className="text-xs text-gray-600">
            {max === 0 ? "Your administrator allows no overlap." : `Your administrator limits the overlap to ${durationWords(max)}.`}
          </p>
        ) : null}
        <div className="mt-2 space-y-1">
          {overlaps.map((option) => (
            <div key={option.seconds} className="flex items-start gap-2">
              <input
                id={`${id}-${option.seconds}`}
                type="radio"
                name="overlap"
                value={option.seconds}
                checked={overlapSeconds === option.seconds}
                onChange={() => setOverlapSeconds(option.seconds)}
                className="mt-0.5 size-4 accent-brand-600"
              />
              <label htmlFor={`${id}-${option.seconds}`} className="text-sm text-gray-900">
                {option.label}
                <span className="block text-xs text-gray-600">{option.hint}</span>
              </label>
            </div>
          ))}
        </div>
      </fieldset>
      <ExpiryPicker
        choice={expiry}
        onChoice={setExpiry}
        custom={custom}
        onCustom={setCustom}
        min={earliest}
        end={validTo}
        errors={beyond}
        choices={expiryChoicesWithin(latest, now)}
        latest={latest}
        note={policies.maxTokenLifetimeDays !== null ? lifetimeNote(policies.maxTokenLifetimeDays) : undefined}
      />
      <div className="flex flex-col-reverse gap-2 border-t border-gray-200 pt-4 sm:flex-row sm:justify-end">
        <DialogClose asChild>
          <Button disabled={pending}>Cancel</Button>
        </DialogClose>
        <Button type="submit" variant="primary" disabled={pending || Boolean(beyond)}>
          {pending ? "Rotating…" : "Rotate secret"}
        </Button>
      </div>
    </form>
  );
}
