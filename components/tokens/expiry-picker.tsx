"use client";

import { useId } from "react";
import { FieldError } from "@/components/ui/field-error";
import { WarningIcon } from "@/components/ui/icons";
import { browserTimePrefs, formatDateTime } from "@/lib/time-format";
import { EXPIRY_CHOICES, NO_EXPIRY_WARNING, type ExpiryChoice } from "./token-form-values";
import { inputClasses, invalidity } from "./field-styles";

/**
 * "Expires": a preset, a date of one's choice, or no expiry (with why that is a risk), and the end
 * it comes to in the person's zone. A dialog that opens in the browser only, so formatting there is safe.
 */
export function ExpiryPicker({
  choice,
  onChoice,
  custom,
  onCustom,
  min,
  end,
  errors,
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
          aria-describedby={`${id}-end`}
          className={inputClasses(undefined)}
        >
          {EXPIRY_CHOICES.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
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
