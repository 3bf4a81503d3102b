import "server-only";
import { Client } from "pg";
import { countBackgroundStatement } from "./stats";

/**
 * Token, grant and session changes committed by any instance: triggers (migration
 * 20261122030000_change_notifications) NOTIFY `tollgate_changes`, and each instance LISTENs on one
 * connection. Notifications sent while it is down are lost, hence `disconnected()` at once (stop
 * trusting caches) and `connected()` once listening again (forget everything, then trust).
 */
export const CHANGE_CHANNEL = "tollgate_changes";

export type Change = { token?: string; user?: string; session?: string };

export type ChangeHandlers = {
  change(change: Change): void;
  connected(): void;
  disconnected(): void;
};

export type ChangeListener = { stop(): Promise<void> };

export function listenForChanges(
  connectionString: string,
  handlers: ChangeHandlers,
  options: { maxBackoffMs?: number; log?: (message: string) => void } = {},
): ChangeListener {
  const maxBackoff = options.maxBackoffMs ?? 2_000;
  const log = options.log ?? ((message: string) => console.warn(`[tollgate] ${message}`));
  let client: Client | undefined;
  let stopped = false;
  let backoff = 50;
  let retryTimer: NodeJS.Timeout | undefined;

  const scheduleReconnect = () => {
    if (stopped || retryTimer) return;
    // Until we are back, anything may change unheard.
    handlers.disconnected();
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, backoff);
    retryTimer.unref();
    backoff = Math.min(backoff * 2, maxBackoff);
  };

  const connect = async () => {
    const next = new Client({ connectionString, keepAlive: true });
    client = next;
    next.on("notification", (message) => {
      if (message.channel !== CHANGE_CHANNEL || !message.payload) return;
      try {
        handlers.change(JSON.parse(message.payload) as Change);
      } catch {
        // Not ours or garbled: the safe answer to an unreadable change is to forget everything.
        handlers.disconnected();
        handlers.connected();
      }
    });
    next.on("error", (error) => {
      log(`change listener connection failed: ${error.message}; reconnecting`);
      next.removeAllListeners("end");
      void next.end().catch(() => undefined);
      scheduleReconnect();
    });
    next.on("end", () => scheduleReconnect());
    try {
      await next.connect();
      countBackgroundStatement();
      await next.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (stopped) {
        await next.end();
        return;
      }
      backoff = 50;
      handlers.connected();
    } catch (error) {
      if (stopped) return;
      log(`change listener could not connect: ${(error as Error).message}; retrying`);
      next.removeAllListeners("end");
      next.removeAllListeners("error");
      void next.end().catch(() => undefined);
      scheduleReconnect();
    }
  };

  void connect();

  return {
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      const current = client;
      client = undefined;
      if (current) {
        current.removeAllListeners("end");
        current.removeAllListeners("error");
        await current.end().catch(() => undefined);
      }
    },
  };
}

/**
 * One LISTEN connection per process, heard by every cache that subscribes (tokens, sessions):
 * each subscriber gets every change and every connected/disconnected. One who subscribes while
 * the connection is up is told `connected()` at once, since from then on it hears everything.
 */
export class ChangeFanOut implements ChangeHandlers {
  private readonly subscribers: ChangeHandlers[] = [];
  private up = false;

  subscribe(handlers: ChangeHandlers): void {
    this.subscribers.push(handlers);
    if (this.up) handlers.connected();
  }

  change(change: Change): void {
    for (const s of this.subscribers) s.change(change);
  }

  connected(): void {
    this.up = true;
    for (const s of this.subscribers) s.connected();
  }

  disconnected(): void {
    this.up = false;
    for (const s of this.subscribers) s.disconnected();
  }
}
