"use client";

import clsx from "clsx";
import { useEffect, useState } from "react";
import { toast } from "sonner";
import { buttonClasses, TAP_TARGET } from "./button";
import { writeToClipboard } from "./clipboard";
import { CheckIcon, CopyIcon } from "./icons";

const CONFIRMATION_MS = 2000;

/**
 * Copies `value` and says so ("Copied") for a moment, visibly and to screen readers.
 * `label` is the accessible name ("Copy GUID"); with `iconOnly` it is not shown.
 */
export function CopyButton({
  value,
  label = "Copy",
  iconOnly = false,
  className,
  onCopied,
}: {
  value: string;
  onCopied?: () => void;
  label?: string;
  iconOnly?: boolean;
  className?: string;
}) {
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [copied]);

  async function copy() {
    try {
      await writeToClipboard(value);
      setCopied(true);
      onCopied?.();
    } catch {
      toast.error("Could not copy. Select the text and copy it by hand.");
    }
  }

  return (
    <>
      <button
        type="button"
        onClick={copy}
        aria-label={iconOnly ? (copied ? "Copied" : label) : undefined}
        title={iconOnly ? label : undefined}
        className={
          iconOnly
            ? clsx(
                "inline-flex size-7 shrink-0 items-center justify-center rounded-md text-gray-600 hover:bg-gray-100 hover:text-gray-900",
                TAP_TARGET,
                "focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-brand-600",
                className,
              )
            : buttonClasses("secondary", "md", className)
        }
      >
        {copied ? <CheckIcon className="text-green-700" /> : <CopyIcon />}
        {iconOnly ? null : copied ? "Copied" : label}
      </button>
      <span role="status" className="sr-only">
        {copied ? "Copied to the clipboard" : ""}
      </span>
    </>
  );
}
