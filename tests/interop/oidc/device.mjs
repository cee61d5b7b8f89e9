// A device without a browser (a TV, a command-line tool) built on openid-client's Device Authorization Grant
// (RFC 8628), driven by tests/Roster.Tests/Oidc/OpenIdClientDeviceInteropTests.cs:
// node device.mjs <start|poll> <input.json> <state.json>. Each command prints one JSON object on stdout.
import * as client from 'openid-client';
import { readFileSync, writeFileSync } from 'node:fs';

const [command, inputPath, statePath] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inputPath, 'utf8'));

async function configuration() {
  const authentication = input.clientSecret ? client.ClientSecretBasic(input.clientSecret) : client.None();
  // Roster runs on plain http in the tests; openid-client refuses that unless told to allow it.
  return client.discovery(new URL(input.issuer), input.clientId, {}, authentication, { execute: [client.allowInsecureRequests] });
}

const commands = {
  async start() {
    const config = await configuration();
    const response = await client.initiateDeviceAuthorization(config, { scope: input.scope });
    writeFileSync(statePath, JSON.stringify(response));
    return response;
  },

  // Polls as the library does (waiting the interval, slowing down when told) until the person decides;
  // validates the ID token (signature against the JWKS, iss, aud, exp, iat) and reads userinfo with the access token.
  async poll() {
    const config = await configuration();
    const response = JSON.parse(readFileSync(statePath, 'utf8'));
    const tokens = await client.pollDeviceAuthorizationGrant(config, response);
    const claims = tokens.claims();
    return { claims, userinfo: await client.fetchUserInfo(config, tokens.access_token, claims.sub), hasRefreshToken: !!tokens.refresh_token };
  },
};

const result = await commands[command]();
process.stdout.write(JSON.stringify(result));
