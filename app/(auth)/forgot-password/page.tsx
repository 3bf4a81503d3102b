import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";
import { textLink } from "@/components/auth/styles";
import { forgotPasswordAction } from "./actions";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <AuthCard
      title="Reset your password"
      footer={
        <>
          Remembered it?{" "}
          <Link className={textLink} href="/signin">
            Sign in
          </Link>
        </>
      }
    >
      <ForgotPasswordForm request={forgotPasswordAction} />
    </AuthCard>
  );
}
