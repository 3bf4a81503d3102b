"use client";

import { useRef, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { callAction } from "./call-action";
import { useNewSecret } from "./new-secret";
import { RotateDialog } from "./rotate-dialog";
import { SecretDialog, type RevealedSecret } from "./secret-dialog";
import { TokenFormDialog } from "./token-form-dialog";
import type { ActionResult, ScopeOption, TokenActions, Token } from "./types";

/** Why Revoke is unavailable for a token, or null when it can be revoked. */
export function revokeUnavailableBecause(token: Token): string | null {
  switch (token.status) {
    case "active":
      return null;
    case "revoked":
      return "Already revoked.";
    case "expired":
      return "Already expired: it no longer works. Delete it if it is unused.";
    case "scheduled":
      return "Not active yet. Edit its validity or delete it instead.";
  }
}

/**
 * A dialog shows its action's errors inside itself, but a token deleted elsewhere takes its row
 * and the row's dialog with it when the list refreshes: that reason is told in a toast instead.
 */
function toastIfGone<R extends ActionResult>(result: R): R {
  if (!result.ok && result.gone) toast.error(result.error);
  return result;
}

export function TokenRowActions({ token, scopes, actions }: { token: Token; scopes: ScopeOption[]; actions: TokenActions }) {
  const [editing, setEditing] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [revealed, setRevealed] = useState<RevealedSecret | null>(null);
  const rotateButton = useRef<HTMLButtonElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  // After a delete the row is gone: focus moves to the page's create button.
  const createButton = useNewSecret()?.createButton;
  const revokeBlocked = revokeUnavailableBecause(token);
  const rotateBlocked = token.status !== "revoked" ? null : "A revoked token cannot be rotated. Create a new token instead.";

  async function revoke(): Promise<boolean> {
    const result = await callAction(() => actions.revoke(token.guid));
    if (result.ok) toast.success(`Token “${token.name}” revoked. It no longer works.`);
    else toast.error(result.error);
    return result.ok;
  }

  async function remove(): Promise<boolean> {
    const result = await callAction(() => actions.remove(token.guid));
    if (result.ok) toast.success(`Token “${token.name}” deleted.`);
    else toast.error(result.error);
    return result.ok;
  }

  return (
    <div className="flex flex-wrap gap-2 xl:grid xl:w-max xl:grid-cols-2 xl:gap-1.5">
      <Button ref={editButton} size="sm" onClick={() => setEditing(true)} aria-label={`Edit ${token.name}`}>
        Edit
      </Button>
      <Button
        ref={rotateButton}
        size="sm"
        onClick={() => setRotating(true)}
        disabled={rotateBlocked !== null}
        title={rotateBlocked ?? "Issue a new secret for this token"}
        aria-label={`Rotate ${token.name}`}
      >
        Rotate
      </Button>
      <ConfirmDialog
        trigger={
          <Button size="sm" disabled={revokeBlocked !== null} title={revokeBlocked ?? "Stop this token working now"} aria-label={`Revoke ${token.name}`}>
            Revoke
          </Button>
        }
        title={`Revoke “${token.name}”?`}
        description={
          <>
            <p>The token stops working at once: every program using it will be refused. Its valid-to becomes now.</p>
            <p>A revoked token cannot be made active again; create a new one if access is needed later.</p>
          </>
        }
        confirmLabel="Revoke token"
        pendingLabel="Revoking…"
        onConfirm={revoke}
        focusAfterConfirm={editButton}
      />
      <ConfirmDialog
        trigger={
          <Button size="sm" className="text-red-700" aria-label={`Delete ${token.name}`}>
            Delete
          </Button>
        }
        title={`Delete “${token.name}”?`}
        description={
          <>
            <p>Programs using this token will stop working.</p>
            <p>
              <strong>This cannot be undone.</strong> The token and its history are removed.
            </p>
          </>
        }
        confirmLabel="Delete token"
        pendingLabel="Deleting…"
        onConfirm={remove}
        focusAfterConfirm={createButton}
      />

      <TokenFormDialog
        token={token}
        scopes={scopes}
        open={editing}
        onOpenChange={setEditing}
        submit={async (payload) => toastIfGone(await actions.update(token.guid, payload))}
        onSaved={(result) => {
          setEditing(false);
          toast.success(`Token “${result.token.name}” saved.`);
        }}
      />
      <RotateDialog
        token={token}
        open={rotating}
        onOpenChange={setRotating}
        rotate={async (guid, input) => toastIfGone(await actions.rotate(guid, input))}
        onRotated={(result) => {
          setRotating(false);
          setRevealed({ secret: result.secret, tokenName: result.token.name });
          toast.success(`Token “${result.token.name}” rotated.`);
        }}
      />
      <SecretDialog revealed={revealed} title="New secret" onDone={() => setRevealed(null)} returnFocusTo={rotateButton} />
    </div>
  );
}
