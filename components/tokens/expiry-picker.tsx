"use client";

import { useId } from "react";
import { FieldError } from "@/components/ui/field-error";
import { WarningIcon } from "@/components/ui/icons";
import { browserTimePrefs, formatDateTime } from "@/lib/time-format";
import { EXPIRY_CHOICES, NO_EXPIRY_WARNING, toLocalInput, type ExpiryChoice } from "./token-form-values";
import { inputClasses, invalidity } from "./field-styles";

/**
 * "Expires": a preset, a date of one's choice, or no expiry (with why that is a risk), and the end
 * it comes to in the person's zone. A dialog that opens in the browser only, so formatting there is safe.
 * Under a lifetime policy the caller passes only the choices within it, the latest end and the note saying so.
 */
export function ExpiryPicker({
  choice,
  onChoice,
  custom,
  onCustom,
  min,
  end,
  errors,
  choices = EXPIRY_CHOICES,
  latest = null,
  note,
}: {
  choice: ExpiryChoice;
  onChoice: (choice: ExpiryChoice) => void;
  custom: string;
  onCustom: (local: string) => void;
  /** The earliest datetime-local value the picker offers. */
  min: string;
  /** The resulting valid-to as an ISO instant, or null for none. */
  end: string | null;
  errors?: string[];
  choices?: readonly (typeof EXPIRY_CHOICES)[number][];
  /** The latest end the lifetime policy allows, which bounds the custom date. */
  latest?: Date | null;
  /** Why the choices are fewer: "Your administrator limits tokens to 30 days." */
  note?: string;
}) {
  const id = useId();
  const endDate = end ? new Date(end) : null;
  return (
    <div className="space-y-2">
      <div>
        <label htmlFor={`${id}-choice`} className="mb-1 block text-sm font-medium text-gray-900">
          Expires after
        </label>
        <select
          id={`${id}-choice`}
          value={choice}
          onChange={(e) => onChoice(e.target.value as ExpiryChoice)}
          aria-describedby={[note && `${id}-note`, `${id}-end`].filter(Boolean).join(" ")}
          className={inputClasses(undefined)}
        >
          {choices.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        {note ? (
          <p id={`${id}-note`} className="mt-1 text-xs text-gray-600">
            {note}
          </p>
        ) : null}
      </div>
      {choice === "custom" ? (
        <div>
          <label htmlFor={`${id}-validTo`} className="mb-1 block text-sm font-medium text-gray-900">
            Valid to
          </label>
          <input
            id={`${id}-validTo`}
            type="datetime-local"
            value={custom}
            min={min}
            max={latest ? toLocalInput(latest) : undefined}
            onChange={(e) => onCustom(e.target.value)}
            {...invalidity(`${id}-validTo`, errors)}
            className={inputClasses(errors)}
          />
          <FieldError id={`${id}-validTo-error`} messages={errors} />
        </div>
      ) : (
        <FieldError id={`${id}-validTo-error`} messages={errors} />
      )}
      <p id={`${id}-end`} className="text-sm text-gray-800" aria-live="polite">
        {endDate && !Number.isNaN(endDate.getTime()) ? `Expires on ${formatDateTime(endDate, browserTimePrefs())}.` : end === null ? "Never expires." : ""}
      </p>
      {choice === "never" || (choice === "custom" && !custom) ? (
        <p className="flex gap-2 rounded-md border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900">
          <WarningIcon className="mt-0.5 shrink-0" />
          {NO_EXPIRY_WARNING}
        </p>
      ) : null}
    </div>
  );
}
