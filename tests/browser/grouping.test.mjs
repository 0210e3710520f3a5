// A PVD grouping (issue 22, option 4) in a real browser: Debian's Chromium (playwright-core)
// against `vivrovert serve` on a fresh SQLite database, a grid of the Lot and the demo data
// (`vivrovert admin seed-demo`: the Grand Cahors demo partner, with demonstration leads, and
// an operator). The operator creates two communes and a grouping of them in the console,
// says who runs it and attaches the demo partner from today; the grouping's consolidated
// view then shows one line per member and their sum (leads, listings, and the barometer of
// the members with option 1, each linked to its own); options are granted member by member,
// and the price under the PVD rule follows the grants.
//
// Needs: VIVROVERT_BIN, VIVROVERT_RESOURCE_DIR (set by ctest, see CMakeLists.txt).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { keepScreenshot, keepTabletScreenshot, openTab, startSite, submit } from './site.mjs';

const demoPassword = 'demo-vivrovert';

let site;
let baseUrl;
let context;

before(async () => {
  site = await startSite('grouping', {}, { departements: '46', seedDemo: true });
  ({ baseUrl, context } = site);
});

after(async () => {
  await site?.stop();
});

async function createPartner(tab, kind, name, communes, members = []) {
  await tab.goto(`${baseUrl}/operateur/partenaires/nouveau`);
  await tab.selectOption('#p-kind', kind);
  await tab.fill('#p-name', name);
  await tab.fill('#p-communes', communes);
  for (const member of members) await tab.getByLabel(member, { exact: true }).check();
  await submit(tab, 'Enregistrer');
  const match = new URL(tab.url()).pathname.match(/^\/operateur\/partenaires\/(\d+)$/);
  assert.ok(match, `${name}: ${tab.url()}\n${await tab.textContent('body')}`);
  return match[1];
}

// The numbers of a column of the consolidated table, member rows then the total.
async function column(tab, index) {
  const members = await tab.$$eval(`#grouping-members tbody tr td:nth-of-type(${index})`,
    (cells) => cells.map((cell) => Number(cell.textContent.trim())));
  const total = Number((await tab.textContent(`#grouping-total td:nth-of-type(${index})`)).trim());
  return { members, total };
}

