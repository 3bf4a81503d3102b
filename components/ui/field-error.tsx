/**
 * The message under a form field. Always rendered (empty when there is nothing to say) so that
 * the live region exists before its text changes, which is what makes screen readers announce it.
 */
export function FieldError({ id, messages }: { id: string; messages?: string[] }) {
  return (
    <p id={id} aria-live="polite" className="mt-1 text-sm text-red-700 empty:mt-0">
      {messages?.join(" ")}
    </p>
  );
}
