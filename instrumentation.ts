/**
 * Runs once when the server starts. Node-only code lives in instrumentation-node.ts, imported
 * only in that runtime, as Next's instrumentation guide prescribes.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { flushOnShutdown } = await import("./instrumentation-node");
    flushOnShutdown();
    // `next build` may load this too, to prerender pages: no database then.
    if (process.env.NEXT_PHASE !== "phase-production-build") {
      const { checkStartup } = await import("./lib/startup");
      await checkStartup();
      const { startMaintenance } = await import("./lib/jobs/maintenance");
      startMaintenance();
      const { startMailDelivery } = await import("./lib/mail/outbox");
      startMailDelivery();
    }
  }
}
