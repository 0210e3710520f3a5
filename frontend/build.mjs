// Bundles the browser entry points of src/ into dist/ with content-hashed names, and
// writes dist/manifest.json mapping each entry ("main.js", "main.css") to its file, which
// the server reads at start-up (src/web/templates.hpp). Each build empties dist/ first so
// that stale bundles are never served.
//
// Code shared by entries, and modules imported with import() (the search page's map), go
// into chunks of their own (esbuild code splitting); the manifest also lists every chunk and
// asset by its own hashed name, so that the server caches them as immutable like the entries.
//
// `node build.mjs --tests` instead bundles test/*.test.ts for node's test runner into
// .test-build/.
import * as esbuild from 'esbuild';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
// Entry points: the name each one has in the manifest, and its source.
const entries = { main: 'src/main.ts', styles: 'src/styles.css', search: 'src/search.ts', search_style: 'src/search.css',
  listing_map: 'src/listing_map.ts', property_map: 'src/property_map.ts', territory_map: 'src/territory_map.ts' };

async function buildBundles() {
  const outdir = path.join(root, 'dist');
  await rm(outdir, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: entries,
    bundle: true,
    format: 'esm',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify: true,
    sourcemap: 'linked',
    splitting: true,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    outdir,
    metafile: true,
    // Leaflet's stylesheet refers to its marker and layer images.
    loader: { '.png': 'file', '.svg': 'file' },
    logLevel: 'warning',
  });
  const manifest = {};
  for (const [output, info] of Object.entries(result.metafile.outputs)) {
    if (output.endsWith('.map')) continue;
    const name = info.entryPoint
      ? Object.keys(entries).find((key) => path.normalize(entries[key]) === path.normalize(info.entryPoint))
      : undefined;
    if (name === undefined) {
      // A chunk (shared code, or a module imported with import()) or an asset (Leaflet's
      // images): hashed, never named by a template.
      manifest[path.basename(output)] = path.basename(output);
      continue;
    }
    const extension = path.extname(output);
    manifest[`${name}${extension}`] = path.basename(output);
  }
  await writeFile(path.join(outdir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  const bundles = Object.keys(entries).length;
  console.log(`frontend: built ${bundles} bundles and ${Object.keys(manifest).length - bundles} chunks or assets into dist/`);
}

async function buildTests() {
  const outdir = path.join(root, '.test-build');
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const tests = (await readdir(path.join(root, 'test'))).filter((name) => name.endsWith('.test.ts'));
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: tests.map((name) => `test/${name}`),
    bundle: true,
    platform: 'node',
    format: 'esm',
    outdir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
}

await (process.argv.includes('--tests') ? buildTests() : buildBundles());
