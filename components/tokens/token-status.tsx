import { Badge, type BadgeTone } from "@/components/ui/badge";
import { LocalTime, RelativeTime } from "@/components/ui/local-time";
import type { Token } from "./types";

const REASONS = {
  revoked: { tone: "red", label: "Revoked" },
  expired: { tone: "gray", label: "Expired" },
  scheduled: { tone: "blue", label: "Scheduled" },
} as const satisfies Record<string, { tone: BadgeTone; label: string }>;

type StatusFields = Pick<Token, "status" | "validFrom" | "validTo" | "revokedAt" | "revokedBy" | "revocationReason" | "previousSecretExpiresAt">;

/** "Active", or "Inactive" with its reason and when it happened (or will); and until when a rotated-out secret still works. */
export function TokenStatusBadge({ token }: { token: StatusFields }) {
  const overlap = token.previousSecretExpiresAt ? (
    <p className="min-w-24 text-xs text-amber-800">
      Previous secret works until <LocalTime iso={token.previousSecretExpiresAt} />
    </p>
  ) : null;
  return overlap ? (
    <div className="space-y-0.5">
      <Status token={token} />
      {overlap}
    </div>
  ) : (
    <Status token={token} />
  );
}

function Status({ token }: { token: StatusFields }) {
  const { status } = token;
  if (status === "active") return <Badge tone="green">Active</Badge>;
  const reason = REASONS[status];
  const when = status === "revoked" ? token.revokedAt : status === "expired" ? token.validTo : token.validFrom;
  const by = status === "revoked" ? token.revokedBy : null;
  return (
    <div className="space-y-0.5">
      <Badge tone={reason.tone}>Inactive</Badge>
      <p className="min-w-24 text-xs text-gray-700">
        {by === "administrator" ? "Revoked by an administrator" : by === "system" ? "Revoked by Tollgate" : reason.label}
        {when ? (
          <>
            {status === "scheduled" ? ", starts " : " "}
            <RelativeTime iso={when} />
          </>
        ) : null}
      </p>
      {(by === "administrator" || by === "system") && token.revocationReason ? (
        <p className="line-clamp-3 min-w-24 text-xs wrap-anywhere text-gray-700" title={token.revocationReason}>
          <span className="font-medium">Reason:</span> {token.revocationReason}
        </p>
      ) : null}
    </div>
  );
}
