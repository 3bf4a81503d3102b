/** The loading state of a page without one of its own (sign-in, sign-up, settings, the API reference). */
export function PageLoading() {
  return (
    <div className="flex min-h-[50vh] items-center justify-center px-4 py-12" aria-busy="true">
      <div role="status" className="flex items-center gap-3 text-sm text-gray-700">
        <span aria-hidden="true" className="size-5 rounded-full border-2 border-gray-300 border-t-brand-600 motion-safe:animate-spin" />
        Loading…
      </div>
    </div>
  );
}
