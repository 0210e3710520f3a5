// An anonymous visitor searches in a real browser: Debian's Chromium (playwright-core)
// against `vivrovert serve` with a grid of the Lot and the demo data. The visitor starts
// from a ready-made profile, sees the count and the green tiles drawn on the map (PNG tiles
// from the server), moves a bound and sees the count change without a page load, opens a
// tile from the list (communes, values, pass/fail), then clicks the map on Cahors and finds
// the demo partner's listings in the tile's panel.
//
// Needs: VIVROVERT_BIN, VIVROVERT_RESOURCE_DIR (set by ctest, see CMakeLists.txt).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { keepScreenshot, startSite } from './site.mjs';

let site;

before(async () => {
  site = await startSite('search', {}, { departements: '46', seedDemo: true });
});

after(async () => {
  await site?.stop();
});

async function greenCount(page) {
  return Number(await page.getAttribute('#search-status', 'data-green-count'));
}

test('anonymous search: profile, map, live count, tile panel, listings', async () => {
  const page = await site.context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  const pngs = [];
  page.on('response', (response) => {
    if (response.url().includes('/api/v1/map/tiles/') && response.status() === 200) pngs.push(response.url());
  });

  const loaded = await page.goto(`${site.baseUrl}/recherche`);
  assert.equal(loaded.status(), 200);
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  // Unavailable criteria are greyed with a reason; profiles needing them say so.
  assert.ok(await page.locator('.criterion.unavailable').count() > 0);
  assert.match(await page.textContent('.profile.unavailable + .muted'), /indisponible ici/);

  await page.click('button.profile[data-profile="vivrocalm"]');
  await page.waitForFunction(() => document.querySelector('#search-status')?.dataset.greenCount !== undefined);
  const first = await greenCount(page);
  assert.ok(first > 0, 'some tiles of the Lot are green for VivroCalm');
  assert.match(await page.textContent('#search-status'), /dalle\(s\) verte\(s\)/);
  await page.waitForFunction(() => document.querySelectorAll('.leaflet-tile-loaded').length > 0);
  assert.ok(pngs.length > 0, 'the map loaded PNG tiles of the search');
  await keepScreenshot(page, 'search-green-tiles');

  // A stricter density: fewer green tiles, on the same page.
  const url = page.url();
  await page.fill('#bound-text-density', '15');
  await page.waitForFunction((before) => Number(document.querySelector('#search-status')?.dataset.greenCount) !== before, first);
  const second = await greenCount(page);
  assert.ok(second < first, `stricter density gives fewer tiles (${second} < ${first})`);
  assert.equal(page.url(), url);

  // The list view gives each tile of the page its active listings by kind, counted by the
  // server for these tiles only, after the search.
  assert.match(await page.textContent('#best-tiles tr:first-of-type'), /Annonces en ligne/);
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('#best-tiles td.listing-counts')];
    return cells.length > 0 && cells.every((cell) => cell.dataset.count !== undefined);
  });
  const listed = await page.$$eval('#best-tiles td.listing-counts', (cells) =>
    cells.map((cell) => ({ tile: cell.dataset.tile, count: Number(cell.dataset.count), text: cell.textContent })));
  const counted = await page.evaluate(async (tiles) => {
    const response = await fetch(`/api/v1/listings/counts?tiles=${tiles.join(',')}`);
    return (await response.json()).tiles;
  }, listed.map((row) => row.tile));
  for (const row of listed) {
    const expected = Object.values(counted[row.tile]).reduce((sum, count) => sum + count, 0);
    assert.equal(row.count, expected, `listing count of ${row.tile}`);
    assert.match(row.text, expected === 0 ? /^aucune annonce$/ : /^\d+ (logement|emploi|activité|loisir|point|CV)/);
  }

  // The list view opens a tile: its communes and the verdict of each criterion.
  await page.click('#best-tiles button');
  await page.waitForSelector('#tile-panel .tile-checks li');
  assert.match(await page.textContent('#tile-panel h2'), /Dalle verte/);
  assert.match(await page.textContent('#tile-panel .tile-communes'), /\(46\d{3}\)/);
  assert.match(await page.textContent('#tile-panel .tile-checks'), /Densité de population/);

  // The map, clicked in Cahors (zoomed in: a 1 km tile) next to where a demo flat is
  // placed (44.4475 N, 1.4410 E), shows the demo listings of that tile.
  // The map's chunk (Leaflet) is loaded once the map nears the viewport.
  await page.locator('#map').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => window.vivrovertSearch?.map !== undefined);
  await page.evaluate(() => window.vivrovertSearch.map.setView([44.4475, 1.446], 12, { animate: false }));
  const point = await page.evaluate(() => {
    const p = window.vivrovertSearch.map.latLngToContainerPoint([44.4475, 1.446]);
    const box = document.querySelector('#map').getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  });
  await page.mouse.click(point.x, point.y);
  await page.waitForFunction(() => document.querySelector('#tile-panel')?.dataset.tile?.includes('RES1000m'));
  await page.waitForSelector('#tile-panel .tile-listings');
  const panel = await page.textContent('#tile-panel');
  assert.match(panel, /Cahors \(46042\)/);
  assert.match(panel, /Appartement T3 en centre-ville \(démo\)/);
  assert.match(panel, /donnée de démonstration/);
  // The panel's header sums its listings up by kind.
  assert.match(await page.textContent('#tile-panel .tile-listing-counts'), /^Annonces en ligne : .*\d+ logements?/);
  await keepScreenshot(page, 'search-tile-panel');

  // Zoomed in, the communes of the départements in view are outlined (from the server's
  // outlines of the Lot); zoomed out to the region, they are not drawn.
  await page.waitForFunction(() => document.querySelectorAll('#map path.commune-outline').length > 10, null,
    { timeout: 120_000 });
  await page.evaluate(() => window.vivrovertSearch.map.setView([44.6, 1.6], 8, { animate: false }));
  await page.waitForFunction(() => document.querySelectorAll('#map path.commune-outline').length === 0);

  assert.deepEqual(problems, []);
  await page.close();
});

