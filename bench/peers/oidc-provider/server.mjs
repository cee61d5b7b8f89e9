// npm oidc-provider as a peer for Roster's oidc-grants benchmark.
// Usage: node server.mjs --port P [--chains N]
// Prints one JSON line on stdout once ready (issuer, token endpoint, client credentials, N refresh
// tokens), then serves http://127.0.0.1:P until SIGTERM/SIGINT. Everything else goes to stderr.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

// The library prints its NOTICE lines with console.info (stdout); stdout carries only our ready line.
console.log = console.info = console.debug = console.error;

const { values: args } = parseArgs({
  options: { port: { type: 'string' }, chains: { type: 'string', default: '64' } },
});
const port = Number(args.port);
const chains = Number(args.chains);
if (!Number.isInteger(port) || port <= 0 || !Number.isInteger(chains) || chains < 0) {
  console.error('usage: node server.mjs --port P [--chains N]');
  process.exit(2);
}

const issuer = `http://127.0.0.1:${port}`;
const resource = 'urn:bench:api';
const clientId = 'bench-client';
const clientSecret = randomBytes(32).toString('base64url'); // form- and Basic-safe as is
const day = 24 * 60 * 60;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1:9/cb'],
  }],
  jwks: { keys: [signingKey] },
  // Random keys, so the library does not fall back to (and warn about) its development ones.
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
  },
  findAccount: (_ctx, id) => ({
    accountId: id,
    claims: () => ({
      sub: id, name: `User ${id}`, preferred_username: id, email: `${id}@bench.test`, email_verified: true,
    }),
  }),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    // Access tokens are only JWTs when they are bound to a resource server; every token here is, so
    // each grant costs one RS256 signature, as on Roster (whose access tokens are RS256 at+jwt).
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api',
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: 600,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  // The default rotates a confidential client's refresh token only past 70 % of its TTL (and never
  // after a year); Roster rotates on every use.
  rotateRefreshToken: () => true,
  // Explicit TTLs: long enough that no chain expires during a run, and the defaults print notices.
  ttl: {
    AccessToken: 600,
    ClientCredentials: 600,
    AuthorizationCode: 60,
    IdToken: 3600,
    RefreshToken: 30 * day,
    Grant: 30 * day,
    Session: 30 * day,
    Interaction: 3600,
  },
});

provider.on('server_error', (_ctx, err) => console.error('oidc-provider server_error:', err));

// One grant per chain, made programmatically (no browser). Its refresh token's scope is the resource's
// 'api' only, without 'openid': the library issues an ID token on refresh exactly when the refresh
// token's scope has 'openid', and Roster issues none on refresh (one signature per grant on both sides).
const client = await provider.Client.find(clientId);
const refreshTokens = [];
for (let i = 0; i < chains; i++) {
  const accountId = `bench-user-${i}`;
  const grant = new provider.Grant({ accountId, clientId });
  grant.addResourceScope(resource, 'api');
  const grantId = await grant.save();
  refreshTokens.push(await new provider.RefreshToken({
    client, accountId, grantId, gty: 'authorization_code', scope: 'api', resource, rotations: 0,
  }).save());
}

const server = createServer(provider.callback());
await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));

process.stdout.write(`${JSON.stringify({
  issuer,
  tokenEndpoint: provider.urlFor('token'),
  clientId,
  clientSecret,
  refreshTokens,
})}\n`);

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections(); // keep-alive connections would otherwise hold close() open
  });
}
