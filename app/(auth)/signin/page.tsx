import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { textLink } from "@/components/auth/styles";
import { externalProviderIds } from "@/lib/auth";
import { currentUser } from "@/lib/session";
import { safeCallbackUrl } from "@/lib/validation/accounts";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignInPage({ searchParams }: Props) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);

  return (
    <AuthCard
      title="Sign in to Tollgate"
      footer={
        <>
          No account yet?{" "}
          <Link className={textLink} href={`/signup?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
            Sign up
          </Link>
        </>
      }
    >
      <SignInForm
        callbackUrl={callbackUrl}
        providers={externalProviderIds()}
        errorCode={params.error}
        notice={params.reset === "done" ? "Your password was reset and every session signed out. Sign in with your new password." : undefined}
      />
    </AuthCard>
  );
}
