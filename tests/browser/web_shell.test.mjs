// The web shell in a real browser: Debian's Chromium driven by playwright-core against
// `vivrovert serve` on a fresh SQLite database and a free loopback port.
//
// Needs: the vivrovert binary (VIVROVERT_BIN), the built front end (frontend/dist, from
// `make frontend`) and this folder's node_modules (`npm ci`). ctest runs it (label
// browser) with both variables set; see tests/browser/CMakeLists.txt.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

const binary = process.env.VIVROVERT_BIN;
const resourceDir = process.env.VIVROVERT_RESOURCE_DIR;
assert.ok(binary && resourceDir, 'VIVROVERT_BIN and VIVROVERT_RESOURCE_DIR must be set');

let workDir;
let server;
let serverOutput = '';
let baseUrl;
let context;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// Resolves once the server prints its "listening on" line; rejects if it exits first.
function startServer(port) {
  server = spawn(binary, ['serve', '--no-access-log'], {
    env: {
      ...process.env,
      VIVROVERT_DATABASE_URL: `sqlite:${path.join(workDir, 'vivrovert.db')}`,
      VIVROVERT_PATHS_VAR_DIR: path.join(workDir, 'var'),
      VIVROVERT_PATHS_RESOURCE_DIR: resourceDir,
      VIVROVERT_HTTP_HOST: '127.0.0.1',
      VIVROVERT_HTTP_PORT: String(port),
      VIVROVERT_HTTP_THREADS: '4',
      VIVROVERT_HTTP_PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      serverOutput += chunk;
      if (serverOutput.includes('listening on')) resolve();
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', (chunk) => { serverOutput += chunk; });
    server.once('exit', (code) => reject(new Error(`vivrovert serve exited with ${code}:\n${serverOutput}`)));
  });
}

before(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'vivrovert-browser-'));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  await startServer(port);
  context = await chromium.launchPersistentContext(path.join(workDir, 'chromium'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await context?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

// Loads `url` in a new tab and collects what went wrong in it: console errors (CSP
// violations among them), uncaught exceptions, failed requests.
async function open(url) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
  const response = await page.goto(url);
  await page.waitForLoadState('networkidle');
  return { page, response, problems };
}

test('the home page renders in French with its bundles and no error', async () => {
  const { page, response, problems } = await open(`${baseUrl}/`);
  assert.equal(response.status(), 200);
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  assert.equal(await page.title(), 'VivroVert — trouvez où vivre à la campagne');
  assert.match(await page.textContent('h1'), /Trouvez l'endroit où vivre à la campagne/);
  // main.ts ran (the script was allowed by the CSP and loaded as a module).
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('js')), true);
  // styles.css applied: the header has its dark green background.
  const headerColour = await page.evaluate(() => getComputedStyle(document.querySelector('.site-header')).backgroundColor);
  assert.equal(headerColour, 'rgb(29, 59, 42)');
  const cookies = await context.cookies(baseUrl);
  const csrf = cookies.find((cookie) => cookie.name === 'vv_csrf');
  assert.ok(csrf, 'the CSRF cookie is set');
  assert.equal(csrf.httpOnly, true);
  assert.equal(csrf.sameSite, 'Lax');
  assert.deepEqual(problems, []);
  await page.screenshot({ path: path.join(os.tmpdir(), 'vivrovert-home.png'), fullPage: true });
  await page.close();
});

test('an unknown address shows the French 404 page in the layout', async () => {
  const { page, response, problems } = await open(`${baseUrl}/nulle-part`);
  assert.equal(response.status(), 404);
  assert.equal(await page.textContent('h1'), 'Page introuvable');
  await page.click('text=Retour à l\'accueil');
  await page.waitForURL(`${baseUrl}/`);
  assert.deepEqual(problems.filter((problem) => !problem.includes('404')), []);
  await page.close();
});

test('the bundles are cached for ever and the manifest matches them', async () => {
  const manifest = JSON.parse(await readFile(path.join(resourceDir, 'frontend', 'dist', 'manifest.json'), 'utf8'));
  const response = await fetch(`${baseUrl}/static/${manifest['main.js']}`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.match(response.headers.get('content-type'), /^text\/javascript/);
});
