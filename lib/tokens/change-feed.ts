import "server-only";
import { refusalResponse } from "@/lib/api/responses";
import { apiConfig } from "@/lib/config";
import { database } from "@/lib/db";
import { loggable } from "@/lib/errors";
import { onTokenChange } from "./events";
import { pairsAffected } from "./introspected";
import { verifySecret, type VerifiedToken } from "./verify";

/**
 * GET /api/v1/introspect/changes: server-sent events telling a service which of the tokens it has
 * introspected changed, so that it may keep introspection answers in memory (clients/node).
 * docs/architecture.md, "Change feed", has the design; API_DOCUMENTATION.md the events.
 *
 * One hub per process hears every committed change once (PostgreSQL: NOTIFY through the shared
 * listener; embedded: this process's own announcements), looks up which open feeds' services know
 * the tokens named, and writes to those feeds. A feed is `ready` only while the hub hears every
 * change; when it stops hearing (the listener's connection dropped) every feed ends, so that no
 * client trusts a cache that might have missed a change.
 */
const INTROSPECT = "tokens:introspect";

export type EndReason = "shutdown" | "token_invalid" | "changes_unheard";

type Feed = {
  serviceGuid: string;
  userId: string;
  ready(): void;
  changed(guids: string[]): void;
  end(reason: EndReason): void;
  /** Ends the feed if its own token is no longer valid or lost tokens:introspect. */
  recheck(): void;
};

class FeedHub {
  private readonly feeds = new Set<Feed>();
  private hearing = false;
  private closed = false;
  private started = false;
  private readonly tokens = new Set<string>();
  private readonly users = new Set<string>();
  private scheduled = false;

  add(feed: Feed): void {
    if (this.closed) return feed.end("shutdown");
    this.feeds.add(feed);
    this.start();
    if (this.hearing) feed.ready();
  }

  remove(feed: Feed): void {
    this.feeds.delete(feed);
  }

  get size(): number {
    return this.feeds.size;
  }

  /** The feeds open here for one service token. */
  openFor(serviceGuid: string): number {
    let open = 0;
    for (const feed of this.feeds) if (feed.serviceGuid === serviceGuid) open++;
    return open;
  }

  /** Ends every feed and refuses new ones: the instance is stopping. */
  close(): void {
    this.closed = true;
    this.endAll("shutdown");
  }

  private endAll(reason: EndReason): void {
    for (const feed of [...this.feeds]) feed.end(reason);
  }

  /** Subscribes once per process, when the first feed opens. */
  private start(): void {
    if (this.started) return;
    this.started = true;
    void database().then((db) => {
      const listening = db.listen({
        change: ({ token, user }) => this.heard(token, user),
        connected: () => {
          this.hearing = true;
          for (const feed of this.feeds) feed.ready();
        },
        disconnected: () => {
          this.hearing = false;
          this.endAll("changes_unheard");
        },
      });
      if (listening) return;
      // Embedded: one process, so its own announcements are every change there is.
      onTokenChange(({ tokenGuid, userId }) => this.heard(tokenGuid, userId));
      this.hearing = true;
      for (const feed of this.feeds) feed.ready();
    }, (error: unknown) => {
      // The database cannot be opened yet: the next feed tries again.
      console.error("Change feed: could not open the database to follow changes.", loggable(error));
      this.started = false;
      this.endAll("changes_unheard");
    });
  }

  private heard(token: string | undefined, user: string | undefined): void {
    if (token) this.tokens.add(token);
    if (user) this.users.add(user);
    if (this.scheduled || (!token && !user)) return;
    this.scheduled = true;
    // Gathered for a turn: a scope retired or an account deleted announces many changes at once.
    setImmediate(() => {
      this.scheduled = false;
      void this.deliver();
    });
  }

