import "server-only";
import type { NextAuthOptions } from "next-auth";
import { headers } from "next/headers";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GitLabProvider from "next-auth/providers/gitlab";
import { clientOf } from "@/lib/client";
import { config } from "@/lib/config";
import { AccountDisabledError, TooManyAttemptsError } from "@/lib/errors";
import { sessionOfToken } from "@/lib/sessions/check";
import { createSession, endSessionById } from "@/lib/sessions/service";
import { signInWithLimits } from "@/lib/users/attempt-limits";
import { findOrCreateExternalUser } from "@/lib/users/service";
import { redirectWithinSite } from "@/lib/validation/accounts";

/** next-auth's error code for a paused sign-in; the sign-in form turns it into words. */
export const SIGN_IN_PAUSED = "TooManySignIns";
/** The error code for a disabled account, given only after its password or provider was accepted. */
export const ACCOUNT_DISABLED = "AccountDisabled";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    /** The server-side session (lib/sessions) this cookie belongs to. */
    sid?: string;
  }
}

/** Thrown from the jwt callback for an ended session: next-auth then answers "no session" and clears the cookie. */
class SessionEndedError extends Error {
  constructor() {
    super("The session has ended.");
    this.name = "SessionEndedError";
  }
}

/**
 * Email and password always; GitHub and GitLab when their client id and secret are configured.
 * Sessions are JWTs in a cookie (next-auth's only choice with credentials) that carry the id of a
 * server-side session (lib/sessions): every sign-in creates one, sign-out deletes it, and a cookie
 * naming an ended session is refused everywhere, the session endpoint included.
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
        if (code === "JWT_SESSION_ERROR" && metadata instanceof SessionEndedError) return; // signed out elsewhere: nothing to report
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
            return await signInWithLimits(credentials, client);
          } catch (error) {
            // Thrown, next-auth answers with the message as its error code.
            if (error instanceof TooManyAttemptsError) throw new Error(SIGN_IN_PAUSED);
            if (error instanceof AccountDisabledError) throw new Error(ACCOUNT_DISABLED);
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
        try {
          user.id = (await findOrCreateExternalUser({ email: user.email, name: user.name ?? user.email })).id;
        } catch (error) {
          if (error instanceof AccountDisabledError) return `/signin?error=${ACCOUNT_DISABLED}`;
          throw error;
        }
        return true;
      },
      async jwt({ token, user, account }) {
        if (user) {
          // Sign-in: the cookie about to be issued names a new server-side session.
          token.sub = user.id;
          token.sid = await createSession(user.id, clientOf(await headers()), new Date(), account?.provider ?? "credentials");
          return token;
        }
        // Every other use (the session endpoint, getServerSession): only a live session is renewed.
        const session = await sessionOfToken(token, await headers());
        if (!session) throw new SessionEndedError();
        token.email = session.user.email;
        token.name = session.user.name;
        return token;
      },
      async session({ session, token }) {
        session.user = { id: token.sub ?? "", email: token.email ?? "", name: token.name ?? "" };
        return session;
      },
    },
    events: {
      // The cookie is cleared by next-auth; the session it named ends on every instance.
      async signOut({ token }) {
        await endSessionById(token?.sid, clientOf(await headers()));
      },
    },
  };
  return options;
}
