// The site under test for the browser tests: `vivrovert serve` on a fresh SQLite database
// and a free loopback port, and Debian's Chromium (playwright-core) with a fresh profile.
//
// Needs VIVROVERT_BIN and VIVROVERT_RESOURCE_DIR (ctest sets them, see CMakeLists.txt).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { chromium } from 'playwright-core';

// axe-core's script (axeCheck).
const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// Every HTML page of `context` hands its DOM to `onPage` ({url, html}) from its load event:
// the copy is sent from inside the page before the test can act on it, and the test's tab
// never waits for the check.
async function copyEachPage(context, onPage) {
  await context.exposeBinding('vivrovertPageCopy', (source, copy) => onPage(copy));
  await context.addInitScript(() => {
    window.addEventListener('load', () => {
      if (document.contentType !== 'text/html' || window.top !== window || location.protocol === 'about:') return;
      window.vivrovertPageCopy({ url: location.href, html: document.documentElement.outerHTML }).catch(() => {});
    });
  });
}

// Runs axe-core on a copy of a page in `checker`, a tab of its own (the page's stylesheets,
// none of its scripts), and adds its serious and critical violations to `found`
// ("<path>: <rule> (<impact>) <elements>").
async function axeCheck(checker, { url, html }, found) {
  const scripts = /<script\b[^>]*>[\s\S]*?<\/script>/gi;
  const markup = `<!doctype html>${html.replace(scripts, '').replace(/<head([^>]*)>/i, `<head$1><base href="${url}">`)}`;
  try {
    // Images (the map's tiles) need not be loaded for axe, stylesheets must be: waiting
    // for "load" would wait for every tile, which a loaded machine serves slowly.
    await checker.setContent(markup, { waitUntil: 'domcontentloaded' });
    await checker.waitForFunction(
      () => [...document.querySelectorAll('link[rel="stylesheet"]')].every((link) => link.sheet !== null),
      null, { timeout: 60000 });
    await checker.evaluate(await axeSource);
    const violations = await checker.evaluate(async () => {
      const results = await window.axe.run(document, { resultTypes: ['violations'] });
      return results.violations.filter((rule) => rule.impact === 'serious' || rule.impact === 'critical')
        .map((rule) => `${rule.id} (${rule.impact}) ${rule.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(', ')}`);
    });
    const where = new URL(url).pathname;
    for (const violation of violations) found.push(`${where}: ${violation}`);
  } catch (error) {
    found.push(`axe on ${url}: ${error.message}`);
  }
}

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