test('on a phone, Leaflet and the map come only when the map is scrolled to', async () => {
  const page = await site.context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.setViewportSize({ width: 412, height: 823 });
  const scripts = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(request.url());
  });
  await page.goto(`${site.baseUrl}/recherche`);
  await page.waitForLoadState('networkidle');
  assert.equal(await page.locator('#map.leaflet-container').count(), 0, 'no map before it is in view');
  const atLoad = scripts.length;
  // The criteria work without it: a profile gives its count.
  await page.click('button.profile[data-profile="vivrocalm"]');
  await page.waitForFunction(() => document.querySelector('#search-status')?.dataset.greenCount !== undefined);
  assert.ok(Number(await page.getAttribute('#search-status', 'data-green-count')) > 0);
  // Scrolled to, the map comes with the green tiles of the search made before.
  await page.locator('#map').scrollIntoViewIfNeeded();
  await page.waitForSelector('#map.leaflet-container');
  assert.ok(scripts.length > atLoad, 'the map\'s chunk is fetched on the way');
  await page.waitForFunction(() => document.querySelectorAll('#map .leaflet-tile-loaded').length > 0);
  await keepScreenshot(page, 'search-phone-map');
  assert.deepEqual(problems, []);
  await page.close();
});

test('an anonymous search is kept through login, then saved and reopened', async () => {
  const page = await site.context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${site.baseUrl}/recherche`);
  await page.click('button.profile[data-profile="retraite"]');
  await page.waitForFunction(() => document.querySelector('#search-status')?.dataset.greenCount !== undefined);
  await page.fill('#search-name', 'Retraite près de Cahors');
  await page.click('#save-search-button');
  assert.match(await page.textContent('#save-status'), /Connectez-vous/);

  // Log in from the link, come back to the search: the criteria are there again.
  await Promise.all([page.waitForNavigation(), page.click('#save-search a[href^="/compte/connexion"]')]);
  await page.fill('#email', 'demo@vivrovert.localhost');
  await page.fill('#password', 'demo-vivrovert');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Se connecter' }).click()]);
  assert.equal(new URL(page.url()).pathname, '/recherche');
  await page.waitForFunction(() => /attendait/.test(document.querySelector('#save-status')?.textContent ?? ''));
  assert.equal(await page.inputValue('#search-name'), 'Retraite près de Cahors');
  assert.equal(await page.inputValue('#importance-dist_hospital_km'), 'required');
  await page.click('#save-search-button');
  await page.waitForFunction(() => document.querySelector('#save-status')?.textContent === 'Recherche enregistrée.');
  const link = page.locator('#my-searches a', { hasText: 'Retraite près de Cahors' });
  await link.waitFor();

  // Reopened from the list in a fresh page: same criteria.
  const href = await link.getAttribute('href');
  const reopened = await site.context.newPage();
  await reopened.goto(`${site.baseUrl}${href}`);
  await reopened.waitForFunction(() => document.querySelector('#search-name')?.value === 'Retraite près de Cahors');
  assert.equal(await reopened.inputValue('#importance-dist_town_10k_km'), 'required');
  assert.equal(await reopened.inputValue('#bound-text-dist_hospital_km'), '20');
  // The themes of the reopened search's criteria are open, with their count.
  assert.equal(await reopened.locator('details.criteria-group:has(#importance-dist_hospital_km)').getAttribute('open'), '');
  assert.ok(await reopened.isVisible('#importance-dist_hospital_km'));
  assert.match(await reopened.textContent('details.criteria-group:has(#importance-dist_town_10k_km) .group-chosen'),
    /^— \d+ critères? choisis?$/);
  // A tile of the list becomes a favourite sector.
  await reopened.waitForFunction(() => document.querySelector('#search-status')?.dataset.greenCount !== undefined);
  await reopened.click('#best-tiles button');
  await reopened.click('#tile-panel button.favourite-tile');
  await reopened.waitForFunction(() => /Dalle de /.test(document.querySelector('#my-favourites')?.textContent ?? ''));
  // Another person's search id, or a made-up one, shows nothing of anybody.
  await reopened.goto(`${site.baseUrl}/recherche?recherche=999999`);
  await reopened.waitForFunction(() => /introuvable/i.test(document.querySelector('#save-status')?.textContent ?? ''));
  assert.deepEqual(problems, []);
  await reopened.close();
  await page.close();
});

// The criteria are folded by theme (<details>): all closed at first, so that the first paint
// lays out nine summaries rather than 40 sliders; a profile opens the themes holding its
// criteria and closes the others, each summary counting its chosen criteria; a closed theme
// opens by its summary, its criteria labelled; "Tout effacer" folds everything again.
test('the criteria are folded by theme, and a profile opens the themes of its criteria', async () => {
  const page = await site.context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${site.baseUrl}/recherche`);
  await page.waitForFunction(() => window.vivrovertSearch !== undefined);
  const themes = page.locator('details.criteria-group');
  assert.ok(await themes.count() >= 5, 'the criteria come in themes');
  assert.equal(await page.locator('details.criteria-group[open]').count(), 0, 'every theme is closed at first');
  assert.equal(await page.isVisible('#importance-density'), false);
  // Each theme's summary is its name; the form still holds every criterion.
  const names = await page.$$eval('details.criteria-group > summary .group-name', (items) => items.map((item) => item.textContent));
  assert.ok(names.includes('Cadre de vie') && names.includes('Mobilité'), names.join(', '));
  assert.ok(await page.locator('details.criteria-group select.importance').count() >= 10);

  await page.click('button.profile[data-profile="vivrocalm"]');
  await page.waitForFunction(() => document.querySelector('#search-status')?.dataset.greenCount !== undefined);
  // Exactly the themes holding a chosen criterion are open, and each says how many.
  const states = await page.$$eval('details.criteria-group', (groups) => groups.map((group) => ({
    name: group.querySelector('.group-name').textContent,
    open: group.open,
    chosen: [...group.querySelectorAll('select.importance')].filter((select) => select.value !== '').length,
    badge: group.querySelector('.group-chosen').textContent,
    controls: group.querySelectorAll('select.importance').length,
  })));
  for (const state of states) {
    assert.equal(state.open, state.chosen > 0, `${state.name}: open only with a chosen criterion`);
    assert.equal(state.badge, state.chosen === 0 ? '' : state.chosen === 1 ? '— 1 critère choisi' : `— ${state.chosen} critères choisis`);
  }
  assert.ok(await page.isVisible('#importance-density'), 'the density of VivroCalm is shown');
  assert.ok(states.some((state) => !state.open), 'themes without a chosen criterion stay closed');

  // A closed theme opens by its summary: its criteria are shown and labelled; choosing one
  // counts it in the summary.
  const closedName = states.find((state) => !state.open && state.controls > 0).name;
  const closed = themes.filter({ has: page.locator('summary .group-name', { hasText: closedName }) });
  assert.equal(await closed.count(), 1);
  await closed.locator('summary').click();
  assert.equal(await closed.getAttribute('open'), '');
  const select = closed.locator('select.importance').first();
  assert.ok(await select.isVisible());
  const id = await select.getAttribute('id');
  assert.equal(await page.locator(`label[for="${id}"]`).textContent(), 'Importance');
  await select.selectOption('preferred-3');
  assert.equal(await closed.locator('.group-chosen').textContent(), '— 1 critère choisi');

  // "Tout effacer" folds every theme again.
  await page.click('#reset-criteria');
  assert.equal(await page.locator('details.criteria-group[open]').count(), 0);
  assert.equal(await page.locator('details.criteria-group .group-chosen:not(:empty)').count(), 0);
  await page.locator('details.criteria-group').first().scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'search-folded-themes');
  assert.deepEqual(problems, []);
  await page.close();
});

