import Link from "next/link";

export const API_REFERENCE_PATH = "/docs/api";

/** What to do with tokens to keep them safe; shown beside the list and in the empty state. */
export function TokenGuidance() {
  return (
    <section aria-labelledby="token-guidance-title" className="rounded-lg border border-blue-200 bg-blue-50 p-4 text-sm text-blue-950">
      <h2 id="token-guidance-title" className="font-semibold">
        Keeping tokens safe
      </h2>
      <ul className="mt-2 list-disc space-y-1 pl-5">
        <li>A secret is shown only once. Store it in a password manager or a secrets vault, never in code or chat.</li>
        <li>Give each program its own token with only the scopes it needs, and an expiry date when you can.</li>
        <li>Rotate tokens periodically; an overlap lets programs switch to the new secret without downtime.</li>
        <li>Watch “Last used”: a token used from somewhere unexpected may be leaked — revoke it.</li>
        <li>Delete tokens that are no longer used.</li>
      </ul>
      <p className="mt-3">
        Programs send the secret as <code className="rounded bg-white/70 px-1">Authorization: Bearer …</code>. See the{" "}
        {/* Padding widens the tap target to 40 px; the negative margin keeps the line as it was. */}
        <Link href={API_REFERENCE_PATH} prefetch={false} className="-my-2.5 inline-block py-2.5 font-medium text-blue-900 underline underline-offset-2 hover:text-blue-700">
          API reference
        </Link>{" "}
        for what they can call.
      </p>
    </section>
  );
}
