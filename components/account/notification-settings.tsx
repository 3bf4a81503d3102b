"use client";

import { useId, useState, useTransition } from "react";
import { toast } from "sonner";
import type { ActionResult } from "@/lib/actions/result";
import { callAction } from "@/components/tokens/call-action";

export type SetNotifyNewAddress = (on: boolean) => Promise<ActionResult<{ notifyNewAddress: boolean }>>;

/** The person's mail choices; a change is saved at once and said in a toast (and the box goes back if it failed). */
export function NotificationSettings({ notifyNewAddress, save }: { notifyNewAddress: boolean; save: SetNotifyNewAddress }) {
  const id = useId();
  const [checked, setChecked] = useState(notifyNewAddress);
  const [pending, startTransition] = useTransition();

  function change(on: boolean) {
    setChecked(on);
    startTransition(async () => {
      const result = await callAction(() => save(on));
      if (result.ok) {
        setChecked(result.notifyNewAddress);
        toast.success(result.notifyNewAddress ? "You will be mailed when a token is used from a new address." : "You will no longer be mailed about new addresses.");
      } else {
        setChecked(!on);
        toast.error(result.error);
      }
    });
  }

  return (
    <div className="flex items-start gap-3">
      <input
        id={`${id}-new-address`}
        type="checkbox"
        checked={checked}
        disabled={pending}
        onChange={(event) => change(event.target.checked)}
        aria-describedby={`${id}-new-address-hint`}
        className="mt-0.5 size-4 shrink-0 rounded border-gray-400 accent-brand-600"
      />
      <div>
        <label htmlFor={`${id}-new-address`} className="text-sm font-medium text-gray-900">
          Mail me when one of my tokens is used from an address it has not been used from before
        </label>
        <p id={`${id}-new-address-hint`} className="text-xs text-gray-600">
          Off by default. Either way the new address shows on the token&apos;s page and in your security log. Reminders before a token
          expires, and notices when one is revoked, always come.
        </p>
      </div>
    </div>
  );
}
