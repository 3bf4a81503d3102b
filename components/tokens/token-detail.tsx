import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { CopyButton } from "@/components/ui/copy-button";
import { LocalTime, RelativeTime } from "@/components/ui/local-time";
import { expiryOf } from "./expiry";
import { TokenStatusBadge } from "./token-status";
import type { ScopeOption, Token } from "./types";

/**
 * The sections of a token's page (app/settings/tokens/[guid]/page.tsx) other than its chart:
 * server components, since nothing here is interactive but the copy button and the times.
 */

export type SecretHistoryItem = { partial: string; issuedAt: string; stoppedAt: string | null; current: boolean };
export type AddressItem = { ip: string; firstSeenAt: string; lastSeenAt: string; uses: number; userAgent: string | null };
export type SourceItem = { guid: string; name: string | null; answered: number; refusedScope: number; refusedRate: number };

export function Section({ id, title, description, children }: { id: string; title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`} id={id} className="scroll-mt-4 rounded-lg border border-gray-200 bg-white p-4 shadow-sm sm:p-6">
      <h2 id={`${id}-heading`} className="text-lg font-semibold text-gray-900">
        {title}
      </h2>
      {description ? <p className="mt-1 text-sm text-gray-600">{description}</p> : null}
      <div className="mt-4">{children}</div>
    </section>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-semibold tracking-wide text-gray-700 uppercase">{label}</dt>
      <dd className="mt-1 text-sm text-gray-900">{children}</dd>
    </div>
  );
}

const muted = (text: string) => <span className="text-gray-600">{text}</span>;

/** Every field of the token, its status in the list's words, and who revoked it and why. */
export function TokenFields({ token, scopes, now }: { token: Token; scopes: ScopeOption[]; now: Date }) {
  const expiry = expiryOf(token, now);
  return (
    <dl className="grid gap-x-6 gap-y-4 sm:grid-cols-2 lg:grid-cols-3">
      <Field label="Status">
        <TokenStatusBadge token={token} />
      </Field>
      <Field label="Token">
        <code className="font-mono text-xs">{token.partial}</code>
      </Field>
      <Field label="GUID">
        <span className="flex items-center gap-1">
          <code className="font-mono text-xs break-all">{token.guid}</code>
          <CopyButton value={token.guid} label="Copy GUID" iconOnly />
        </span>
      </Field>
      <Field label="Created">
        <LocalTime iso={token.createdAt} />
      </Field>
      <Field label="Last changed">
        <LocalTime iso={token.updatedAt} />
      </Field>
      <Field label="Active from">
        <LocalTime iso={token.validFrom} />
      </Field>
      <Field label="Expires">
        {expiry.kind === "never" ? (
          muted("Never")
        ) : (
          <span className="space-y-0.5">
            <LocalTime iso={expiry.at} />
            {expiry.kind === "soon" ? <span className="block text-xs font-medium text-amber-800">{expiry.inWords}</span> : null}
            {expiry.kind === "ended" ? (
              <span className="block">
                <Badge tone={expiry.marker === "Revoked" ? "red" : "gray"}>{expiry.marker}</Badge>
              </span>
            ) : null}
          </span>
        )}
      </Field>
      <Field label="Last used">
        {token.lastUsedAt ? (
          <span className="block">
            <RelativeTime iso={token.lastUsedAt} />
            {token.lastUsedIp ? <span className="block text-xs wrap-anywhere text-gray-700">from {token.lastUsedIp}</span> : null}
            {token.lastUsedUserAgent ? <span className="block text-xs wrap-anywhere text-gray-700">{token.lastUsedUserAgent}</span> : null}
          </span>
        ) : (
          muted("Never")
        )}
      </Field>
      <Field label="Rotation overlap">
        {token.previousSecretExpiresAt ? (
          <span>
            The previous secret works until <LocalTime iso={token.previousSecretExpiresAt} />
          </span>
        ) : (
          muted("None: only the current secret works")
        )}
      </Field>
      {token.revokedAt ? (
        <Field label="Revoked">
          <span className="block">
            <LocalTime iso={token.revokedAt} /> by {token.revokedBy === "administrator" ? "an administrator" : token.revokedBy === "system" ? "Tollgate" : "you"}
          </span>
          {token.revocationReason ? (
            <span className="mt-0.5 block wrap-anywhere">
              <span className="font-medium">Reason:</span> {token.revocationReason}
            </span>
          ) : null}
        </Field>
      ) : null}
      <div className="sm:col-span-2 lg:col-span-3">
        <dt className="text-xs font-semibold tracking-wide text-gray-700 uppercase">Scopes</dt>
        <dd className="mt-1">
          {scopes.length ? (
            <ul className="space-y-1 text-sm">
              {scopes.map((scope) => (
                <li key={scope.name} className="flex flex-wrap items-baseline gap-x-2">
                  <code className="font-mono text-xs font-medium wrap-anywhere text-gray-900">{scope.name}</code>
                  <span className="text-gray-700">{scope.description || "No description in the catalogue"}</span>
                </li>
              ))}
            </ul>
          ) : (
            muted("None")
          )}
        </dd>
      </div>
    </dl>
  );
}

const table = "w-full text-left text-sm";
const th = "px-2 py-2 text-xs font-semibold tracking-wide text-gray-700 uppercase first:pl-0";
const td = "px-2 py-2 align-top first:pl-0";

/** Each secret the token has had, newest first: its partial, when it was issued and when it stopped working. */
export function SecretHistoryTable({ history, token, now }: { history: SecretHistoryItem[]; token: Token; now: Date }) {
  if (!history.length) return <p className="text-sm text-gray-600">No secrets on record.</p>;
  const tokenEnd = token.revokedAt ?? token.validTo;
  return (
    <table className={table}>
      <caption className="sr-only">The token&apos;s secrets, newest first</caption>
      <thead>
        <tr>
          <th scope="col" className={th}>
            Secret
          </th>
          <th scope="col" className={th}>
            Issued
          </th>
          <th scope="col" className={th}>
            Stopped working
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-gray-100">
        {history.map((secret) => (
          <tr key={`${secret.partial}-${secret.issuedAt}`}>
            <th scope="row" className={`${td} font-normal`}>
              <code className="font-mono text-xs">{secret.partial}</code>
              {secret.current ? (
                <span className="ml-2">
                  <Badge tone="green">Current</Badge>
                </span>
              ) : null}
            </th>
            <td className={td}>
              <LocalTime iso={secret.issuedAt} />
            </td>
            <td className={td}>
              {secret.stoppedAt ? (
                <StopTime iso={secret.stoppedAt} now={now.getTime()} />
              ) : tokenEnd ? (
                <span>
                  With the token: <LocalTime iso={tokenEnd} />
                </span>
              ) : (
                muted("Still works")
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function StopTime({ iso, now }: { iso: string; now: number }) {
  return new Date(iso).getTime() > now ? (
    <span>
      Works until <LocalTime iso={iso} /> (overlap)
    </span>
  ) : (
    <LocalTime iso={iso} />
  );
}

/** The addresses the token was used from, most recently seen first. */
export function AddressTable({ addresses }: { addresses: AddressItem[] }) {
  if (!addresses.length) return <p className="text-sm text-gray-600">Not used from any address yet.</p>;
  return (
    <ul className="divide-y divide-gray-100" aria-label="Addresses">
      {addresses.map((address) => (
        <li key={address.ip} className="py-2 text-sm first:pt-0">
          <p className="font-mono font-medium wrap-anywhere text-gray-900">{address.ip}</p>
          <p className="text-gray-700">
            {address.uses} {address.uses === 1 ? "use" : "uses"}; first seen <LocalTime iso={address.firstSeenAt} />, last seen{" "}
            <LocalTime iso={address.lastSeenAt} />
          </p>
          {address.userAgent ? <p className="text-xs wrap-anywhere text-gray-600">{address.userAgent}</p> : null}
        </li>
      ))}
    </ul>
  );
}

/** The service tokens that introspected this one (each introspection counts as a use). */
export function SourceList({ sources }: { sources: SourceItem[] }) {
  if (!sources.length) return <p className="text-sm text-gray-600">No service has introspected this token in the last 90 days.</p>;
  return (
    <ul className="space-y-1 text-sm" aria-label="Services that introspected this token">
      {sources.map((source) => (
        <li key={source.guid} className="wrap-anywhere">
          {source.name ? (
            <span className="font-medium">{source.name}</span>
          ) : (
            <span>
              A token of another account, <code className="font-mono text-xs">{source.guid}</code>
            </span>
          )}
          : {source.answered} answered, {source.refusedScope + source.refusedRate} refused
        </li>
      ))}
    </ul>
  );
}

