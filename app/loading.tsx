/**
 * Shown while a page without a loading state of its own (sign-in, settings, the API reference)
 * renders on the server. The token page has a skeleton of its own.
 */
export default function Loading() {
  return (
    <div className="flex min-h-[50vh] items-center justify-center px-4 py-12" aria-busy="true">
      <div role="status" className="flex items-center gap-3 text-sm text-gray-700">
        <span aria-hidden="true" className="size-5 rounded-full border-2 border-gray-300 border-t-brand-600 motion-safe:animate-spin" />
        Loading…
      </div>
    </div>
  );
}
