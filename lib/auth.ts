import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GitLabProvider from "next-auth/providers/gitlab";
import { clientOf } from "@/lib/client";
import { config } from "@/lib/config";
import { TooManyAttemptsError } from "@/lib/errors";
import { signInWithLimits } from "@/lib/users/attempt-limits";
import { findOrCreateExternalUser } from "@/lib/users/service";
import { redirectWithinSite } from "@/lib/validation/accounts";

/** next-auth's error code for a paused sign-in; the sign-in form turns it into words. */
export const SIGN_IN_PAUSED = "TooManySignIns";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string };
  }
}

/**
 * Email and password always; GitHub and GitLab when their client id and secret are configured.
 * Sessions are JWTs in a cookie (next-auth's only choice with credentials); every page and action
 * re-reads the user from the database (lib/session.ts), so a deleted account stops at once.
 */
function externalProviders(): NextAuthOptions["providers"] {
  const providers: NextAuthOptions["providers"] = [];
  if (process.env.GITHUB_ID && process.env.GITHUB_SECRET) {
    providers.push(GitHubProvider({ clientId: process.env.GITHUB_ID, clientSecret: process.env.GITHUB_SECRET }));
  }
  if (process.env.GITLAB_ID && process.env.GITLAB_SECRET) {
    providers.push(GitLabProvider({ clientId: process.env.GITLAB_ID, clientSecret: process.env.GITLAB_SECRET }));
  }
  return providers;
}

export function externalProviderIds(): string[] {
  return externalProviders().map((p) => p.id);
}

let options: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  // Without NEXTAUTH_URL, next-auth would build its redirects for http://localhost:3000 whatever
  // port we run on; trusting the Host header is right for a single local instance. Deployments set NEXTAUTH_URL.
  if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "true";
  options ??= {
    secret: config().authSecret,
    session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
    pages: { signIn: "/signin", error: "/signin" },
    logger: {
      error(code, metadata) {
        // A cookie that no longer decrypts (tampered with, or made with an earlier NEXTAUTH_SECRET)
        // only means "signed out"; a stack trace per request for it would bury real errors.
        if (code === "JWT_SESSION_ERROR") console.warn("[next-auth] ignored a session cookie that could not be decrypted");
        else console.error(`[next-auth][${code}]`, metadata);
      },
      warn: (code) => console.warn(`[next-auth][${code}]`),
      debug: () => undefined,
    },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        authorize: async (credentials, request) => {
          // next-auth hands over the request's headers as a plain object.
          const client = clientOf(new Headers(request.headers as Record<string, string>));
          try {
            return await signInWithLimits(credentials, client.key);
          } catch (error) {
            // Thrown, next-auth answers with the message as its error code.
            if (error instanceof TooManyAttemptsError) throw new Error(SIGN_IN_PAUSED);
            throw error;
          }
        },
      }),
      ...externalProviders(),
    ],
    callbacks: {
      // The same rule as the sign-in page's callbackUrl: never off this site (docs/security.md).
      redirect: ({ url, baseUrl }) => redirectWithinSite(url, baseUrl),
      async signIn({ user, account }) {
        if (!account || account.type === "credentials") return true;
        // An external sign-in becomes (or finds) our own user by verified email.
        if (!user.email) return "/signin?error=EmailRequired";
        const ours = await findOrCreateExternalUser({ email: user.email, name: user.name ?? user.email });
        user.id = ours.id;
        return true;
      },
      async jwt({ token, user }) {
        if (user) token.sub = user.id;
        return token;
      },
      async session({ session, token }) {
        session.user = { id: token.sub ?? "", email: token.email ?? "", name: token.name ?? "" };
        return session;
      },
    },
  };
  return options;
}
