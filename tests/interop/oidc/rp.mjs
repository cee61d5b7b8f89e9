// A relying party built on openid-client (OpenID Certified), driven step by step by the C# interop
// tests: node rp.mjs <command> <input.json> <state.json>. Each command prints one JSON object on stdout;
// protocol errors are reported as { error, error_description } values, never hidden.
import * as client from 'openid-client';
import { readFileSync, writeFileSync } from 'node:fs';

const [command, inputPath, statePath] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inputPath, 'utf8'));

async function configuration() {
  // Roster runs on plain http in the tests; openid-client refuses that unless told to allow it.
  const authentication = input.clientSecret
    ? (input.auth === 'post' ? client.ClientSecretPost(input.clientSecret) : client.ClientSecretBasic(input.clientSecret))
    : client.None();
  const metadata = input.idTokenAlg ? { id_token_signed_response_alg: input.idTokenAlg } : {};
  return client.discovery(new URL(input.issuer), input.clientId, metadata, authentication, { execute: [client.allowInsecureRequests] });
}

// Runs a step that may be refused, returning the OAuth error code instead of throwing.
async function attempt(step) {
  try {
    return { ok: await step() };
  } catch (e) {
    return { error: e.error ?? e.code ?? e.name, error_description: e.error_description ?? e.message };
  }
}

const commands = {
  async discover() {
    const config = await configuration();
    return config.serverMetadata();
  },

  async start() {
    const config = await configuration();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    writeFileSync(statePath, JSON.stringify({ verifier, state, nonce }));
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: input.redirectUri,
      scope: input.scope,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href };
  },

  async finish() {
    const config = await configuration();
    const { verifier, state, nonce } = JSON.parse(readFileSync(statePath, 'utf8'));
    // Validates the ID token: signature against the JWKS, iss, aud, exp, iat, nonce; and the response's state and iss.
    const tokens = await client.authorizationCodeGrant(config, new URL(input.callbackUrl), {
      pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
    });
    const claims = tokens.claims();
    const result = { claims, userinfo: await client.fetchUserInfo(config, tokens.access_token, claims.sub) };
    if (input.full) {
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
      result.rotated = refreshed.refresh_token !== tokens.refresh_token && !!refreshed.access_token;
      result.introspectedAccess = await client.tokenIntrospection(config, refreshed.access_token);
      result.introspectedRefresh = await client.tokenIntrospection(config, refreshed.refresh_token);
      await client.tokenRevocation(config, refreshed.access_token);
      result.afterRevocation = await client.tokenIntrospection(config, refreshed.access_token);
      result.userinfoAfterRevocation = await attempt(() => client.fetchUserInfo(config, refreshed.access_token, claims.sub));
      const again = await client.refreshTokenGrant(config, refreshed.refresh_token);
      result.reuse = await attempt(() => client.refreshTokenGrant(config, refreshed.refresh_token));
      result.afterReuse = await attempt(() => client.refreshTokenGrant(config, again.refresh_token));
    }
    result.endSessionUrl = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token, post_logout_redirect_uri: input.postLogoutRedirectUri, state: 'bye-123',
    }).href;
    return result;
  },

  async clientCredentials() {
    const config = await configuration();
    const tokens = await client.clientCredentialsGrant(config, input.scope ? { scope: input.scope } : {});
    const introspected = await client.tokenIntrospection(config, tokens.access_token);
    await client.tokenRevocation(config, tokens.access_token);
    return { tokens, introspected, afterRevocation: await client.tokenIntrospection(config, tokens.access_token) };
  },
};

const result = await commands[command]();
process.stdout.write(JSON.stringify(result));
