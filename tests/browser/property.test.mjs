// A person saves a housing listing from the tile panel of /recherche, and a point placed
// on a map, then walks the saved property page: the map, the listings and amenities around
// with their distances and sources, a radius of their choosing (a bad one refused in
// French), and what is missing within the thresholds of their saved search. Screenshots
// of each page are kept (site.mjs keepScreenshot).
//
// Needs: VIVROVERT_BIN, VIVROVERT_RESOURCE_DIR (set by ctest, see CMakeLists.txt).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { keepScreenshot, startSite } from './site.mjs';

let site;

before(async () => {
  site = await startSite('property', {}, { departements: '46', seedDemo: true });
});

after(async () => {
  await site?.stop();
});

// Clicks the Leaflet map `selector` at a WGS84 point; `which` names the map the page
// exposes for tests: 'search' (search.ts) or 'listing' (listing_map.ts).
async function clickMapAt(page, selector, which, lat, lon) {
  const point = await page.evaluate(
    ([sel, getter, la, lo]) => {
      const map = getter === 'search' ? window.vivrovertSearch.map : window.vivrovertListingMap;
      const p = map.latLngToContainerPoint([la, lo]);
      const box = document.querySelector(sel).getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    },
    [selector, which, lat, lon],
  );
  await page.mouse.click(point.x, point.y);
}

test('save a listing from the tile panel, then a point; walk the property page', async () => {
  const page = await site.context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${site.baseUrl}/compte/connexion`);
  await page.fill('#email', 'demo@vivrovert.localhost');
  await page.fill('#password', 'demo-vivrovert');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Se connecter' }).click()]);

  // The tile of Cahors where a demo flat is placed: its housing listings can be kept.
  await page.goto(`${site.baseUrl}/recherche`);
  await page.waitForFunction(() => window.vivrovertSearch !== undefined);
  await page.locator('#map').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => window.vivrovertSearch?.map !== undefined);
  await page.evaluate(() => window.vivrovertSearch.map.setView([44.4475, 1.446], 12, { animate: false }));
  await clickMapAt(page, '#map', 'search', 44.4475, 1.446);
  await page.waitForSelector('#tile-panel .tile-listings');
  const keep = page.getByRole('button', { name: 'Mettre en mémoire : Appartement T3 en centre-ville (démo)' });
  await keep.click();
  const link = page.locator('#tile-panel a.saved-property');
  await link.waitFor();
  await keepScreenshot(page, 'property-1-search-panel');

  // Its page: the map with markers, and the same things listed beside it.
  await Promise.all([page.waitForNavigation(), link.click()]);
  assert.match(new URL(page.url()).pathname, /^\/compte\/biens\/\d+$/);
  const propertyUrl = page.url();
  assert.match(await page.textContent('#property-name'), /Appartement T3 en centre-ville/);
  await page.waitForFunction(() => Number(document.querySelector('#property-map')?.dataset.markers) > 0);
  const amenities = await page.textContent('#equipements');
  assert.match(amenities, /Gare \(\d+/);
  assert.match(amenities, /Cahors, à \d+,\d km/);
  assert.match(amenities, /Source : SNCF Voyageurs/);
  assert.match(amenities, /Toulouse/); // the nearest city of 200,000, beyond the radius
  const around = await page.textContent('#annonces-autour');
  assert.match(around, /Annonces à moins de 10 km/);
  assert.doesNotMatch(around, /Appartement T3 en centre-ville/); // not the property itself
  assert.ok(await page.isVisible('#missing-none'));
  await keepScreenshot(page, 'property-2-page');

  // A radius out of range is refused in French; a wider one lists more.
  await page.fill('#rayon', '80');
  await page.evaluate(() => document.querySelector('#rayon').removeAttribute('max'));
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Afficher' }).click()]);
  assert.match(await page.textContent('#radius-error'), /entre 2 et 50 km/);
  await page.fill('#rayon', '50');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Afficher' }).click()]);
  assert.match(await page.textContent('#annonces-autour'), /Annonces à moins de 50 km \(\d+\)/);
  assert.match(await page.textContent('#annonces-autour'), /Emploi \([1-9]/);

  // A saved search asking for a city of 200,000 within 20 km: missing here.
  const saved = await page.evaluate(async () => {
    const token = document.querySelector('meta[name="csrf-token"]').content;
    const response = await fetch('/api/v1/me/searches', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
      body: JSON.stringify({ name: 'Près d\'une grande ville', request: { criteria: [{ criterion: 'dist_city_200k_km', max: 20 }] } }),
    });
    return response.status;
  });
  assert.equal(saved, 201);
  await page.goto(propertyUrl);
  assert.match(await page.textContent('#missing-list'), /Grande ville.*à moins de 20 km.*le plus proche est à \d+ km/);
  await keepScreenshot(page, 'property-3-missing');

  // A point placed by a click on the map of the list page.
  await page.goto(`${site.baseUrl}/compte/biens`);
  assert.match(await page.textContent('#property-list'), /Appartement T3 en centre-ville/);
  await page.waitForSelector('#listing-map.leaflet-container');
  await page.fill('#f-name', 'Ferme sur le causse');
  await page.waitForFunction(() => window.vivrovertListingMap !== undefined);
  await page.evaluate(() => window.vivrovertListingMap.setView([44.7, 1.74], 11, { animate: false }));
  await clickMapAt(page, '#listing-map', 'listing', 44.7, 1.74);
  assert.match(await page.inputValue('#f-latitude'), /^44,(69|7)/);
  assert.match(await page.inputValue('#f-longitude'), /^1,7[34]/);
  await keepScreenshot(page, 'property-4-list');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Mettre en mémoire' }).click()]);
  assert.match(new URL(page.url()).pathname, /^\/compte\/biens\/\d+$/);
  assert.match(await page.textContent('#property-name'), /Ferme sur le causse/);
  assert.match(await page.textContent('#bien'), /position exacte/);
  await page.waitForFunction(() => document.querySelector('#property-map')?.dataset.markers !== undefined);

  // The RGPD export holds both.
  const exported = await page.evaluate(async () => (await fetch('/compte/mes-donnees.json')).json());
  assert.deepEqual(exported.saved_properties.map((p) => p.name).sort(),
    ['Appartement T3 en centre-ville (démo)', 'Ferme sur le causse']);
  assert.deepEqual(problems, []);
  await page.close();
});
