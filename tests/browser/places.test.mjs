// "Mes lieux" in a real browser (Debian's Chromium through playwright-core, against
// `vivrovert serve` with a grid of the Lot and the demo data): the demo exodeur adds a place
// typed as a commune and one picked on the map, sees the green tiles narrow, the places'
// hints and the distances in a tile's panel, saves the search and reopens it with its places;
// a place the server refuses is named in the status and can be removed.
//
// Needs: VIVROVERT_BIN, VIVROVERT_RESOURCE_DIR (set by ctest, see CMakeLists.txt).
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';

import { keepScreenshot, startSite } from './site.mjs';

let site;
// A base map server standing in for an OpenStreetMap tile server (`map.base_url`): every
// tile is the same 1×1 grey PNG; the paths asked are counted.
let tileServer;
const tilePaths = [];
const kGreyPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGM4AQAAygDJmcpdfgAAAABJRU5ErkJggg==', 'base64');

before(async () => {
  tileServer = http.createServer((request, response) => {
    tilePaths.push(request.url);
    response.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' });
    response.end(kGreyPng);
  });
  await new Promise((resolve) => tileServer.listen(0, '127.0.0.1', resolve));
  const tileOrigin = `http://127.0.0.1:${tileServer.address().port}`;
  site = await startSite('places', {
    VIVROVERT_MAP_BASE_URL: `${tileOrigin}/tiles/{z}/{x}/{y}.png`,
    VIVROVERT_MAP_BASE_ATTRIBUTION: '© Contributeurs OpenStreetMap (serveur de test)',
  }, { departements: '46', seedDemo: true });
});

after(async () => {
  await site?.stop();
  tileServer?.close();
});

async function greenCount(page) {
  return Number(await page.getAttribute('#search-status', 'data-green-count'));
}

// Waits for a search answer other than `previous` (the status' count attribute).
async function nextCount(page, previous) {
  await page.waitForFunction(
    (before) => {
      const count = document.querySelector('#search-status')?.dataset.greenCount;
      return count !== undefined && Number(count) !== before;
    },
    previous,
  );
  return greenCount(page);
}

async function clickMapAt(page, lat, lon) {
  await page.locator('#map').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => window.vivrovertSearch?.map !== undefined);
  const point = await page.evaluate(([la, lo]) => {
    const p = window.vivrovertSearch.map.latLngToContainerPoint([la, lo]);
    const box = document.querySelector('#map').getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, [lat, lon]);
  await page.mouse.click(point.x, point.y);
}