// A required criterion known on part of the grid only (the altitude: the DEM of the Cahors
// area) says so beside the criterion and beside the count, and one click makes it preferred
// instead, which lets the other tiles turn green again.
test('a partial required criterion is said beside it and the count, and made preferred in one click', async () => {
  const page = await site.context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${site.baseUrl}/recherche`);
  // The coverage written on the row comes from the grid (GET /api/v1/criteria).
  const catalogue = await page.evaluate(async () => (await (await fetch('/api/v1/criteria')).json()).criteria);
  const altitude = catalogue.find((criterion) => criterion.id === 'altitude_m');
  assert.ok(altitude.available && altitude.coverage['5km'] > 0 && altitude.coverage['5km'] < 0.95,
    `the altitude covers part of the Lot (${altitude.coverage['5km']})`);
  assert.deepEqual(altitude.coverage_where['5km'].departements.map((where) => where.name), ['Lot']);
  const written = Number(await page.getAttribute('.criterion[data-criterion="altitude_m"]', 'data-coverage'));
  assert.ok(Math.abs(written - altitude.coverage['5km']) < 1e-5, `the row's coverage ${written} is the grid's`);

  await page.click('button.profile[data-profile="vivrocalm"]');
  await page.waitForFunction(() => document.querySelector('#search-status')?.dataset.greenCount !== undefined);
  const profileCount = await greenCount(page);
  assert.equal(await page.locator('.coverage-note').count(), 0, 'no note while every required criterion is complete');

  // The altitude's theme is opened by its summary when the profile left it closed.
  const altitudeTheme = page.locator('details.criteria-group:has(#importance-altitude_m)');
  if (await altitudeTheme.getAttribute('open') === null) await altitudeTheme.locator('summary').click();
  await page.selectOption('#importance-altitude_m', 'required');
  await page.fill('#bound-text-altitude_m', '5000');
  await page.waitForFunction((before) => Number(document.querySelector('#search-status')?.dataset.greenCount) !== before,
    profileCount);
  const partialCount = await greenCount(page);
  assert.ok(partialCount < profileCount, `the partial altitude keeps tiles from turning green (${partialCount} < ${profileCount})`);
  const percent = `${Math.round(altitude.coverage['5km'] * 100)} %`;
  const expected = `Altitude : données pour ${percent} des dalles (Lot) — les autres ne peuvent pas passer au vert.`;
  const besideCriterion = await page.textContent('.criterion[data-criterion="altitude_m"] .coverage-note');
  assert.ok(besideCriterion.startsWith(expected), besideCriterion);
  assert.equal(await page.isVisible('#coverage-notes'), true);
  const besideCount = await page.textContent('#coverage-notes');
  assert.ok(besideCount.startsWith(expected), besideCount);
  await keepScreenshot(page, 'search-partial-coverage');

  await page.click('#coverage-notes button.make-preferred');
  await page.waitForFunction((before) => Number(document.querySelector('#search-status')?.dataset.greenCount) !== before,
    partialCount);
  assert.equal(await greenCount(page), profileCount, 'made preferred, the altitude no longer keeps tiles grey');
  assert.equal(await page.inputValue('#importance-altitude_m'), 'preferred-3');
  assert.equal(await page.locator('.coverage-note').count(), 0);
  assert.equal(await page.isVisible('#coverage-notes'), false);
  assert.deepEqual(problems, []);
  await page.close();
});
