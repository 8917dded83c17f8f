// `npm run test:e2e:docs`: /docs renders the API reference in a real browser with no internet.
// Starts the production bundle (static assets included) on 127.0.0.1, opens /docs in Debian's Chromium through
// playwright-core, aborts every request that is not to loopback, and checks operations rendered.
// Needs /usr/bin/chromium (`apt-get install -y chromium`). Port: DOCS_E2E_PORT (default 8812).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startLocalServer } from '../../scripts/lib/local-server.mjs';

const root = join(import.meta.dirname, '..', '..');
const port = Number(process.env.DOCS_E2E_PORT ?? 8812);
const screenshot = join(root, 'dist', 'docs-e2e.png');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(
    `✖ no Chromium at ${executablePath}: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH)`,
  );
  process.exit(1);
}
const isLoopback = (url) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

// /docs needs no data; a throwaway state directory keeps this away from `npm start`'s database.
const state = mkdtempSync(join(tmpdir(), 'showroom-docs-e2e-'));
const server = await startLocalServer({
  port,
  persistRoot: state,
  handleRuntimeStdio: (out, err) => {
    out.resume();
    err.resume();
  },
});
const browser = await chromium.launch({
  executablePath,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
const blocked = [];
const pageErrors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('data:') || url.startsWith('blob:') || isLoopback(url)) return route.continue();
    blocked.push(url);
    return route.abort('internetdisconnected');
  });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  const res = await page.goto(new URL('/docs', server.url).href, { waitUntil: 'domcontentloaded' });
  assert.equal(res?.status(), 200, '/docs answers 200');
  // Rendered from the OpenAPI document by our own copy of the reference UI: the title, the first tag's
  // operations, and (after opening the Auth group, so the UI is interactive) an auth operation.
  const visible = (text) =>
    page.getByText(text, { exact: true }).first().waitFor({ state: 'visible', timeout: 20_000 });
  await visible('Showroom API');
  await visible('Liveness plus readiness of D1 and KV');
  await page.getByRole('link', { name: 'Auth', exact: true }).first().click();
  await visible('Sign in with email and password');
  mkdirSync(join(root, 'dist'), { recursive: true });
  await page.screenshot({ path: screenshot });
  assert.deepEqual(pageErrors, [], 'no script errors on the page');
  // Not even fonts or telemetry: offline, each would be an error or a wait.
  assert.deepEqual(blocked, [], 'the page asks for nothing beyond this server');
  console.log(`✓ /docs rendered offline with no outside requests (screenshot: ${screenshot})`);
} finally {
  await browser.close();
  await server.dispose();
  rmSync(state, { recursive: true, force: true });
}
