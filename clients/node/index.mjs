// Tollgate's client for Node.js services: verifies Tollgate tokens in memory and still refuses a
// revoked, edited or deleted token within a second, by following Tollgate's change feed.
// Node >= 20, standard library only. README.md says how it decides; index.d.ts has the types.
import { createHash } from "node:crypto";

const INACTIVE = Object.freeze({ active: false });
// A Tollgate secret's shape (lib/tokens/secret.ts): anything else is refused without asking.
const SECRET_SHAPE = /^tgp_[0-9A-Za-z]{36}$/;

/** Tollgate answered introspection with something other than 200 (or could not be reached). */
export class TollgateError extends Error {
  constructor(message, status, options) {
    super(message, options);
    this.name = "TollgateError";
    this.status = status;
  }
}

export class TollgateClient {
  #url;
  #authorization;
  #fetch;
  #now;
  #max;
  #negativeTtlMs;
  #idleTimeoutMs;
  #maxBackoffMs;
  /** sha256(secret) → { answer, guid, nbf, exp }, oldest use first (a Map keeps insertion order). */
  #entries = new Map();
  /** guid → the keys cached for it (a token has one secret, or two during a rotation's overlap). */
  #keysByGuid = new Map();
  /** sha256(secret) → until when "inactive" is remembered. */
  #negatives = new Map();
  /** Introspections in flight, so that many requests with one new token ask once. */
  #inFlight = new Map();
  #feed = "connecting";
  /** Bumped by every feed event and state change: an answer whose request saw one is not cached. */
  #epoch = 0;
  #closed = false;
  #abort;
  #retryTimer;
  #idleTimer;
  #backoffMs = 100;
  #waiters = [];
  #counters = { hits: 0, introspections: 0, feedEvents: 0, feedConnects: 0, lastFeedEnd: null, lastFeedError: null };

  /**
   * @param {object} options
   * @param {string} options.url Tollgate's base address, e.g. https://tollgate.example.com
   * @param {string} options.token a token with the scope tokens:introspect
   */
  constructor({
    url,
    token,
    maxEntries = 10_000,
    negativeTtlMs = 1_000,
    idleTimeoutMs = 45_000,
    maxBackoffMs = 5_000,
    fetch = globalThis.fetch,
    now = Date.now,
  }) {
    if (!url || !token) throw new TypeError("TollgateClient needs { url, token }: Tollgate's address and a token with tokens:introspect.");
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError("maxEntries must be a whole number of at least 1.");
    this.#url = String(url).replace(/\/+$/, "");
    this.#authorization = `Bearer ${token}`;
    this.#fetch = fetch;
    this.#now = now;
    this.#max = maxEntries;
    this.#negativeTtlMs = negativeTtlMs;
    this.#idleTimeoutMs = idleTimeoutMs;
    this.#maxBackoffMs = maxBackoffMs;
    void this.#follow();
  }

  /**
   * Tollgate's introspection answer for `secret` ({ active: true, scope, guid, sub, username, nbf,
   * exp?, … } or { active: false }): from memory while the change feed is up, else from Tollgate.
   * Rejects with a TollgateError when Tollgate must be asked and cannot answer.
   */
  verify(secret) {
    if (this.#closed) return Promise.reject(new TollgateError("This TollgateClient is closed.", 0));
    if (typeof secret !== "string" || !SECRET_SHAPE.test(secret)) return Promise.resolve(INACTIVE);
    const key = createHash("sha256").update(secret).digest("base64");
    if (this.#feed === "ready") {
      const entry = this.#entries.get(key);
      if (entry) {
        this.#counters.hits++;
        const seconds = this.#now() / 1000;
        // The window is judged on every call: a token past its end is refused without asking.
        if (seconds < entry.nbf || (entry.exp !== undefined && seconds >= entry.exp)) {
          this.#drop(key);
          return Promise.resolve(INACTIVE);
        }
        // Most recently used last, so that eviction takes the least recently used.
        this.#entries.delete(key);
        this.#entries.set(key, entry);
        return Promise.resolve(entry.answer);
      }
      const until = this.#negatives.get(key);
      if (until !== undefined) {
        if (until > this.#now()) {
          this.#counters.hits++;
          return Promise.resolve(INACTIVE);
        }
        this.#negatives.delete(key);
      }
    }
    return this.#introspect(secret, key);
  }

  /** Counters for tests and benchmarks. */
  stats() {
    return { ...this.#counters, entries: this.#entries.size, negatives: this.#negatives.size, feed: this.#feed };
  }

  /** Resolves once the change feed is ready (at once if it is): from then on known tokens are answered from memory. */
  ready() {
    if (this.#feed === "ready") return Promise.resolve();
    if (this.#closed) return Promise.reject(new TollgateError("This TollgateClient is closed.", 0));
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Stops following the feed and forgets everything. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#setFeed("closed");
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#idleTimer);
    this.#abort?.abort();
    this.#forget();
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new TollgateError("This TollgateClient is closed.", 0));
  }

  #introspect(secret, key) {
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const epoch = this.#epoch;
    this.#counters.introspections++;
    const asked = this.#fetch(`${this.#url}/api/v1/introspect`, {
      method: "POST",
      headers: { authorization: this.#authorization, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ token: secret }),
    })
      .then(
        async (response) => {
          if (response.status !== 200) {
            const text = await response.text().catch(() => "");
            throw new TollgateError(`Tollgate answered introspection with ${response.status}: ${text.slice(0, 300)}`, response.status);
          }
          return response.json();
        },
        (error) => {
          throw new TollgateError(`Tollgate could not be asked: ${error?.message ?? error}`, 0, { cause: error });
        },
      )
      .then((answer) => {
        // Kept only if the feed was up for the whole question and said nothing meanwhile: an event
        // that crossed the answer might be about this very token.
        if (this.#feed === "ready" && this.#epoch === epoch) this.#remember(key, answer);
        return answer;
      })
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, asked);
    return asked;
  }

  #remember(key, answer) {
    if (answer?.active === true && typeof answer.guid === "string" && typeof answer.nbf === "number") {
      this.#entries.set(key, { answer: Object.freeze(answer), guid: answer.guid, nbf: answer.nbf, exp: answer.exp });
      let keys = this.#keysByGuid.get(answer.guid);
      if (!keys) this.#keysByGuid.set(answer.guid, (keys = new Set()));
      keys.add(key);
      if (this.#entries.size > this.#max) this.#drop(this.#entries.keys().next().value);
    } else if (answer?.active === false && this.#negativeTtlMs > 0) {
      // Briefly: a token not valid yet, or an account re-enabled, must start working soon.
      this.#negatives.set(key, this.#now() + this.#negativeTtlMs);
      if (this.#negatives.size > this.#max) this.#negatives.delete(this.#negatives.keys().next().value);
    }
  }

  #drop(key) {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    const keys = this.#keysByGuid.get(entry.guid);
    keys?.delete(key);
    if (keys?.size === 0) this.#keysByGuid.delete(entry.guid);
  }

  #dropGuid(guid) {
    const keys = this.#keysByGuid.get(guid);
    if (!keys) return;
    this.#keysByGuid.delete(guid);
    for (const key of keys) this.#entries.delete(key);
  }

