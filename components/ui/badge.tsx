import clsx from "clsx";
import type { ReactNode } from "react";

export type BadgeTone = "green" | "red" | "gray" | "blue" | "amber";

const tones: Record<BadgeTone, string> = {
  green: "bg-green-100 text-green-800 ring-green-600/20",
  red: "bg-red-100 text-red-800 ring-red-600/20",
  gray: "bg-gray-100 text-gray-700 ring-gray-500/20",
  blue: "bg-blue-100 text-blue-800 ring-blue-600/20",
  amber: "bg-amber-100 text-amber-900 ring-amber-600/20",
};

export function Badge({ tone, children, className }: { tone: BadgeTone; children: ReactNode; className?: string }) {
  return (
    <span className={clsx("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset", tones[tone], className)}>
      {children}
    </span>
  );
}
