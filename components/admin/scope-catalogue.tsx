"use client";

import { useOptimistic, useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import type { CatalogueScope, ScopeActions } from "@/lib/scopes/contract";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { LocalTime } from "@/components/ui/local-time";
import { callAction } from "@/components/tokens/call-action";
import { AddScopeForm } from "./add-scope-form";
import { EditScopeDialog } from "./edit-scope-dialog";

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

const th = "px-3 py-2.5 text-left text-xs font-semibold tracking-wide text-gray-700 uppercase";
/** Below lg each row is a card and each cell names its column itself (data-label). */
const td =
  "px-3 py-3 align-top max-lg:block max-lg:p-0 max-lg:before:mb-0.5 max-lg:before:block max-lg:before:text-xs max-lg:before:font-semibold max-lg:before:tracking-wide max-lg:before:text-gray-600 max-lg:before:uppercase max-lg:before:content-[attr(data-label)]";
const row = "max-lg:grid max-lg:grid-cols-2 max-lg:gap-x-4 max-lg:gap-y-3 max-lg:rounded-lg max-lg:border max-lg:border-gray-200 max-lg:bg-white max-lg:p-4 max-lg:shadow-sm";
const nameCell = "px-3 py-3 text-left align-top font-normal max-lg:col-span-full max-lg:block max-lg:p-0";

/**
 * The scope catalogue for administrators: add a scope, then per scope its description (editable
 * for custom ones), who holds it, the tokens carrying it, whether new accounts receive it, and
 * Retire. The list owns its two dialogs; rows only choose the scope.
 */
export function ScopeCatalogue({ scopes, actions }: { scopes: CatalogueScope[]; actions: ScopeActions }) {
  const inUse = scopes.filter((s) => !s.retiredAt);
  const retired = scopes.filter((s) => s.retiredAt);
  const [editing, setEditing] = useState<CatalogueScope | null>(null);
  // The scope stays after the dialog closes: its closing animation and focus return still need it.
  const [retiring, setRetiring] = useState<CatalogueScope | null>(null);
  const [retireOpen, setRetireOpen] = useState(false);
  const [counting, setCounting] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  /** Reads the counts afresh, so that the confirmation states them as they are now. */
  async function askToRetire(scope: CatalogueScope) {
    setCounting(scope.name);
    const result = await callAction(() => actions.read(scope.name));
    setCounting(null);
    if (result.ok) {
      setRetiring(result.scope);
      setRetireOpen(true);
    } else toast.error(result.error);
  }

  async function retire(scope: CatalogueScope): Promise<boolean> {
    const result = await callAction(() => actions.retire(scope.name));
    if (result.ok) {
      toast.success(
        `Retired ${scope.name}: withdrawn from ${plural(result.scope.holders, "user", "users")}, ${plural(result.scope.tokens, "token", "tokens")} lost it.`,
      );
    } else toast.error(result.error);
    return result.ok;
  }

  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold text-gray-900">Scopes</h1>
        <p className="mt-1 max-w-3xl text-sm text-gray-600">
          What tokens may carry. Tollgate&apos;s own scopes come with it and cannot be removed; add scopes for your other services, and choose
          which scopes new accounts receive.
        </p>
      </header>

      <AddScopeForm create={actions.create} />

      <section aria-labelledby="catalogue-heading" className="space-y-3">
        <h2 id="catalogue-heading" ref={heading} tabIndex={-1} className="text-lg font-semibold text-gray-900 focus:outline-none">
          Catalogue
        </h2>
        <div className="lg:rounded-lg lg:border lg:border-gray-200 lg:bg-white lg:shadow-sm">
          <table role="table" className="block w-full text-sm lg:table lg:divide-y lg:divide-gray-200">
            <caption className="sr-only">Scopes in use</caption>
            <thead role="rowgroup" className="max-lg:sr-only lg:bg-gray-50">
              <tr role="row">
                <th role="columnheader" scope="col" className={th}>
                  Scope
                </th>
                <th role="columnheader" scope="col" className={th}>
                  Kind
                </th>
                <th role="columnheader" scope="col" className={th}>
                  Holders
                </th>
                <th role="columnheader" scope="col" className={th}>
                  Tokens
                </th>
                <th role="columnheader" scope="col" className={th}>
                  New accounts
                </th>
                <th role="columnheader" scope="col" className={th}>
                  Status
                </th>
                <th role="columnheader" scope="col" className={th}>
                  Actions
                </th>
              </tr>
            </thead>
            <tbody role="rowgroup" className="block space-y-3 lg:table-row-group lg:space-y-0 lg:divide-y lg:divide-gray-200">
              {inUse.map((scope) => (
                <tr key={scope.name} role="row" className={row}>
                  <th role="rowheader" scope="row" className={nameCell}>
                    <code className="font-mono font-medium wrap-anywhere text-gray-900">{scope.name}</code>
                    <p className="mt-0.5 text-xs wrap-anywhere text-gray-600">{scope.description}</p>
                  </th>
                  <td role="cell" data-label="Kind" className={td}>
                    <Kind scope={scope} />
                  </td>
                  <td role="cell" data-label="Holders" className={`${td} tabular-nums`}>
                    {scope.holders}
                  </td>
                  <td role="cell" data-label="Tokens" className={`${td} tabular-nums`}>
                    {scope.tokens}
                  </td>
                  <td role="cell" data-label="New accounts" className={td}>
                    <DefaultToggle scope={scope} edit={actions.edit} />
                  </td>
                  <td role="cell" data-label="Status" className={td}>
                    <Badge tone="green">In use</Badge>
                  </td>
                  <td role="cell" className={`${td} max-lg:col-span-full max-lg:before:hidden`}>
                    {scope.builtIn ? (
                      <span className="text-xs text-gray-600">Built in: worded in Tollgate&apos;s code</span>
                    ) : (
                      <div className="flex flex-wrap gap-2">
                        <Button size="sm" onClick={() => setEditing(scope)} aria-label={`Edit ${scope.name}`}>
                          Edit
                        </Button>
                        <Button
                          size="sm"
                          id={`retire-${scope.name}`}
                          className="text-red-700"
                          onClick={() => void askToRetire(scope)}
                          disabled={counting !== null}
                          aria-label={`Retire ${scope.name}`}
                        >
                          {counting === scope.name ? "Counting…" : "Retire"}
                        </Button>
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {retired.length ? (
        <section aria-labelledby="retired-heading" className="space-y-3">
          <h2 id="retired-heading" className="text-lg font-semibold text-gray-900">
            Retired
          </h2>
          <p className="text-sm text-gray-600">Nobody holds these and they can never be granted again; tokens keep them on record.</p>
          <ul className="divide-y divide-gray-100 rounded-lg border border-gray-200 bg-white text-sm shadow-sm" aria-label="Retired scopes">
            {retired.map((scope) => (
              <li key={scope.name} className="flex flex-col gap-1 px-4 py-3 sm:flex-row sm:items-baseline sm:gap-4">
                <code className="font-mono wrap-anywhere text-gray-900 sm:w-56 sm:shrink-0">{scope.name}</code>
                <span className="min-w-0 flex-1 wrap-anywhere text-gray-700">{scope.description}</span>
                <span className="text-gray-600">
                  <Badge tone="gray">Retired</Badge> <LocalTime iso={scope.retiredAt!} dateOnly />
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <EditScopeDialog scope={editing} edit={actions.edit} onClose={() => setEditing(null)} />
      <ConfirmDialog
        open={retireOpen}
        onOpenChange={setRetireOpen}
        title={retiring ? `Retire ${retiring.name}?` : "Retire"}
        description={retiring ? <RetireConsequences scope={retiring} /> : null}
        confirmLabel="Retire scope"
        pendingLabel="Retiring…"
        onConfirm={() => retire(retiring!)}
        returnFocusTo={(confirmed) => (confirmed ? heading.current : retiring && document.getElementById(`retire-${retiring.name}`))}
      />
    </div>
  );
}

function RetireConsequences({ scope }: { scope: CatalogueScope }) {
  return (
    <>
      <p>
        <strong>{plural(scope.holders, "user holds", "users hold")}</strong> {scope.name} and{" "}
        <strong>{plural(scope.tokens, "token carries", "tokens carry")}</strong> it. Retiring withdraws it from every holder, so those tokens lose
        it at once, on every instance.
      </p>
      <p>It leaves the defaults for new accounts, can never be granted again, and its name cannot be reused. This cannot be undone.</p>
    </>
  );
}

function Kind({ scope }: { scope: CatalogueScope }) {
  return (
    <div className="flex flex-wrap gap-1">
      {scope.builtIn ? <Badge tone="blue">Built in</Badge> : <Badge tone="gray">Custom</Badge>}
      {scope.adminOnly ? <Badge tone="amber">Administrators only</Badge> : null}
    </div>
  );
}

/** Whether new accounts receive the scope: saved as soon as it is switched. */
function DefaultToggle({ scope, edit }: { scope: CatalogueScope; edit: ScopeActions["edit"] }) {
  const [pending, startTransition] = useTransition();
  // Shows the choice at once; back to the page's value if saving fails.
  const [checked, setChecked] = useOptimistic(scope.default);
  const id = `default-${scope.name}`;
  if (scope.adminOnly) return <span className="text-xs text-gray-600">Never (administrators only)</span>;

  function toggle(next: boolean) {
    startTransition(async () => {
      setChecked(next);
      const result = await callAction(() => edit(scope.name, { default: next }));
      if (result.ok) toast.success(next ? `New accounts now receive ${scope.name}.` : `New accounts no longer receive ${scope.name}.`);
      else toast.error(result.error);
    });
  }

  return (
    <label htmlFor={id} className="inline-flex items-center gap-2 text-gray-800">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={pending}
        onChange={(event) => toggle(event.target.checked)}
        aria-label={`New accounts receive ${scope.name}`}
        className="size-4 rounded border-gray-300 text-brand-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
      />
      <span aria-hidden="true">{checked ? "Yes" : "No"}</span>
    </label>
  );
}
