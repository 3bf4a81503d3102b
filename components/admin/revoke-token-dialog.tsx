"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition, type FormEvent } from "react";
import { toast } from "sonner";
import type { TokenResult } from "@/lib/tokens/contract";
import { INVENTORY_REVOKE_REASON_MAX } from "@/lib/validation/admin-tokens";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { FieldError } from "@/components/ui/field-error";

export type AdminRevoke = (guid: string, input: { reason: string }) => Promise<TokenResult>;

/** "Revoke…" for any user's token: the reason is required, and its owner is shown it. */
export function RevokeTokenDialog({ token, onClose, revoke }: { token: { guid: string; name: string; owner: { email: string } } | null; onClose: () => void; revoke: AdminRevoke }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const reasonId = useId();
  const errorId = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!token) return;
    const reason = String(new FormData(event.currentTarget).get("reason") ?? "");
    startTransition(async () => {
      const result = await revoke(token.guid, { reason });
      if (result.ok) {
        toast.success(`Revoked “${token.name}” of ${token.owner.email}.`);
        onClose();
        router.refresh();
      } else {
        setError(result.fieldErrors?.reason?.[0] ?? result.error);
        if (result.gone) router.refresh();
      }
    });
  }

  return (
    <Dialog open={token !== null} onOpenChange={(open) => !open && !pending && (setError(null), onClose())}>
      {token ? (
        <DialogContent
          title={`Revoke “${token.name}”?`}
          description={`Programs using this token of ${token.owner.email} stop working at once. Its owner is shown your reason.`}
        >
          <form onSubmit={submit} className="space-y-4" noValidate>
            <div>
              <label htmlFor={reasonId} className="block text-sm font-medium text-gray-900">
                Reason
              </label>
              <textarea
                id={reasonId}
                name="reason"
                required
                maxLength={INVENTORY_REVOKE_REASON_MAX}
                rows={3}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? errorId : undefined}
                className="mt-1 block w-full rounded-md border border-gray-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:ring-1 focus:ring-brand-600 focus:outline-none"
                placeholder="e.g. Found in a public repository"
                onChange={() => setError(null)}
              />
              <FieldError id={errorId} messages={error ? [error] : undefined} />
            </div>
            <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
              <Button onClick={onClose} disabled={pending}>
                Cancel
              </Button>
              <Button type="submit" variant="danger" disabled={pending}>
                {pending ? "Revoking…" : "Revoke token"}
              </Button>
            </div>
          </form>
        </DialogContent>
      ) : null}
    </Dialog>
  );
}
