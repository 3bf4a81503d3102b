"use client";

import { useLayoutEffect, useRef, type ChangeEvent, type FormEvent, type ReactNode } from "react";
import { TOKENS_PATH } from "@/lib/paths";
import { formHref } from "./list-href";
import { useListNavigation } from "./list-navigation";

/**
 * The filter form: a plain GET form, so it works before (or without) JavaScript. With JavaScript
 * it navigates inside the list's transition (so the list shows that it is loading), leaves fields
 * at their default out of the URL, and a select applies as soon as it changes.
 */
export function FilterForm({ values, children, className }: { values: Record<string, string>; children: ReactNode; className?: string }) {
  const form = useRef<HTMLFormElement>(null);
  const navigation = useListNavigation();

  // React keeps uncontrolled fields as they are across client-side navigations: when the view
  // changes (Clear, Back, Forward, a link), the fields are set to show it. Focus stays where it is.
  const shown = JSON.stringify(values);
  useLayoutEffect(() => {
    for (const [name, value] of Object.entries(JSON.parse(shown) as Record<string, string>)) {
      const field = form.current?.elements.namedItem(name);
      if (field instanceof HTMLInputElement || field instanceof HTMLSelectElement) field.value = value;
    }
  }, [shown]);

  function submit(event: FormEvent<HTMLFormElement>) {
    if (!navigation) return;
    event.preventDefault();
    navigation.navigate(formHref(event.currentTarget));
  }

  function change(event: ChangeEvent<HTMLFormElement>) {
    if (navigation && event.target instanceof HTMLSelectElement) event.currentTarget.requestSubmit();
  }

  return (
    <form ref={form} action={TOKENS_PATH} method="get" onSubmit={submit} onChange={change} className={className}>
      {children}
    </form>
  );
}
