import type { Metadata } from "next";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { inspectResetLinkAction, resetPasswordAction } from "./actions";

export const metadata: Metadata = { title: "Choose a new password" };

/** The link's secret is in the fragment, which only the browser sees: the form reads it there. */
export default function ResetPasswordPage() {
  return <ResetPasswordForm inspect={inspectResetLinkAction} reset={resetPasswordAction} />;
}
