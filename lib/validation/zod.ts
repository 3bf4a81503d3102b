import { z } from "zod";

// In the browser zod probes `new Function` once to decide whether to compile its parsers; our CSP
// refuses eval, and the refused probe is reported as a violation. The server keeps the compiled path.
if (typeof window !== "undefined") z.config({ jitless: true });

export { z };
