"use client";

import Form from "next/form";
import type { FormEvent, ReactNode } from "react";
import { TOKENS_PATH } from "./list-href";

/**
 * The filter form: a GET form, so it works before (or without) JavaScript. With JavaScript,
 * next/form navigates without a full reload, and fields still at their default (marked with
 * data-default) are left out of the URL for the moment of submission, keeping links short.
 */
export function FilterForm({ children, className }: { children: ReactNode; className?: string }) {
  function leaveOutDefaults(event: FormEvent<HTMLFormElement>) {
    const left: (HTMLInputElement | HTMLSelectElement)[] = [];
    for (const element of Array.from(event.currentTarget.elements)) {
      if (!(element instanceof HTMLInputElement || element instanceof HTMLSelectElement)) continue;
      if (!element.name || element.disabled) continue;
      if (element.value.trim() === (element.dataset.default ?? "")) {
        element.disabled = true;
        left.push(element);
      }
    }
    // The URL is built from the form during this event; the fields come back right after.
    setTimeout(() => left.forEach((element) => (element.disabled = false)));
  }

  return (
    <Form action={TOKENS_PATH} onSubmit={leaveOutDefaults} className={className}>
      {children}
    </Form>
  );
}
