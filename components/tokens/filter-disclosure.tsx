"use client";

import { useEffect, useRef, useState, type ReactNode } from "react";

/**
 * On a phone the filters fold into a disclosure, so the first token is on the first screen. From
 * sm up the CSS (.filter-disclosure in globals.css) hides the summary and shows the filters from
 * the first paint; the script then marks the <details> open too, so that assistive technology
 * agrees. Without JavaScript the <details> works on its own.
 */
export function FilterDisclosure({ summary, children, className }: { summary: string; children: ReactNode; className?: string }) {
  const [open, setOpen] = useState(false);
  const summaryRef = useRef<HTMLElement>(null);

  useEffect(() => {
    // The CSS decides where the filters stop folding away; the script follows it rather than repeat the width.
    const follow = () => {
      if (summaryRef.current && getComputedStyle(summaryRef.current).display === "none") setOpen(true);
    };
    follow();
    window.addEventListener("resize", follow);
    return () => window.removeEventListener("resize", follow);
  }, []);

  return (
    <details open={open} onToggle={(event) => setOpen(event.currentTarget.open)} className={`filter-disclosure ${className ?? ""}`}>
      <summary
        ref={summaryRef}
        className="cursor-pointer rounded-md px-1 py-2.5 text-sm leading-5 font-medium text-gray-900 focus-visible:outline-2 focus-visible:outline-brand-600"
      >
        {summary}
      </summary>
      {children}
    </details>
  );
}
