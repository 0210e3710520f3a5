// A partner's staff member imports a file in a real browser: Debian's Chromium
// (playwright-core) against `vivrovert serve` on a fresh SQLite database, a grid of the Lot
// (`vivrovert grid build --departements 46`) and the demo data (`vivrovert admin seed-demo`:
// the Grand Cahors demo partner and its staff account). The staff member logs in, uploads
// a CSV of three housing listings, one with a price in words: the file is rejected with
// the line and the column of the bad cell and nothing is imported; the row fixed, the
// same upload is applied, and the three listings are on the territory's map. Then the
// operator sets a new partner's territory by clicking communes on the console's map.
//
// Needs: VIVROVERT_BIN, VIVROVERT_RESOURCE_DIR (set by ctest, see CMakeLists.txt).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { openTab, keepScreenshot, keepTabletScreenshot, startSite, submit } from './site.mjs';

const staffEmail = 'partenaire@vivrovert.localhost';
const demoPassword = 'demo-vivrovert';
const partnerBase = '/partenaire/grand-cahors-demo';

const titles = ['Longère quercynoise à Cahors', 'Appartement T2 à Pradines', 'Maison de ville près du pont Valentré'];
const header = 'kind;external_id;title;commune_code;latitude;longitude;transaction;property_type;rooms;price_eur';
function csv(secondPrice) {
  return [
    header,
    `housing;TEST-1;${titles[0]};46042;;;sale;house;5;198 000`,
    `housing;TEST-2;${titles[1]};46224;;;rent;flat;2;${secondPrice}`,
    `housing;TEST-3;${titles[2]};46042;44,4449;1,4366;sale;house;4;165 000 €`,
    '',
  ].join('\r\n');
}

let site;
let baseUrl;
let context;

before(async () => {
  site = await startSite('partner-import', {}, { departements: '46', seedDemo: true });
  ({ baseUrl, context } = site);
});

after(async () => {
  await site?.stop();
});

async function upload(tab, filePath) {
  await tab.goto(`${baseUrl}${partnerBase}/import`);
  assert.equal(await tab.textContent('h1'), 'Importer des annonces');
  await tab.setInputFiles('#import-file', filePath);
  await submit(tab, 'Importer');
  assert.match(new URL(tab.url()).pathname, new RegExp(`^${partnerBase}/import/\\d+$`));
}

async function rejectedRows(tab) {
  return tab.$$eval('#rejected-rows tbody tr', (rows) =>
    rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent.trim())));
}