// Starts the server (with `env` added to its environment) and the browser. Returns
// { baseUrl, context, workDir, output(), stop() }; stop() closes both and deletes the files.
// `setup`, before the server starts, in the same environment:
//   departements: '46'   builds the grid of these départements (`vivrovert grid build`)
//   seedDemo: true       creates the demo accounts and partner (`vivrovert migrate`, then
//                        `vivrovert admin seed-demo`)
//   nightly: true        then runs the night's run of today (`vivrovert nightly`)
export async function startSite(name, env = {}, setup = {}) {
  const binary = process.env.VIVROVERT_BIN;
  const resourceDir = process.env.VIVROVERT_RESOURCE_DIR;
  assert.ok(binary && resourceDir, 'VIVROVERT_BIN and VIVROVERT_RESOURCE_DIR must be set (ctest sets them)');
  const workDir = await mkdtemp(path.join(os.tmpdir(), `vivrovert-${name}-`));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  const siteEnv = {
    ...process.env,
    VIVROVERT_DATABASE_URL: `sqlite:${path.join(workDir, 'vivrovert.db')}`,
    VIVROVERT_PATHS_VAR_DIR: path.join(workDir, 'var'),
    VIVROVERT_PATHS_RESOURCE_DIR: resourceDir,
    VIVROVERT_HTTP_HOST: '127.0.0.1',
    VIVROVERT_HTTP_PORT: String(port),
    VIVROVERT_HTTP_THREADS: '4',
    VIVROVERT_HTTP_PUBLIC_BASE_URL: baseUrl,
    // No night's run at start: what a page shows must not depend on the hour the tests run.
    VIVROVERT_NIGHTLY_HOUR: '-1',
    // A demonstration site: `admin seed-demo` may use the documented password.
    VIVROVERT_DEMO_ENABLED: 'true',
    ...env,
  };
  const run = async (...args) => {
    try {
      await promisify(execFile)(binary, args, { env: siteEnv, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      throw new Error(`vivrovert ${args.join(' ')} failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    }
  };
  try {
    if (setup.departements) await run('grid', 'build', '--departements', setup.departements, '--threads', '2');
    if (setup.seedDemo) {
      await run('migrate');
      await run('admin', 'seed-demo');
    }
    if (setup.nightly) await run('nightly');
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  const server = spawn(binary, ['serve', '--no-access-log'], {
    env: siteEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Ready once the server prints its "listening on" line; a failure if it exits first.
  await new Promise((resolve, reject) => {
    server.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('listening on')) resolve();
    });
    server.stderr.on('data', (chunk) => { output += chunk; });
    server.once('exit', (code) => reject(new Error(`vivrovert serve exited with ${code}:\n${output}`)));
  });
  const context = await chromium.launchPersistentContext(path.join(workDir, 'chromium'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  // Every page of every test is checked by axe-core, one copy after the other; stop() fails
  // on what it found.
  const accessibility = [];
  const checker = await context.newPage();
  let checks = Promise.resolve();
  await copyEachPage(context, (copy) => { checks = checks.then(() => axeCheck(checker, copy, accessibility)); });
  const settled = async () => {
    for (let last = null; last !== checks;) {
      last = checks;
      await last;
    }
  };
  return {
    baseUrl,
    context,
    workDir,
    output: () => output,
    // The serious and critical axe-core violations found so far, after the running checks.
    async accessibilityProblems() {
      await settled();
      return [...accessibility];
    },
    async stop() {
      await settled();
      await context.close();
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
      await rm(workDir, { recursive: true, force: true });
      assert.deepEqual(accessibility, [], 'axe-core: serious or critical accessibility violations');
    },
  };
}

// A tab of `context` that records what goes wrong in it: console errors, uncaught
// exceptions, failed requests. `expectedConsole` (a RegExp) lets through console errors a
// test provokes on purpose (a refused login answers 401, which Chromium reports).
// Returns { tab, problems }: a test ends with assert.deepEqual(problems, []).
// Clicks the submit button named `label` and waits for the page it leads to.
export async function submit(tab, label) {
  await Promise.all([tab.waitForNavigation(), tab.getByRole('button', { name: label }).click()]);
}

export async function openTab(context, expectedConsole = null) {
  const tab = await context.newPage();
  const problems = [];
  tab.on('console', (message) => {
    const expected = expectedConsole !== null && expectedConsole.test(message.text());
    if (message.type() === 'error' && !expected) problems.push(`console: ${message.text()}`);
  });
  tab.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  tab.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
  return { tab, problems };
}

// Keeps a full-page screenshot of `page` as a test artefact: <dir>/<name>.png, where <dir>
// is VIVROVERT_SCREENSHOT_DIR (ctest sets it to <build>/test-artifacts/screenshots, see
// CMakeLists.txt), else test-artifacts/screenshots under the current folder. Returns the
// file's path. A later run overwrites the file of the same name.
export async function keepScreenshot(page, name) {
  const dir = process.env.VIVROVERT_SCREENSHOT_DIR || path.resolve('test-artifacts', 'screenshots');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// At a tablet's width (768 px), `tab`'s page must not scroll sideways (wide tables scroll
// inside their own box); keeps a screenshot `<name>` of it there, then gives the tab back
// its former size.
export async function keepTabletScreenshot(tab, name) {
  const former = tab.viewportSize();
  await tab.setViewportSize({ width: 768, height: 1024 });
  const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `${name}: the page scrolls sideways by ${overflow} px at 768 px`);
  const file = await keepScreenshot(tab, name);
  if (former) await tab.setViewportSize(former);
  return file;
}
