import clsx from "clsx";

/** The ARIA wiring of a field with a hint and an error message below it. */
export function invalidity(fieldId: string, errors: string[] | undefined, hintId?: string) {
  return {
    "aria-invalid": errors ? true : undefined,
    "aria-describedby": [hintId, `${fieldId}-error`].filter(Boolean).join(" "),
  };
}

export function inputClasses(errors: string[] | undefined): string {
  return clsx(
    "block w-full rounded-md border px-3 py-2 text-sm text-gray-900 shadow-sm placeholder:text-gray-500",
    "focus:border-brand-600 focus:outline-2 focus:outline-offset-0 focus:outline-brand-600/30",
    errors ? "border-red-600" : "border-gray-300",
  );
}
