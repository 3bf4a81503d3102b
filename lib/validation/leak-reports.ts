import { z } from "zod";
import { strictFields } from "./fields";

/** What one report to POST /api/v1/credentials/revoke may hold (docs/secret-scanning.md). */
export const MAX_REPORTED_CREDENTIALS = 1000;
export const MAX_REPORT_SOURCE_LENGTH = 2048;
/** A report of 1,000 secrets with whitespace and a long source fits several times over; the general 16 KiB does not. */
export const MAX_REPORT_BODY_BYTES = 128 * 1024;

export const leakReportSchema = strictFields(
  {
    credentials: z
      .array(z.string({ error: "Each credential must be a string." }), { error: "Give the secrets found as an array of strings." })
      .min(1, "Give at least one secret.")
      .max(MAX_REPORTED_CREDENTIALS, `Give at most ${MAX_REPORTED_CREDENTIALS} secrets per report; send the rest in another.`)
      .meta({
        description:
          `The secrets found (1–${MAX_REPORTED_CREDENTIALS}), e.g. "tgp_…". Anything that is not a well-formed Tollgate secret is ignored, not refused.`,
        example: ["tgp_W3ilCfLwl53MeI6toDSvgIVwlEb8O53c4aBV"],
      }),
    source: z
      .string({ error: "Give the source as a string." })
      .trim()
      .min(1, "Leave the source out rather than sending it empty.")
      .max(MAX_REPORT_SOURCE_LENGTH, `Keep the source under ${MAX_REPORT_SOURCE_LENGTH} characters.`)
      .optional()
      .meta({ description: "Where the secrets were found (a URL, a repository and path); told to the tokens' owners.", example: "https://gist.github.com/someone/0123abcd" }),
  },
  'The body must be a JSON object such as {"credentials": ["tgp_…"], "source": "https://…"}.',
).meta({ id: "LeakReport" });

export type LeakReportInput = z.infer<typeof leakReportSchema>;

export const leakReportReceiptSchema = z
  .object({ received: z.number().int().meta({ description: "How many secrets the report held, as given (the same whether any was real)." }) })
  .meta({ id: "LeakReportReceipt" });
