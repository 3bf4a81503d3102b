import { Badge } from "./badge";

/** Scope names as badges: the token list, the users and every-token pages show them alike. */
export function ScopeBadges({ scopes }: { scopes: readonly string[] }) {
  return (
    <ul className="flex flex-wrap gap-1">
      {scopes.map((scope) => (
        <li key={scope} className="max-w-full">
          <Badge tone="gray" className="max-w-full font-mono">
            {/* A scope name may be 64 characters: cut to the column, whole on hover. */}
            <span className="truncate" title={scope}>
              {scope}
            </span>
          </Badge>
        </li>
      ))}
    </ul>
  );
}
