// End-to-end passkeys with a real browser: Debian's Chromium (playwright-core) with a CDP virtual
// authenticator (CTAP2, internal transport, resident keys, user verification) against the production bundle
// on workerd. The page registers an account, adds a passkey with navigator.credentials.create(), signs in with
// navigator.credentials.get(), and uses the tokens, exactly as a web or WebView client would.
// Run: `npm run test:e2e:passkeys` (PASSKEYS_E2E_PORT, default 8821; CHROMIUM_PATH, default /usr/bin/chromium); about
// 20 s. Exits non-zero on failure.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { applyMigrations, root } from '../../scripts/bench/lib/index.mjs';
import { startLocalServer } from '../../scripts/lib/local-server.mjs';

const port = Number(process.env.PASSKEYS_E2E_PORT ?? 8821);
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`✖ no Chromium at ${executablePath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  process.exit(1);
}
const origin = `http://localhost:${port}`;
const state = join(root, '.wrangler', 'e2e-state');
const step = (text) => process.stderr.write(`▶ ${text}\n`);

rmSync(state, { recursive: true, force: true });
step('migrating a fresh database for the run');
applyMigrations(state);
const server = await startLocalServer({
  port,
  persistRoot: join(state, 'v3'),
  assets: false,
  vars: { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: origin },
  handleRuntimeStdio: (stdout, stderr) => {
    stdout.resume();
    stderr.resume();
  },
});
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox'],
});
try {
  // API responses carry a strict CSP (no scripts, no connections); the test page is the API's own origin.
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  await page.goto(`${origin}/health/live`);
  step(`Chromium ${browser.version()} on ${origin}`);

  const result = await page.evaluate(async () => {
    const api = async (method, path, body, token) => {
      const res = await fetch(path, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = await res.json().catch(() => null);
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const email = `e2e-${Date.now()}@passkeys.test`;
    const account = await api('POST', '/v1/auth/register', { email, password: 'e2e-password-123', displayName: 'E2E' });

    const creation = await api('POST', '/v1/auth/passkeys/register/options', {}, account.accessToken);
    const created = await navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(creation),
    });
    const passkey = await api(
      'POST',
      '/v1/auth/passkeys/register/verify',
      { response: created.toJSON(), name: 'Chromium virtual authenticator' },
      account.accessToken,
    );

    const request = await api('POST', '/v1/auth/passkeys/login/options', {});
    const asserted = await navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(request),
    });
    const login = await api('POST', '/v1/auth/passkeys/login/verify', { response: asserted.toJSON() });
    const me = await api('GET', '/v1/me', undefined, login.accessToken);
    // The same assertion again: its challenge was spent.
    const replay = await fetch('/v1/auth/passkeys/login/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response: asserted.toJSON() }),
    });
    return {
      userId: account.user.id,
      passkeyId: passkey.id,
      signedInAs: me.id,
      email: me.email,
      replayStatus: replay.status,
    };
  });
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  const ok =
    result.signedInAs === result.userId &&
    result.replayStatus === 401 &&
    credentials.length === 1 &&
    credentials[0].isResidentCredential &&
    credentials[0].signCount >= 1;
  console.log(
    JSON.stringify({
      ...result,
      authenticatorCredentials: credentials.length,
      signCount: credentials[0]?.signCount,
      ok,
    }),
  );
  if (!ok) process.exitCode = 1;
  else step('passkey registered and used to sign in through Chromium: OK');
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await browser.close();
  await server.dispose();
  rmSync(state, { recursive: true, force: true });
}