  private async deliver(): Promise<void> {
    const tokens = [...this.tokens];
    const users = [...this.users];
    this.tokens.clear();
    this.users.clear();
    const feeds = [...this.feeds];
    if (feeds.length === 0) return;
    const changedToken = new Set(tokens);
    const changedUser = new Set(users);
    for (const feed of feeds) if (changedToken.has(feed.serviceGuid) || changedUser.has(feed.userId)) feed.recheck();
    let pairs;
    try {
      pairs = await pairsAffected([...new Set(feeds.map((f) => f.serviceGuid))], tokens, users);
    } catch (error) {
      // Who should hear of this change is unknown: no feed may go on being trusted.
      console.error("Change feed: could not look up who knows the changed tokens; ending every feed.", loggable(error));
      return this.endAll("changes_unheard");
    }
    const byService = new Map<string, string[]>();
    for (const { service, token } of pairs) {
      const known = byService.get(service);
      if (known) known.push(token);
      else byService.set(service, [token]);
    }
    for (const feed of this.feeds) {
      const guids = byService.get(feed.serviceGuid);
      if (guids) feed.changed(guids);
    }
  }
}

const holder = globalThis as unknown as { tollgateFeedHub?: FeedHub };
const hub = () => (holder.tollgateFeedHub ??= new FeedHub());

/**
 * Ends every feed with `event: end` (reason shutdown) and refuses new ones; resolves once the last
 * words have had a moment to be written. Called first on SIGTERM (instrumentation-node.ts).
 */
export async function closeChangeFeeds(): Promise<void> {
  const open = holder.tollgateFeedHub?.size ?? 0;
  holder.tollgateFeedHub?.close();
  if (open) await new Promise((resolve) => setTimeout(resolve, 100));
}

const encoder = new TextEncoder();
/** A refused feed's Retry-After: long enough that a reconnecting client does not hammer, short enough to take a freed place. */
const RETRY_AFTER_FULL_SECONDS = 10;

/**
 * The stream for one connected service: `service` is its verified token, `secret` what it sent.
 * A token already holding CHANGE_FEEDS_PER_TOKEN feeds here is refused: each feed is a connection
 * held open, and one token must not hold the instance's.
 */
export function changeFeedResponse(service: VerifiedToken, secret: string, signal: AbortSignal): Response {
  const { changeFeedsPerToken, changeFeedHeartbeatMs } = apiConfig();
  // Counted and added in one synchronous turn (the stream's start runs in its constructor): no two requests slip past together.
  if (hub().openFor(service.guid) >= changeFeedsPerToken) {
    return refusalResponse({
      code: "rate_limited",
      message: `This token already has ${changeFeedsPerToken} change feeds open on this instance. Close one, or give each service its own token.`,
      headers: { "Retry-After": String(RETRY_AFTER_FULL_SECONDS) },
    });
  }
  let close = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const write = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          close();
        }
      };
      const heartbeat = setInterval(() => {
        write(": heartbeat\n\n");
        // A feed's token can also stop by time (its end, a rotation's overlap): no change announces that.
        feed.recheck();
      }, changeFeedHeartbeatMs);
      heartbeat.unref();
      close = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        hub().remove(feed);
        try {
          controller.close();
        } catch {
          // Already closed by the other side.
        }
      };
      const feed: Feed = {
        serviceGuid: service.guid,
        userId: service.userId,
        ready: () => write("event: ready\ndata: {}\n\n"),
        changed: (guids) => write(`event: tokens.changed\ndata: ${JSON.stringify({ guids })}\n\n`),
        end: (reason) => {
          write(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
          close();
        },
        recheck: () => {
          verifySecret(secret).then(
            (result) => {
              if (!result.ok || !result.token.scopes.includes(INTROSPECT)) feed.end("token_invalid");
            },
            // The database did not answer: the token is checked again at the next heartbeat.
            () => undefined,
          );
        },
      };
      // `retry`: how soon an EventSource reconnects; a comment first so that proxies pass the headers on.
      write("retry: 1000\n: Tollgate change feed\n\n");
      signal.addEventListener("abort", () => close(), { once: true });
      hub().add(feed);
    },
    cancel() {
      close();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      // no-transform: compression would hold events back until a buffer fills.
      "Cache-Control": "no-store, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
}
