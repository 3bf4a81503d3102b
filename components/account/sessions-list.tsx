"use client";

import { useRef } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { LocalTime, RelativeTime } from "@/components/ui/local-time";
import type { AccountActionResult, SessionActions, SessionView } from "./types";

async function call(action: () => Promise<AccountActionResult>): Promise<AccountActionResult> {
  try {
    return await action();
  } catch {
    return { ok: false, error: "Could not reach Tollgate. Check your connection and try again." };
  }
}

/**
 * Where the person is signed in. Ending a session removes its row when the page refreshes, so
 * focus goes to the section's heading, one known place, rather than to a button that is gone.
 */
export function SessionsList({ sessions, actions }: { sessions: SessionView[]; actions: SessionActions }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const others = sessions.filter((s) => !s.current).length;

  async function end(session: SessionView): Promise<boolean> {
    const result = await call(() => actions.end(session.id));
    if (result.ok) toast.success(`Signed out ${session.device}.`);
    else toast.error(result.error);
    return result.ok;
  }

  async function endOthers(): Promise<boolean> {
    const result = await call(actions.endOthers);
    if (result.ok) toast.success(result.ended === 1 ? "Signed out 1 other session." : `Signed out ${result.ended ?? 0} other sessions.`);
    else toast.error(result.error);
    return result.ok;
  }

  return (
    <section aria-labelledby="sessions-heading" className="rounded-lg border border-gray-200 bg-white p-6">
      <div className="mb-4 flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div>
          <h2 id="sessions-heading" ref={heading} tabIndex={-1} className="text-lg font-semibold focus:outline-none">
            Sessions
          </h2>
          <p className="mt-1 text-sm text-gray-600">
            Where you are signed in. Sign out of any session you do not recognise, then change your password.
          </p>
        </div>
        {others > 0 ? (
          <ConfirmDialog
            trigger={<Button size="sm">Sign out of all other sessions</Button>}
            title="Sign out of all other sessions?"
            description={
              <p>
                {others === 1 ? "The other session is" : `The ${others} other sessions are`} signed out at once. This session stays
                signed in.
              </p>
            }
            confirmLabel="Sign out other sessions"
            pendingLabel="Signing out…"
            onConfirm={endOthers}
            focusAfterConfirm={heading}
          />
        ) : null}
      </div>
      <ul className="divide-y divide-gray-100" aria-label="Your sessions">
        {sessions.map((session) => (
          <li key={session.id} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:justify-between">
            <div className="min-w-0 text-sm">
              <p className="flex flex-wrap items-center gap-2 font-medium text-gray-900">
                {session.device}
                {session.current ? <Badge tone="green">This session</Badge> : null}
              </p>
              <p className="text-gray-600">
                {session.address ?? "Unknown address"} · Signed in <LocalTime iso={session.signedInAt} /> · Last seen{" "}
                <RelativeTime iso={session.lastSeenAt} />
              </p>
            </div>
            {session.current ? null : (
              <ConfirmDialog
                trigger={
                  <Button size="sm" aria-label={`Sign out ${session.device}, ${session.address ?? "unknown address"}`}>
                    Sign out
                  </Button>
                }
                title={`Sign out ${session.device}?`}
                description={<p>That browser is signed out at its next request and must sign in again to come back.</p>}
                confirmLabel="Sign out session"
                pendingLabel="Signing out…"
                onConfirm={() => end(session)}
                focusAfterConfirm={heading}
              />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