test('a partner imports a file, fixes the rejected row and sees the listings on the map', async () => {
  const { tab, problems } = await openTab(context);

  // The import page asks for a login first, then comes back.
  await tab.goto(`${baseUrl}${partnerBase}/import`);
  assert.equal(new URL(tab.url()).pathname, '/compte/connexion');
  await tab.fill('#email', staffEmail);
  await tab.fill('#password', demoPassword);
  await submit(tab, 'Se connecter');
  assert.equal(new URL(tab.url()).pathname, `${partnerBase}/import`);
  assert.match(await tab.textContent('.partner-nav'), /Grand Cahors/);

  // A file whose second listing (line 3) has its price in words: all or nothing, so rejected.
  const filePath = path.join(site.workDir, 'annonces-grand-cahors.csv');
  await writeFile(filePath, csv('douze euros'));
  await upload(tab, filePath);
  assert.equal(await tab.getAttribute('#import-report', 'data-outcome'), 'rejected');
  assert.match(await tab.textContent('#import-outcome'), /Refusé : rien n'a été enregistré/);
  assert.equal(await tab.textContent('#count-created'), '0');
  assert.equal(await tab.textContent('#count-rejected'), '1');
  const rows = await rejectedRows(tab);
  assert.equal(rows.length, 1, JSON.stringify(rows));
  assert.equal(rows[0][0], '3', 'the line of the bad row (the header is line 1)');
  assert.equal(rows[0][1], 'price_eur', 'the column of the bad cell');
  assert.ok(rows[0][2].length > 10, `a reason: ${rows[0][2]}`);
  await keepScreenshot(tab, 'partner-import-report');

  // Nothing was imported.
  await tab.goto(`${baseUrl}${partnerBase}?q=${encodeURIComponent('Longère')}`);
  assert.ok(await tab.isVisible('#no-listings'), 'no listing of the rejected file');

  // The row fixed, the same upload goes through.
  await writeFile(filePath, csv('520,50'));
  await upload(tab, filePath);
  assert.equal(await tab.getAttribute('#import-report', 'data-outcome'), 'applied');
  assert.equal(await tab.textContent('#import-outcome'), 'Importé');
  assert.equal(await tab.textContent('#count-created'), '3');
  assert.equal(await tab.textContent('#count-rejected'), '0');
  assert.equal(await tab.$('#rejected-rows'), null);

  // The back-office's dashboard lists them.
  await tab.goto(`${baseUrl}${partnerBase}`);
  for (const title of titles) assert.match(await tab.textContent('main'), new RegExp(title));
  // The section navigation marks where one is; communes are named, with their code.
  assert.equal(await tab.textContent('.partner-nav a[aria-current="page"]'), 'Annonces');
  assert.match(await tab.textContent('#listings-table'), /Cahors \(46042\)/);
  await keepScreenshot(tab, 'partner-back-office');
  // At a tablet's width the table scrolls inside its box, not the page.
  await keepTabletScreenshot(tab, 'partner-back-office-tablet');

  // The territory's map shows them: a point each, titled, and in the list under it.
  await tab.goto(`${baseUrl}${partnerBase}/carte`);
  assert.equal(await tab.textContent('h1'), 'Carte du territoire');
  assert.equal(await tab.textContent('.partner-nav a[aria-current="page"]'), 'Carte');
  assert.ok(await tab.isVisible('svg.territory-map'));
  assert.ok(await tab.locator('svg.territory-map g.tiles rect').count() > 100, 'the tiles of the Grand Cahors');
  const circles = await tab.$$eval('svg.territory-map circle.listing', (nodes) =>
    nodes.map((node) => ({ title: node.querySelector('title').textContent, kind: node.getAttribute('class') })));
  const list = await tab.$$eval('#map-listings li a', (links) => links.map((link) => link.textContent));
  for (const title of titles) {
    const circle = circles.find((each) => each.title === title);
    assert.ok(circle, `${title} on the map: ${JSON.stringify(circles)}`);
    assert.match(circle.kind, /kind-housing/);
    assert.ok(list.includes(title), `${title} in the list: ${JSON.stringify(list)}`);
  }
  assert.equal(Number(await tab.textContent('#map-listing-count')), circles.length);
  await keepScreenshot(tab, 'partner-territory-map');

  assert.deepEqual(problems, []);
  await tab.close();
});

test('a listing placed by a click on the form map gets exact coordinates', async () => {
  const { tab, problems } = await openTab(context);
  // Signed in already by the test above (same browser context), or now.
  await tab.goto(`${baseUrl}${partnerBase}/annonces/nouvelle?type=poi`);
  if (new URL(tab.url()).pathname === '/compte/connexion') {
    await tab.fill('#email', staffEmail);
    await tab.fill('#password', demoPassword);
    await submit(tab, 'Se connecter');
  }
  await tab.waitForSelector('#listing-map.leaflet-container');
  assert.equal(await tab.inputValue('#f-latitude'), '');
  // A click in the middle of the map, zoomed on Cahors, fills the coordinates.
  await tab.fill('#f-latitude', '44,4475');
  await tab.fill('#f-longitude', '1,446');
  await tab.dispatchEvent('#f-longitude', 'change');
  await tab.locator('#listing-map').scrollIntoViewIfNeeded();
  const box = await tab.locator('#listing-map').boundingBox();
  await tab.mouse.click(box.x + box.width / 2 + 20, box.y + box.height / 2 + 10);
  const latitude = await tab.inputValue('#f-latitude');
  const longitude = await tab.inputValue('#f-longitude');
  assert.notEqual(latitude, '44,4475', 'the click moved the point');
  assert.match(latitude, /^44,4\d+$/);
  assert.match(longitude, /^1,4\d+$/);
  await tab.fill('#f-title', 'Borne de recharge du marché (test)');
  await tab.selectOption('#f-category', 'transport');
  await submit(tab, 'Enregistrer');
  assert.match(new URL(tab.url()).pathname, new RegExp(`^${partnerBase}/annonces/\\d+$`));
  assert.equal(await tab.inputValue('#f-latitude'), latitude);
  // The outlines drawn under the form's map may still be loading when the form is sent:
  // their request is then cancelled by the navigation, which is not a fault.
  assert.deepEqual(problems.filter((problem) => !problem.includes('/api/v1/map/outlines/')), []);
  await tab.close();
});

// Where a WGS84 point of `selector`'s Leaflet map (window[mapName]) is on the page.
async function pointOf(tab, mapName, selector, latlng) {
  return tab.evaluate(({ mapName, selector, latlng }) => {
    const p = window[mapName].latLngToContainerPoint(latlng);
    const box = document.querySelector(selector).getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, { mapName, selector, latlng });
}

test('the operator sets a partner territory on the map, the codes field staying the truth', async () => {
  await context.clearCookies();
  const { tab, problems } = await openTab(context);
  await tab.goto(`${baseUrl}/operateur/partenaires/nouveau`);
  assert.equal(new URL(tab.url()).pathname, '/compte/connexion');
  await tab.fill('#email', 'operateur@vivrovert.localhost');
  await tab.fill('#password', demoPassword);
  await submit(tab, 'Se connecter');
  assert.equal(new URL(tab.url()).pathname, '/operateur/partenaires/nouveau');

  // The map sits under the communes field; the départements are drawn (computed by the
  // server from the contours: the first time may take a while).
  await tab.waitForSelector('#territory-map.leaflet-container');
  await tab.locator('#territory-map').scrollIntoViewIfNeeded();
  await tab.waitForFunction(() => document.querySelectorAll('#territory-map path').length > 50, null, { timeout: 120_000 });
  const cahors = [44.4475, 1.441];
  // A click on the Lot draws its communes.
  let point = await pointOf(tab, 'vivrovertTerritoryMap', '#territory-map', cahors);
  await tab.mouse.click(point.x, point.y);
  await tab.waitForFunction(() => document.querySelectorAll('#territory-map path.commune').length > 100);
  assert.equal(await tab.inputValue('#p-communes'), '', 'a click on a département adds nothing');

  // A click on Cahors adds its code, a second click removes it, a third adds it again.
  point = await pointOf(tab, 'vivrovertTerritoryMap', '#territory-map', cahors);
  await tab.mouse.click(point.x, point.y);
  assert.equal(await tab.inputValue('#p-communes'), '46042');
  assert.match(await tab.textContent('#territory-map-status'), /Cahors \(46042\) ajoutée au territoire/);
  assert.equal(await tab.locator('#territory-map path.commune.selected').count(), 1);
  assert.equal(await tab.getAttribute('#territory-map path.commune.selected', 'data-code'), '46042');
  await tab.mouse.click(point.x, point.y);
  assert.equal(await tab.inputValue('#p-communes'), '');
  assert.equal(await tab.locator('#territory-map path.commune.selected').count(), 0);
  await tab.mouse.click(point.x, point.y);
  assert.equal(await tab.inputValue('#p-communes'), '46042');

  assert.equal(await tab.textContent('.operator-nav a[aria-current="page"]'), 'Nouveau partenaire');
  // Typed codes are drawn too: the field is the source of truth.
  await tab.fill('#p-communes', '46042 46102');
  await tab.waitForSelector('#territory-map path.commune.selected[data-code="46102"]');
  await keepScreenshot(tab, 'operator-territory-map');

  await tab.fill('#p-name', 'Causses et vallées (carte)');
  await tab.selectOption('#p-kind', 'grouping');
  await submit(tab, 'Enregistrer');
  assert.match(new URL(tab.url()).pathname, /^\/operateur\/partenaires\/\d+$/);
  assert.equal(await tab.inputValue('#p-communes'), '46042 46102');
  // Opened again, the map shows the saved communes.
  await tab.waitForFunction(() => document.querySelectorAll('#territory-map path.commune.selected').length === 2, null,
    { timeout: 60_000 });
  // No contract yet: its back-office says the base service is not active, what it offers,
  // its price, and links the simulator; the subscription page lists every product.
  const created = await tab.getAttribute('a:text("Espace partenaire (annonces, équipe, clés)")', 'href');
  assert.ok(created, 'the console links the new partner\'s back-office');
  const gated = await tab.goto(`${baseUrl}${created}`);
  assert.equal(gated.status(), 403);
  assert.match(await tab.textContent('#not-entitled'), /Aucun abonnement en cours/);
  assert.match(await tab.textContent('#not-entitled'), /Tarif/);
  assert.ok(await tab.locator('#not-entitled a[href^="/tarifs"]').count() > 0);
  await keepScreenshot(tab, 'partner-not-entitled');
  await tab.goto(`${baseUrl}${created}/abonnement`);
  assert.equal(await tab.locator('#products li.product').count(), 4);
  assert.equal(await tab.locator('#products li.product.active').count(), 0);
  // Outlines still loading when the form is sent are cancelled by the navigation: no fault.
  assert.deepEqual(problems.filter((problem) => !problem.includes('/api/v1/map/outlines/')
    && !problem.includes('403')), []);
  await tab.close();
});

test('the demo partner holds the base service and options 1 and 2', async () => {
  await context.clearCookies();
  const { tab, problems } = await openTab(context);
  await tab.goto(`${baseUrl}${partnerBase}/abonnement`);
  await tab.fill('#email', 'operateur@vivrovert.localhost');
  await tab.fill('#password', demoPassword);
  await submit(tab, 'Se connecter');
  assert.equal(new URL(tab.url()).pathname, `${partnerBase}/abonnement`);
  assert.equal(await tab.locator('#products li.product.active').count(), 3);
  assert.match(await tab.textContent('#products'), /démo/);

  // The operator's console: its navigation, the summary figures, communes by name.
  await tab.goto(`${baseUrl}/operateur`);
  assert.equal(await tab.textContent('.operator-nav a[aria-current="page"]'), 'Console');
  assert.ok(Number((await tab.textContent('#console-summary strong')).replace(/\s/g, '')) >= 1);
  assert.match(await tab.textContent('#annonces ~ .table-wrap'), /\(46\d{3}\)/);
  await keepScreenshot(tab, 'operator-console');
  await keepTabletScreenshot(tab, 'operator-console-tablet');
  assert.deepEqual(problems, []);
  await tab.close();
});
