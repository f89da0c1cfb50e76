import type { Server } from "node:http";
import Provider from "oidc-provider";
import { freePort } from "./harness";

export interface Issuer {
  url: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

/**
 * A real OpenID Provider (node-oidc-provider) for the sign-in tests, with its development login
 * page: any login name signs in as `<login>@idp.test`, carrying a `plumbline_role` claim.
 */
export async function startIssuer(redirectUri: string, role: string): Promise<Issuer> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const clientId = "plumbline-e2e";
  const clientSecret = "e2e-client-secret-that-is-long-enough";
  const provider = new Provider(url, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ["authorization_code"], response_types: ["code"] }],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "plumbline_role"] },
    // Auth.js reads the profile from the ID token, not from userinfo.
    conformIdTokenClaims: false,
    cookies: { keys: ["e2e-cookie-key"] },
    async findAccount(_ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub, email: `${sub}@idp.test`, email_verified: true, name: `IdP ${sub}`, plumbline_role: role };
        },
      };
    },
  });
  const server: Server = await new Promise((resolve) => {
    const s = provider.listen(port, () => resolve(s));
  });
  return { url, clientId, clientSecret, close: () => new Promise((r) => server.close(() => r())) };
}
