import NextAuth, { type NextAuthConfig } from "next-auth";
import { headers } from "next/headers";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "@/server/db";
import { env } from "@/server/env";
import type { SessionUser } from "@/server/trpc";
import { clientIp } from "./client-ip";
import { localSignIn } from "./local-sign-in";
import { provisionOidcUser } from "./oidc-provision";
import { authSecret } from "./secret";
import { endSessions, sessionEpoch, sessionStillValid } from "./sessions";

const credentials = z.object({ email: z.string().max(254), password: z.string().max(1000) });

/** Regulated firms expect a working day, not a month (Auth.js defaults to 30 days). */
const SESSION_SECONDS = 8 * 60 * 60;

function oidcProvider(): NextAuthConfig["providers"] {
  const e = env();
  if (!e.PLUMBLINE_OIDC_ISSUER || !e.PLUMBLINE_OIDC_CLIENT_ID) return [];
  return [
    {
      id: "oidc",
      name: e.PLUMBLINE_OIDC_NAME,
      type: "oidc",
      issuer: e.PLUMBLINE_OIDC_ISSUER,
      clientId: e.PLUMBLINE_OIDC_CLIENT_ID,
      clientSecret: e.PLUMBLINE_OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      checks: ["pkce", "state", "nonce"],
    },
  ];
}

/** Whether the sign-in page should offer single sign-on, and under which name. */
export function oidcName(): string | undefined {
  const e = env();
  return e.PLUMBLINE_OIDC_ISSUER && e.PLUMBLINE_OIDC_CLIENT_ID ? e.PLUMBLINE_OIDC_NAME : undefined;
}

/**
 * Auth.js, configured lazily on the first request so nothing reads the environment or the store
 * during `next build`. JWT sessions; cookies are `Secure` whenever the site is served over https
 * (Auth.js decides from AUTH_URL or the request's protocol); CSRF is Auth.js's double-submit token
 * for its own routes and Next.js's origin check for the sign-in server action.
 */
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_SECONDS },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) return null;
        return localSignIn(await db(), { ...parsed.data, ip: clientIp(request.headers) });
      },
    }),
    ...oidcProvider(),
  ],
  events: {
    async signOut(message) {
      const uid = "token" in message ? message.token?.uid : undefined;
      if (typeof uid === "string") await endSessions(await db(), uid, "sign-out");
    },
  },
  callbacks: {
    async signIn({ user, account, profile }) {
      if (account?.provider !== "oidc") return true;
      const uid = await provisionOidcUser(await db(), { ...profile }, clientIp(await headers()));
      if (!uid) return false;
      // The jwt callback receives this same object: carry Plumbline's id, not the IdP's subject.
      user.id = uid;
      return true;
    },
    // A new token records the user's session epoch; every later request re-checks it, so sign-out,
    // a password or role change and removal end tokens already handed out (sessions.ts).
    async jwt({ token, user }) {
      if (user?.id) return { ...token, uid: user.id, epoch: await sessionEpoch(await db(), user.id) };
      return (await sessionStillValid(await db(), { uid: token.uid, epoch: token.epoch })) ? token : null;
    },
    session({ session, token }) {
      if (typeof token.uid === "string") session.user.id = token.uid;
      return session;
    },
  },
}));

/** The signed-in user for tRPC and route handlers, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await auth();
  const id = session?.user?.id;
  const email = session?.user?.email;
  return id && email ? { id, email } : null;
}
