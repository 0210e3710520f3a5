// The demo partner's leads in a real browser: Debian's Chromium (playwright-core) against
// `vivrovert serve` on a fresh SQLite database, a grid of the Lot and the demo data
// (`vivrovert admin seed-demo`: the Grand Cahors demo partner, its staff account and four
// demo exodeurs whose saved searches and clicks make its leads).
//
// The staff member reads the counts, the chart and the consented people (and not the one
// who consented to nothing), filters them, and downloads the CSV export; then the demo
// exodeur saves a search on the territory without any consent: one more contact, nobody
// more disclosed.
//
// Needs: VIVROVERT_BIN, VIVROVERT_RESOURCE_DIR (set by ctest, see CMakeLists.txt).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { keepScreenshot, keepTabletScreenshot, openTab, startSite } from './site.mjs';

const demoPassword = 'demo-vivrovert';
const leadsPath = '/partenaire/grand-cahors-demo/contacts';

let site;
let baseUrl;
let context;

before(async () => {
  site = await startSite('leads', {}, { departements: '46', seedDemo: true });
  ({ baseUrl, context } = site);
});

after(async () => {
  await site?.stop();
});

async function logIn(tab, email, next) {
  await context.clearCookies();
  await tab.goto(`${baseUrl}/compte/connexion?suivant=${encodeURIComponent(next)}`);
  await tab.fill('#email', email);
  await tab.fill('#password', demoPassword);
  await Promise.all([tab.waitForNavigation(), tab.getByRole('button', { name: 'Se connecter' }).click()]);
  assert.equal(new URL(tab.url()).pathname, new URL(next, baseUrl).pathname);
  await tab.waitForLoadState('networkidle');  // the page's own requests, before the next navigation
}

const count = async (tab, id) => Number(await tab.textContent(`#${id}`));
const names = async (tab) => tab.$$eval('#lead-list li.lead h3', (items) => items.map((item) => item.textContent.trim()));

test('the demo partner reads its contacts and prospects, filters and exports them', async () => {
  const { tab, problems } = await openTab(context);
  await logIn(tab, 'partenaire@vivrovert.localhost', leadsPath);
  assert.equal(await tab.textContent('h1'), 'Contacts et prospects');

  // Camille opened a tile of Cahors (a prospect); Julien, Sofia and Marc saved searches
  // that make the territory green (contacts); Marc consented to nothing.
  assert.equal(await count(tab, 'count-prospects'), 1);
  assert.equal(await count(tab, 'count-contacts'), 3);
  assert.equal(await count(tab, 'count-disclosed'), 3);
  const people = await names(tab);
  assert.equal(people.length, 3, JSON.stringify(people));
  assert.ok(people.some((name) => name.includes('Camille Martin (démo)') && name.includes('Prospect')), JSON.stringify(people));
  assert.ok(people.some((name) => name.includes('Julien Bernard (démo)') && name.includes('Contact')), JSON.stringify(people));
  assert.ok(people.some((name) => name.includes('ne partage pas son identité')), 'Sofia shares details but not her name');
  assert.ok(!(await tab.textContent('#lead-list')).includes('Marc'), 'Marc consented to nothing');
  // What Camille agreed to share, and what interested her.
  const camille = tab.locator('#lead-list li.lead', { hasText: 'Camille Martin' });
  assert.match(await camille.textContent(), /Apport disponible/);
  assert.match(await camille.textContent(), /Cahors \(46042\)/);
  // Stored codes read out: Julien's situation and jobs, Camille's wishes.
  const julien = tab.locator('#lead-list li.lead', { hasText: 'Julien Bernard' });
  assert.match(await julien.textContent(), /En recherche d'emploi/);
  assert.match(await julien.textContent(), /Arboriculture et viticulture \(A1405\)/);
  assert.match(await camille.textContent(), /Type de logement : Maison/);
  assert.equal(await tab.textContent('.partner-nav a[aria-current="page"]'), 'Contacts et prospects');
  await keepScreenshot(tab, 'partner-contacts');
  await keepTabletScreenshot(tab, 'partner-contacts-tablet');

  // The chart: two lines over twelve weeks, and the same numbers as a table.
  assert.equal(await tab.locator('svg.lead-chart polyline').count(), 2);
  const series = await tab.$$eval('#lead-series tbody tr', (rows) => rows.map((row) => row.textContent));
  assert.ok(series.length >= 12, JSON.stringify(series));

  // Filters: those who want to take over a business (Sofia, through her consented work details).
  await tab.fill('#filtre-du', '01/01/2020');
  await tab.selectOption('#filtre-souhait', 'business');
  await Promise.all([tab.waitForNavigation(), tab.getByRole('button', { name: 'Filtrer' }).click()]);
  assert.match(tab.url(), /souhait=business/);
  assert.equal(await tab.inputValue('#filtre-du'), '01/01/2020', 'the day as typed, in French');
  const filtered = await names(tab);
  assert.equal(filtered.length, 1, JSON.stringify(filtered));
  assert.match(filtered[0], /ne partage pas son identité/);

  // The CSV export of everybody, with the session's cookie.
  const exported = await context.request.get(`${baseUrl}${leadsPath}/export.csv`);
  assert.equal(exported.status(), 200);
  const csv = await exported.text();
  assert.match(csv, /Camille Martin \(démo\)/);
  assert.match(csv, /camille\.demo@vivrovert\.localhost/);
  assert.doesNotMatch(csv, /marc\.demo/);

  assert.deepEqual(problems, []);
  await tab.close();
});

test("a search saved without consent adds a contact and discloses nobody", async () => {
  const { tab, problems } = await openTab(context);
  await logIn(tab, 'demo@vivrovert.localhost', '/compte/profil');
  const saved = await tab.evaluate(async () => {
    const token = document.querySelector('meta[name="csrf-token"]').content;
    const response = await fetch('/api/v1/me/searches', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
      body: JSON.stringify({
        name: 'Autour de Cahors',
        request: { level: '5km', territory: { communes: ['46042'] },
                   criteria: [{ criterion: 'dist_station_km', max: 50, importance: 'required' }] },
      }),
    });
    await response.json();  // read to the end: the next navigation would cut it
    return response.status;
  });
  assert.equal(saved, 201);

  await logIn(tab, 'partenaire@vivrovert.localhost', leadsPath);
  assert.equal(await count(tab, 'count-contacts'), 4);
  assert.equal(await count(tab, 'count-disclosed'), 3);
  assert.ok(!(await tab.textContent('#lead-list')).includes('<demo@vivrovert.localhost>'), 'the demo exodeur consented to nothing');

  assert.deepEqual(problems, []);
  await tab.close();
});