test('the operator builds a grouping and its consolidated view sums its members', async () => {
  // The refused day answers 422, which the browser logs.
  const { tab, problems } = await openTab(context, /status of 422/);
  await tab.goto(`${baseUrl}/operateur/partenaires/nouveau`);
  assert.equal(new URL(tab.url()).pathname, '/compte/connexion');
  await tab.fill('#email', 'operateur@vivrovert.localhost');
  await tab.fill('#password', demoPassword);
  await submit(tab, 'Se connecter');

  await createPartner(tab, 'commune', 'Ville de Figeac', '46102');
  await createPartner(tab, 'commune', 'Ville de Gramat', '46128');
  const grouping = await createPartner(tab, 'grouping', 'Petites villes du Lot', '',
    ['Ville de Figeac', 'Ville de Gramat']);

  // Who runs it, and the demo partner (an EPCI with demonstration leads) joins today.
  await tab.goto(`${baseUrl}/operateur/partenaires/${grouping}/membres`);
  await tab.selectOption('#g-administrator', 'association');
  await submit(tab, 'Enregistrer l\'administrateur');
  assert.equal(await tab.inputValue('#g-administrator'), 'association');
  // A day that does not exist is refused, naming the field, and kept as typed.
  await tab.selectOption('#m-member', { label: 'CA du Grand Cahors (démo) (Intercommunalité (EPCI))' });
  await tab.fill('#m-joined', '31/02/2026');
  await submit(tab, 'Rattacher');
  assert.equal(await tab.getAttribute('#members-error', 'data-field'), 'joined_on');
  assert.equal(await tab.inputValue('#m-joined'), '31/02/2026');
  const today = new Date().toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });
  await tab.selectOption('#m-member', { label: 'CA du Grand Cahors (démo) (Intercommunalité (EPCI))' });
  await tab.fill('#m-joined', today);
  await submit(tab, 'Rattacher');
  const rows = await tab.textContent('#operator-members');
  assert.match(rows, /Ville de Figeac/);
  assert.match(rows, new RegExp(`CA du Grand Cahors \\(démo\\)[\\s\\S]*depuis le ${today.replaceAll('/', '\\/')}`));

  // The grouping's consolidated view: one line per member, and their sum.
  await tab.getByRole('link', { name: 'Vue du groupement' }).click();
  await tab.waitForSelector('#grouping-members');
  assert.match(await tab.textContent('body'), /Groupement administré par : Une association/);
  const names = await tab.$$eval('#grouping-members tbody th', (cells) => cells.map((cell) => cell.textContent));
  assert.equal(names.length, 3);
  assert.ok(names.some((name) => name.includes('CA du Grand Cahors (démo)')), names.join(' | '));
  for (const index of [2, 3, 4, 5]) {
    const { members, total } = await column(tab, index);
    assert.equal(members.length, 3);
    assert.equal(total, members.reduce((sum, value) => sum + value, 0), `column ${index}`);
  }
  const prospects = await column(tab, 3);
  assert.ok(prospects.total > 0, 'the demo partner has demonstration prospects');

  // The barometer's columns (option 1): the demo partner, which has it through its own
  // contract, shows its searches (labelled "démo") linked to its barometer; the communes,
  // whose grouping has not subscribed to option 1, say so; the total adds the members with it.
  const demoRow = tab.locator('#grouping-members tbody tr', { hasText: 'CA du Grand Cahors (démo)' });
  const demoLink = demoRow.locator('td.barometer-searches a');
  const demoSearches = parseInt(await demoLink.textContent(), 10);
  assert.ok(demoSearches > 0, `the demo partner's searches: ${demoSearches}`);
  assert.match(await demoRow.locator('td.barometer-searches').textContent(), /démo/);
  const demoGreen = Number((await demoRow.locator('td.barometer-green').textContent()).trim());
  assert.ok(demoGreen >= 0 && demoGreen <= demoSearches, `green: ${demoGreen} of ${demoSearches}`);
  const barometerHref = await demoLink.getAttribute('href');
  assert.equal(barometerHref, '/partenaire/grand-cahors-demo/barometre');
  for (const name of ['Ville de Figeac', 'Ville de Gramat']) {
    const row = tab.locator('#grouping-members tbody tr', { hasText: name });
    assert.equal((await row.locator('td.barometer-none').textContent()).trim(), 'option non souscrite');
  }
  assert.equal(parseInt(await tab.textContent('#grouping-total td.barometer-searches'), 10), demoSearches);
  assert.equal(parseInt(await tab.textContent('#grouping-total td.barometer-green'), 10), demoGreen);

  // Grants, member by member: option 1 to both communes, option 3 to Figeac.
  await tab.getByLabel('Option 1 pour Ville de Figeac').check();
  await tab.getByLabel('Option 1 pour Ville de Gramat').check();
  await tab.getByLabel('Option 3 pour Ville de Figeac').check();
  await submit(tab, 'Enregistrer les attributions');
  assert.equal(await tab.isChecked('input[aria-label="Option 3 pour Ville de Figeac"]'), true);
  assert.equal(await tab.isChecked('input[aria-label="Option 3 pour Ville de Gramat"]'), false);
  // Two communes: 1 100 + max(2 × 200 × 50 %, 200) + max(1 × 300 × 40 %, 300) = 1 600 €.
  const price = await tab.textContent('#grouping-price');
  assert.match(price, /commune[\s\S]*1\s600,00/i);
  const quote = await tab.getAttribute('#grouping-price a', 'href');
  assert.match(quote, /^\/operateur\/devis\/nouveau\?partenaire=\d+&type=commune&options=1%2C3&pvd_members=1%3D2%2C3%3D1$/);
  await keepScreenshot(tab, 'grouping-consolidated');
  await keepTabletScreenshot(tab, 'grouping-consolidated-tablet');

  // The prepared quote reads the grants.
  await tab.goto(`${baseUrl}${quote}`);
  assert.equal(await tab.inputValue('#q-pvd'), '1=2,3=1');

  // The member's line links to its barometer, whose figures are the line's.
  await tab.goto(`${baseUrl}${barometerHref}`);
  assert.equal(Number((await tab.textContent('#count-searches')).trim()), demoSearches);
  assert.equal(Number((await tab.textContent('#count-green')).trim()), demoGreen);
  // The outlines drawn under the partner form's map may still be loading when the form is
  // sent: the browser then cancels them, which is not a fault of the page.
  assert.deepEqual(problems.filter((problem) => !problem.includes('/api/v1/map/outlines/')), []);
});
