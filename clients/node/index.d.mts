/** Tollgate's introspection answer (RFC 7662), as POST /api/v1/introspect gives it. */
export type Introspection =
  | {
      active: true;
      /** The effective scopes, space-separated. */
      scope: string;
      client_id: string;
      guid: string;
      /** The owner's email. */
      username: string;
      /** The owner's id. */
      sub: string;
      token_type: "Bearer";
      iat: number;
      nbf: number;
      exp?: number;
    }
  | { active: false };

export type TollgateClientOptions = {
  /** Tollgate's base address, e.g. "https://tollgate.example.com". */
  url: string;
  /** A token with the scope tokens:introspect (the service's own). */
  token: string;
  /** Answers kept in memory, least recently used out first (default 10,000). */
  maxEntries?: number;
  /** How long an inactive answer is remembered, in ms (default 1,000; 0: never). */
  negativeTtlMs?: number;
  /** Silence on the feed after which it is taken for dead and reconnected, in ms (default 45,000). */
  idleTimeoutMs?: number;
  /** The longest wait between reconnection attempts, in ms (default 5,000). */
  maxBackoffMs?: number;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** The clock, in ms since the epoch (default Date.now). */
  now?: () => number;
};

export type TollgateClientStats = {
  /** verify() calls answered from memory. */
  hits: number;
  /** Requests made to POST /api/v1/introspect. */
  introspections: number;
  /** tokens.changed events received. */
  feedEvents: number;
  /** Successful connections to the change feed. */
  feedConnects: number;
  /** The reason given by the last `end` event, if any. */
  lastFeedEnd: string | null;
  lastFeedError: string | null;
  entries: number;
  negatives: number;
  /** "ready": answers from memory; otherwise every verify() asks Tollgate. */
  feed: "connecting" | "ready" | "down" | "closed";
};

export class TollgateError extends Error {
  /** The HTTP status Tollgate answered with; 0 when it could not be reached. */
  status: number;
}

export class TollgateClient {
  constructor(options: TollgateClientOptions);
  verify(secret: string): Promise<Introspection>;
  stats(): TollgateClientStats;
  ready(): Promise<void>;
  close(): void;
}
