// Lighthouse on VivroVert's public pages, in Debian's Chromium (not part of `make test`).
//
//   cd bench/lighthouse && npm ci && node run.mjs [--runs 3] [--pages /recherche,/]
//       [--url http://127.0.0.1:8080] [--report DIR]
//
// Without --url it starts its own site like the browser tests do: a fresh SQLite database
// under a temporary folder, the grid of the Lot (`vivrovert grid build --departements 46`)
// and the demo data, `vivrovert serve` on a free port (VIVROVERT_BIN, default build/vivrovert;
// the templates and front end of VIVROVERT_RESOURCE_DIR, default this source tree). Each page is audited --runs times with Lighthouse's
// default (mobile) settings; the median of each category and of the main metrics is printed,
// as the table of docs/PERFORMANCE.md ("Lighthouse").
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const runs = Number(option('runs', '3'));
const pages = option('pages', '/recherche,/').split(',');
// --report DIR: also writes each run's full Lighthouse report (JSON) into DIR.
const reportDir = option('report', null);

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

async function startSite() {
  const binary = process.env.VIVROVERT_BIN || path.join(root, 'build', 'vivrovert');
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'vivrovert-lighthouse-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    VIVROVERT_DATABASE_URL: `sqlite:${path.join(workDir, 'vivrovert.db')}`,
    VIVROVERT_PATHS_VAR_DIR: path.join(workDir, 'var'),
    VIVROVERT_PATHS_RESOURCE_DIR: process.env.VIVROVERT_RESOURCE_DIR || root,
    VIVROVERT_HTTP_HOST: '127.0.0.1',
    VIVROVERT_HTTP_PORT: String(port),
    VIVROVERT_HTTP_PUBLIC_BASE_URL: baseUrl,
    VIVROVERT_NIGHTLY_HOUR: '-1',
    VIVROVERT_DEMO_ENABLED: 'true',
  };
  const run = (...command) => promisify(execFile)(binary, command, { env, maxBuffer: 16 * 1024 * 1024 });
  await run('grid', 'build', '--departements', '46', '--threads', '2');
  await run('migrate');
  await run('admin', 'seed-demo');
  const server = spawn(binary, ['serve', '--no-access-log'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise((resolve, reject) => {
    server.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('listening on')) resolve();
    });
    server.stderr.on('data', (chunk) => { output += chunk; });
    server.once('exit', (code) => reject(new Error(`vivrovert serve exited with ${code}:\n${output}`)));
  });
  return {
    baseUrl,
    async stop() {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const site = option('url', null) ? { baseUrl: option('url'), stop: async () => {} } : await startSite();
const chrome = await chromeLauncher.launch({
  chromePath: '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const categories = ['performance', 'accessibility', 'best-practices', 'seo'];
  const metrics = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time',
    'cumulative-layout-shift', 'speed-index', 'total-byte-weight'];
  console.log(`Lighthouse ${(await import('lighthouse/package.json', { with: { type: 'json' } })).default.version}, `
    + `${runs} run(s) per page, median; ${site.baseUrl}`);
  for (const page of pages) {
    const scores = Object.fromEntries(categories.map((name) => [name, []]));
    const values = Object.fromEntries(metrics.map((name) => [name, []]));
    const failing = new Set();
    for (let run = 0; run < runs; ++run) {
      const result = await lighthouse(`${site.baseUrl}${page}`, {
        port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: categories,
      });
      if (reportDir) {
        await mkdir(reportDir, { recursive: true });
        const file = `${page.replace(/[^a-z0-9]+/gi, '_') || 'home'}-${run + 1}.json`;
        await writeFile(path.join(reportDir, file), JSON.stringify(result.lhr, null, 1));
      }
      for (const name of categories) scores[name].push(Math.round(result.lhr.categories[name].score * 100));
      for (const name of metrics) values[name].push(result.lhr.audits[name].numericValue);
      for (const name of categories) {
        for (const ref of result.lhr.categories[name].auditRefs) {
          const audit = result.lhr.audits[ref.id];
          if (ref.weight > 0 && audit.score !== null && audit.score < 0.9) failing.add(`${name}: ${ref.id} (${audit.displayValue ?? audit.score})`);
        }
      }
    }
    console.log(`\n${page}`);
    for (const name of categories) console.log(`  ${name.padEnd(16)} ${median(scores[name])}   (${scores[name].join(', ')})`);
    console.log(`  FCP ${(median(values['first-contentful-paint']) / 1000).toFixed(1)} s, `
      + `LCP ${(median(values['largest-contentful-paint']) / 1000).toFixed(1)} s, `
      + `TBT ${Math.round(median(values['total-blocking-time']))} ms, `
      + `CLS ${median(values['cumulative-layout-shift']).toFixed(3)}, `
      + `SI ${(median(values['speed-index']) / 1000).toFixed(1)} s, `
      + `${Math.round(median(values['total-byte-weight']) / 1024)} KiB`);
    for (const line of failing) console.log(`  below 0.9: ${line}`);
  }
} finally {
  await chrome.kill();
  await site.stop();
}
