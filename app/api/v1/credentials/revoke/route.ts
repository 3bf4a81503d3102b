import type { NextRequest } from "next/server";
import { readJsonObject } from "@/lib/api/body";
import { errorResponse, json, refusalResponse } from "@/lib/api/responses";
import { clientOf } from "@/lib/client";
import { submitLeakReport, takeReportAllowance } from "@/lib/tokens/leaks";
import { MAX_REPORT_BODY_BYTES } from "@/lib/validation/leak-reports";

export const dynamic = "force-dynamic";

/**
 * Leaked secrets, reported by anyone: no token is needed (whoever found one may not hold one).
 * The address's hourly allowance is taken before the body is read; the answer is 202 with the
 * count given, whatever the secrets were (lib/tokens/leaks.ts).
 */
export async function POST(request: NextRequest): Promise<Response> {
  try {
    const client = clientOf(request.headers);
    const wait = takeReportAllowance(client);
    if (wait > 0) {
      return refusalResponse({
        code: "rate_limited",
        message: `Too many reports from your address. Try again in ${wait} seconds.`,
        headers: { "Retry-After": String(wait) },
      });
    }
    const body = await readJsonObject(request, { maxBytes: MAX_REPORT_BODY_BYTES });
    return json(submitLeakReport(body, client), { status: 202 });
  } catch (error) {
    return errorResponse(error);
  }
}
