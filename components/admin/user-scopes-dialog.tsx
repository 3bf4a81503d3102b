"use client";

import { useState } from "react";
import { toast } from "sonner";
import type { AdminUser, AdminUserActions } from "@/lib/validation/admin-users";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent } from "@/components/ui/dialog";
import { callAction } from "@/components/tokens/call-action";

/** A catalogue scope an administrator may grant; `adminOnly` ones only to administrators. */
export type GrantableScope = { name: string; description: string; adminOnly: boolean };

/**
 * Grant and withdraw, one scope at a time: each button acts at once (the user's tokens narrow or
 * regain the scope immediately), and the list shows the answer the server gave.
 */
export function UserScopesDialog({
  open,
  onOpenChange,
  user,
  scopes,
  actions,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  user: AdminUser | null;
  scopes: GrantableScope[];
  actions: AdminUserActions;
}) {
  const [pending, setPending] = useState<string | null>(null);
  // The server's latest answer for this user, until the refreshed list brings the same.
  const [answered, setAnswered] = useState<AdminUser | null>(null);
  const shown = answered && user && answered.id === user.id ? answered : user;
  if (!shown) return <Dialog open={false} />;

  const offered = scopes.filter((scope) => !scope.adminOnly || shown.isAdmin);
  // Held scopes the catalogue no longer offers (retired, or admin-only on a former administrator) can still be withdrawn.
  const others = shown.scopes.filter((name) => !offered.some((scope) => scope.name === name));

  async function change(scope: string, grant: boolean) {
    setPending(scope);
    const result = await callAction(() => (grant ? actions.grant(shown!.id, scope) : actions.withdraw(shown!.id, scope)));
    setPending(null);
    if (result.ok) {
      setAnswered(result.user);
      toast.success(grant ? `Granted ${scope} to ${shown!.email}.` : `Withdrew ${scope} from ${shown!.email}. Their tokens lost it at once.`);
    } else toast.error(result.error);
  }

  const row = (name: string, description: string | null) => {
    const held = shown.scopes.includes(name);
    return (
      <li key={name} className="flex items-start justify-between gap-3 py-2.5">
        <div className="min-w-0">
          <p className="font-mono text-sm wrap-anywhere text-gray-900">
            {name}
            {held ? <span className="sr-only"> (held)</span> : null}
          </p>
          {description ? <p className="text-xs text-gray-600">{description}</p> : null}
        </div>
        <Button
          size="sm"
          variant={held ? "secondary" : "primary"}
          disabled={pending !== null}
          onClick={() => void change(name, !held)}
          aria-label={`${held ? "Withdraw" : "Grant"} ${name}`}
        >
          {pending === name ? (held ? "Withdrawing…" : "Granting…") : held ? "Withdraw" : "Grant"}
        </Button>
      </li>
    );
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) setAnswered(null);
        onOpenChange(next);
      }}
    >
      <DialogContent
        title={`Scopes of ${shown.name}`}
        description={`${shown.email} holds ${shown.scopes.length === 0 ? "no scopes" : shown.scopes.join(", ")}. Withdrawing a scope takes it from their tokens at once.`}
      >
        <ul className="divide-y divide-gray-200" aria-label="Catalogue scopes">
          {offered.map((scope) => row(scope.name, scope.description))}
          {others.map((name) => row(name, null))}
        </ul>
        {!shown.isAdmin ? <p className="mt-2 text-xs text-gray-600">admin:read and admin:write can be granted only to administrators.</p> : null}
        <div className="mt-5 flex justify-end">
          <DialogClose asChild>
            <Button>Done</Button>
          </DialogClose>
        </div>
      </DialogContent>
    </Dialog>
  );
}