test('a household adds two places, reads the distances, saves and reopens the search', async () => {
  const page = await site.context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${site.baseUrl}/compte/connexion?suivant=/recherche`);
  await page.fill('#email', 'demo@vivrovert.localhost');
  await page.fill('#password', 'demo-vivrovert');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Se connecter' }).click()]);
  assert.equal(new URL(page.url()).pathname, '/recherche');

  // A station within 15 km: the Lot's green 5 km tiles.
  // The criteria are folded by theme: the station is under "Mobilité".
  await page.click('details.criteria-group:has(#importance-dist_station_km) > summary');
  await page.selectOption('#importance-dist_station_km', 'required');
  await page.fill('#bound-text-dist_station_km', '15');
  await page.waitForFunction(() => document.querySelector('#search-status')?.dataset.greenCount !== undefined);
  const criteriaOnly = await greenCount(page);
  assert.ok(criteriaOnly > 0);

  // Typed: Léa works in Cahors (the commune's centre), within 20 km.
  await page.fill('#place-name', 'travail de Léa');
  await page.fill('#place-commune', '46042');
  await page.fill('#place-max', '20');
  await page.click('#place-add');
  const withLea = await nextCount(page, criteriaOnly);
  assert.ok(withLea > 0 && withLea < criteriaOnly, `Léa's place narrows the search (${withLea} < ${criteriaOnly})`);
  assert.match(await page.textContent('#my-places'), /travail de Léa — 20 km max à vol d'oiseau, indispensable \(commune 46042\)/);

  // Picked on the map: Sam works north-east of Cahors, within 25 km.
  await page.locator('#map').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => window.vivrovertSearch?.map !== undefined);
  await page.evaluate(() => window.vivrovertSearch.map.setView([44.5, 1.55], 9, { animate: false }));
  await page.click('#place-pick');
  assert.equal(await page.getAttribute('#place-pick', 'aria-pressed'), 'true');
  await clickMapAt(page, 44.52, 1.6);
  assert.match(await page.textContent('#place-point'), /Point choisi : 44,52/);
  await page.fill('#place-name', 'travail de Sam');
  await page.fill('#place-max', '25');
  await page.click('#place-add');
  await page.waitForFunction(() => document.querySelectorAll('#my-places li').length === 2);
  await page.waitForFunction(() => document.querySelectorAll('#relax-hints .place-hint').length === 2);
  const both = await greenCount(page);
  assert.ok(both > 0 && both <= withLea, `both places keep ${both} tile(s) of ${withLea}`);
  // The hints give a distance for each place.
  assert.match(await page.textContent('#relax-hints'), /Jusqu'à [\d,]+ km de « travail de Léa » \(au lieu de 20\)/);
  // Each place is drawn with its circle: a marker and a circle per place.
  assert.equal(await page.locator('#map path.leaflet-interactive').count() >= 2, true);
  await keepScreenshot(page, 'search-places');

  // A tile of the list: the distance to each place, in the engine's words.
  await page.click('#best-tiles button');
  await page.waitForSelector('#tile-panel .place-check');
  const checks = await page.$$eval('#tile-panel .place-check', (items) => items.map((item) => item.textContent));
  assert.equal(checks.length, 2);
  assert.match(checks[0], /^✓ à [\d,]+ km de « travail de Léa » \(max 20\)$/);
  assert.match(checks[1], /^✓ à [\d,]+ km de « travail de Sam » \(max 25\)$/);

  // Saved with its places, reopened in a fresh page with them.
  await page.fill('#search-name', 'Léa et Sam');
  await page.click('#save-search-button');
  await page.waitForFunction(() => document.querySelector('#save-status')?.textContent === 'Recherche enregistrée.');
  const link = page.locator('#my-searches a', { hasText: 'Léa et Sam' });
  await link.waitFor();
  const reopened = await site.context.newPage();
  reopened.on('pageerror', (error) => problems.push(error.message));
  await reopened.goto(`${site.baseUrl}${await link.getAttribute('href')}`);
  await reopened.waitForFunction(() => document.querySelectorAll('#my-places li').length === 2);
  assert.match(await reopened.textContent('#my-places'), /travail de Sam — 25 km max/);
  await reopened.waitForFunction(() => document.querySelector('#search-status')?.dataset.greenCount !== undefined);
  assert.equal(await greenCount(reopened), both);

  // A commune the grid does not know: the server's refusal names the place; removing it
  // brings the search back.
  await reopened.fill('#place-name', 'chez Mamie');
  await reopened.fill('#place-commune', '99999');
  await reopened.click('#place-add');
  await reopened.waitForFunction(() => /chez Mamie/.test(document.querySelector('#search-status')?.textContent ?? ''));
  assert.match(await reopened.textContent('#search-status'), /Lieu « chez Mamie »/);
  await reopened.click('button[aria-label="Retirer le lieu chez Mamie"]');
  await reopened.waitForFunction(() => /dalle\(s\) verte\(s\)/.test(document.querySelector('#search-status')?.textContent ?? ''));
  assert.equal(await greenCount(reopened), both);

  assert.deepEqual(problems, []);
  await reopened.close();
  await page.close();
});

// The points of interest behind the « Équipements » control: off at first; shown, the
// Cahors view has the SNCF station with its source in the tooltip, over the configured base
// map; zoomed out, France's
// points gather into numbered clusters; unticking the stations leaves none of them.
test('the map shows the amenities of the view, with their source, clustered when far', async () => {
  const page = await site.context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${site.baseUrl}/recherche`);
  await page.locator('#map').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => window.vivrovertSearch?.map !== undefined);
  assert.equal(await page.locator('.poi-cluster, .poi-legend:not([hidden])').count(), 0);
  await page.evaluate(() => window.vivrovertSearch.map.setView([44.4475, 1.4414], 14, { animate: false }));
  await page.getByLabel('Équipements').check();
  await page.waitForFunction(() => /équipements? dans cette vue/.test(document.querySelector('.poi-status')?.textContent ?? ''));
  assert.equal(await page.locator('.poi-cluster').count(), 0, 'a town at street zoom shows its points one by one');
  const stationBox = page.locator('.poi-kind', { has: page.locator('input[value="dist_station_km"]') });
  assert.match(await stationBox.textContent(), /Gare \(\d+\)/);
  assert.match(await stationBox.getAttribute('title'), /^Source : .*SNCF/i);
  // The station's dot: its tooltip names it, its kind and its source.
  const tooltips = await page.evaluate(() => {
    const out = [];
    window.vivrovertSearch.map.eachLayer((layer) => {
      const tooltip = layer.getTooltip?.();
      if (tooltip && layer.options?.fillColor) out.push(String(tooltip.getContent()));
    });
    return out;
  });
  assert.ok(tooltips.some((text) => /Cahors.*Gare.*Source : .*SNCF/i.test(text)), tooltips.slice(0, 5).join(' | '));
  await keepScreenshot(page, 'search-amenities');
  // Under them, the configured base map: its tiles were asked at this zoom, loaded (the
  // page's Content-Security-Policy admits their origin), and its attribution is shown.
  assert.ok(tilePaths.some((asked) => asked.startsWith('/tiles/14/')), tilePaths.slice(-3).join(' '));
  await page.waitForFunction(() => [...document.querySelectorAll('img.base-map, .base-map img')]
    .some((img) => img.complete && img.naturalWidth > 0));
  assert.match(await page.textContent('.leaflet-control-attribution'), /Contributeurs OpenStreetMap \(serveur de test\)/);

  // France at zoom 6 (thousands of stations, hospitals, towns): clusters with their counts.
  await page.evaluate(() => window.vivrovertSearch.map.setView([46.5, 2.5], 6, { animate: false }));
  await page.waitForFunction(() => /\(regroupés\)/.test(document.querySelector('.poi-status')?.textContent ?? ''));
  assert.ok(await page.locator('.poi-cluster').count() > 0);

  // Stations unticked: back at Cahors, no dot is a station.
  await page.evaluate(() => window.vivrovertSearch.map.setView([44.4475, 1.4414], 14, { animate: false }));
  await page.waitForFunction(() => !/\(regroupés\)/.test(document.querySelector('.poi-status')?.textContent ?? ''));
  await stationBox.locator('input').uncheck();
  await page.waitForFunction(() => document.querySelector('.poi-count[data-criterion="dist_station_km"]')?.textContent === '(0)');
  assert.deepEqual(problems, []);
  await page.close();
});
