"use client";

import { useEffect, useId, useRef, useState } from "react";
import { toast } from "sonner";
import type { AdminUser, AdminUserActions } from "@/lib/validation/admin-users";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent } from "@/components/ui/dialog";
import { callAction } from "@/components/tokens/call-action";
import { inputClasses } from "@/components/tokens/field-styles";

type Impact = { activeTokens: number; totalTokens: number };
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * Deleting an account cannot be undone: the dialog counts, when it opens, how many tokens stop
 * working, and asks for the email address typed out before it deletes.
 */
export function DeleteUserDialog({
  open,
  onOpenChange,
  user,
  actions,
  focusAfterDelete,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  user: AdminUser | null;
  actions: AdminUserActions;
  focusAfterDelete: () => HTMLElement | null;
}) {
  const [impact, setImpact] = useState<{ userId: string; counts: Impact | null; error?: string } | null>(null);
  const [typed, setTyped] = useState("");
  const [pending, setPending] = useState(false);
  const deleted = useRef(false);
  const inputId = useId();
  const userId = open ? user?.id : undefined;

  useEffect(() => {
    if (!userId) return;
    let current = true;
    void callAction(() => actions.impact(userId)).then((result) => {
      if (current) setImpact({ userId, counts: result.ok ? { activeTokens: result.activeTokens, totalTokens: result.totalTokens } : null, error: result.ok ? undefined : result.error });
    });
    return () => {
      current = false;
    };
  }, [userId, actions]);

  if (!user) return <Dialog open={false} />;
  const counts = impact?.userId === user.id ? impact.counts : null;
  const failed = impact?.userId === user.id ? impact.error : undefined;

  async function remove() {
    setPending(true);
    const result = await callAction(() => actions.remove(user!.id));
    setPending(false);
    if (result.ok) {
      toast.success(`Deleted ${user!.email}. ${plural(result.activeTokens, "active token")} stopped working.`);
      deleted.current = true;
      setTyped("");
      onOpenChange(false);
    } else toast.error(result.error);
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (pending) return;
        if (!next) {
          setTyped("");
          setImpact(null);
        }
        onOpenChange(next);
      }}
    >
      <DialogContent
        role="alertdialog"
        title={`Delete ${user.name}?`}
        className="max-w-md"
        onCloseAutoFocus={(event) => {
          if (!deleted.current) return;
          deleted.current = false;
          const target = focusAfterDelete();
          if (!target) return;
          event.preventDefault();
          target.focus();
        }}
      >
        <div className="space-y-2 text-sm text-gray-700" aria-live="polite">
          {counts ? (
            <p>
              The account {user.email} is deleted with its {plural(counts.totalTokens, "token")}, its grants and its sessions.{" "}
              <strong className="font-semibold text-gray-900">
                {counts.activeTokens === 1 ? "1 active token stops" : `${counts.activeTokens} active tokens stop`} working at once.
              </strong>{" "}
              This cannot be undone.
            </p>
          ) : failed ? (
            <p className="text-red-700">{failed}</p>
          ) : (
            <p>Counting the tokens that would stop working…</p>
          )}
        </div>
        <form
          className="mt-4"
          onSubmit={(event) => {
            event.preventDefault();
            if (typed.trim() === user.email && counts) void remove();
          }}
        >
          <label htmlFor={inputId} className="block text-sm font-medium text-gray-800">
            Type <span className="font-mono">{user.email}</span> to confirm
          </label>
          <input
            id={inputId}
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            className={`${inputClasses(undefined)} mt-1`}
          />
          <div className="mt-6 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <DialogClose asChild>
              <Button disabled={pending}>Cancel</Button>
            </DialogClose>
            <Button type="submit" variant="danger" disabled={pending || !counts || typed.trim() !== user.email}>
              {pending ? "Deleting…" : "Delete account"}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
