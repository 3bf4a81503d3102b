/** Shown while the token page first loads; a change of filter, sort or page keeps the list shown, marked busy (components/tokens/list-navigation.tsx). */
export default function Loading() {
  return (
    <div className="space-y-6" aria-busy="true">
      <p className="sr-only" role="status">
        Loading your tokens…
      </p>
      <div className="space-y-2">
        <div className="h-7 w-40 animate-pulse rounded bg-gray-200" />
        <div className="h-4 w-96 max-w-full animate-pulse rounded bg-gray-200" />
      </div>
      <div className="h-16 animate-pulse rounded-lg bg-gray-200" />
      <div className="space-y-px overflow-hidden rounded-lg border border-gray-200">
        {Array.from({ length: 5 }, (_, i) => (
          <div key={i} className="h-14 animate-pulse bg-gray-100" />
        ))}
      </div>
    </div>
  );
}
