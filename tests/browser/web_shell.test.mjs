// The web shell in a real browser: Debian's Chromium driven by playwright-core against
// `vivrovert serve` on a fresh SQLite database and a free loopback port.
//
// Needs: the vivrovert binary (VIVROVERT_BIN), the built front end (frontend/dist, from
// `make frontend`) and this folder's node_modules (`npm ci`). ctest runs it (label
// browser) with both variables set; see tests/browser/CMakeLists.txt.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { keepScreenshot, startSite } from './site.mjs';

const resourceDir = process.env.VIVROVERT_RESOURCE_DIR;

let site;
let baseUrl;
let context;

before(async () => {
  site = await startSite('browser');
  ({ baseUrl, context } = site);
});

after(async () => {
  await site?.stop();
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
  await keepScreenshot(page, 'home');
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
