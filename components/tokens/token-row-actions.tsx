"use client";

import { Button } from "@/components/ui/button";
import { RowMenu } from "@/components/ui/row-menu";
import { editButtonId, menuButtonId, useTokenDialogs } from "./token-dialogs";
import type { Token } from "./types";

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

export function rotateUnavailableBecause(token: Token): string | null {
  return token.status !== "revoked" ? null : "A revoked token cannot be rotated. Create a new token instead.";
}

/** A row's Edit button and its menu of the other actions; the dialogs they open belong to the list. */
export function TokenRowActions({ token }: { token: Token }) {
  const dialogs = useTokenDialogs();
  return (
    <div className="flex items-center gap-1.5 whitespace-nowrap">
      <Button id={editButtonId(token.guid)} size="sm" onClick={() => dialogs.edit(token)} aria-label={`Edit ${token.name}`}>
        Edit
      </Button>
      <RowMenu
        label={`More actions for ${token.name}`}
        triggerId={menuButtonId(token.guid)}
        items={[
          { label: "Rotate", onSelect: () => dialogs.rotate(token), disabledBecause: rotateUnavailableBecause(token) },
          ...(token.previousSecretExpiresAt ? [{ label: "End overlap now", onSelect: () => dialogs.endOverlap(token) }] : []),
          { label: "Revoke", onSelect: () => dialogs.revoke(token), disabledBecause: revokeUnavailableBecause(token) },
          { label: "Delete", onSelect: () => dialogs.remove(token), danger: true },
        ]}
      />
    </div>
  );
}
