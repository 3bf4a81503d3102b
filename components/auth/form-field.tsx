import type { InputHTMLAttributes } from "react";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name"> & {
  name: string;
  label: string;
  hint?: string;
  errors?: string[];
};

/**
 * A labelled input whose hint and errors are tied to it with aria-describedby. The error region
 * is always rendered so that screen readers announce errors when they appear (aria-live).
 */
export function FormField({ name, label, hint, errors, ...input }: Props) {
  const id = `field-${name}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const invalid = Boolean(errors?.length);
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-gray-900">
        {label}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={invalid || undefined}
        aria-describedby={[hint ? hintId : null, invalid ? errorId : null].filter(Boolean).join(" ") || undefined}
        className={
          "block w-full rounded-md border px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-offset-1 " +
          (invalid ? "border-red-500 focus:outline-red-600" : "border-gray-300 focus:outline-brand-600")
        }
        {...input}
      />
      {hint ? (
        <p id={hintId} className="text-xs text-gray-600">
          {hint}
        </p>
      ) : null}
      <div id={errorId} aria-live="polite" className="text-sm text-red-700">
        {errors?.map((message) => <p key={message}>{message}</p>)}
      </div>
    </div>
  );
}