  #forget() {
    this.#entries.clear();
    this.#keysByGuid.clear();
    this.#negatives.clear();
  }

  #setFeed(state) {
    this.#feed = state;
    this.#epoch++;
    if (state === "ready") for (const waiter of this.#waiters.splice(0)) waiter.resolve();
  }

  /** Connects to the change feed and reads it until it ends; then forgets everything and reconnects. */
  async #follow() {
    if (this.#closed) return;
    const controller = new AbortController();
    this.#abort = controller;
    let retryAfterMs = 0;
    try {
      const response = await this.#fetch(`${this.#url}/api/v1/introspect/changes`, {
        headers: { authorization: this.#authorization, accept: "text/event-stream" },
        signal: controller.signal,
      });
      if (response.status !== 200 || !response.body) {
        // A refusal that says when to come back (429: the token's feeds all taken) is not asked again sooner.
        const seconds = Number(response.headers.get("retry-after"));
        if (Number.isFinite(seconds) && seconds > 0) retryAfterMs = seconds * 1000;
        const text = await response.text().catch(() => "");
        throw new TollgateError(`Tollgate answered the change feed with ${response.status}: ${text.slice(0, 300)}`, response.status);
      }
      this.#counters.feedConnects++;
      await this.#read(response.body, controller);
    } catch (error) {
      if (!this.#closed) this.#counters.lastFeedError = String(error?.message ?? error);
    } finally {
      clearTimeout(this.#idleTimer);
      if (!this.#closed) {
        // Changes may go unheard from now on: nothing cached may be trusted.
        this.#setFeed("down");
        this.#forget();
        const delay = Math.max(retryAfterMs, this.#backoffMs * (0.5 + Math.random() / 2));
        this.#backoffMs = Math.min(this.#backoffMs * 2, this.#maxBackoffMs);
        this.#retryTimer = setTimeout(() => void this.#follow(), delay);
        this.#retryTimer.unref?.();
      }
    }
  }

  async #read(body, controller) {
    const idle = () => {
      clearTimeout(this.#idleTimer);
      // Tollgate sends a heartbeat every 15 s: silence this long means a connection gone dead.
      this.#idleTimer = setTimeout(() => controller.abort(), this.#idleTimeoutMs);
      this.#idleTimer.unref?.();
    };
    idle();
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      idle();
      buffer += value.replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        this.#dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  /** One server-sent event (its lines without the blank line that ends it). */
  #dispatch(block) {
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    if (data.length === 0) return;
    let payload;
    try {
      payload = JSON.parse(data.join("\n"));
    } catch {
      // Unreadable: the safe reading is "anything may have changed".
      this.#epoch++;
      this.#forget();
      return;
    }
    if (event === "ready") {
      this.#backoffMs = 100;
      this.#setFeed("ready");
    } else if (event === "tokens.changed") {
      this.#counters.feedEvents++;
      this.#epoch++;
      for (const guid of payload.guids ?? []) this.#dropGuid(guid);
    } else if (event === "end") {
      this.#counters.lastFeedEnd = payload.reason ?? null;
    }
  }
}
