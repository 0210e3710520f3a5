// A person fills in their profile and gives, then withdraws, a consent, in a real browser;
// the RGPD export holds the profile and the dated consent history.
//
// Needs: VIVROVERT_BIN, VIVROVERT_RESOURCE_DIR (set by ctest, see CMakeLists.txt).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { keepScreenshot, startSite } from './site.mjs';

let site;

before(async () => {
  site = await startSite('profile', {}, { departements: '46', seedDemo: true });
});

after(async () => {
  await site?.stop();
});

test('profile with a consent, withdrawn later; the export tells the story', async () => {
  const page = await site.context.newPage();
  await page.goto(`${site.baseUrl}/compte/profil`);
  assert.equal(new URL(page.url()).pathname, '/compte/connexion');
  await page.fill('#email', 'demo@vivrovert.localhost');
  await page.fill('#password', 'demo-vivrovert');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Se connecter' }).click()]);
  assert.equal(new URL(page.url()).pathname, '/compte/profil');
  // Consents are off by default.
  assert.equal(await page.locator('#consents input:checked').count(), 0);

  // A bad amount is refused with its reason, the rest kept.
  await page.fill('#p-household_adults', '2');
  await page.fill('#p-funds_eur', 'beaucoup');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Enregistrer mon profil' }).click()]);
  assert.match(await page.textContent('#profile-errors'), /n'est pas un nombre/);
  assert.equal(await page.inputValue('#p-household_adults'), '2');

  await page.fill('#p-funds_eur', '80 000');
  await page.selectOption('#p-housing_tenure', 'buy');
  await page.fill('#p-work_rome_codes', 'j1506, M1805');
  await page.check('input[name="notification"][value="weekly"]');
  await page.check('input[name="consent"][value="funds"]');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Enregistrer mon profil' }).click()]);
  assert.ok(await page.isVisible('#profile-saved'));
  assert.equal(await page.inputValue('#p-funds_eur'), '80000');
  assert.equal(await page.inputValue('#p-work_rome_codes'), 'J1506, M1805');
  assert.ok(await page.isChecked('input[name="consent"][value="funds"]'));
  assert.match(await page.textContent('#consents'), /accordé le \d{2}\/\d{2}\/\d{4}/);
  await keepScreenshot(page, 'profile');

  // Withdrawn: off again, and the history keeps both steps.
  await page.uncheck('input[name="consent"][value="funds"]');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Enregistrer mon profil' }).click()]);
  assert.equal(await page.locator('#consents input:checked').count(), 0);
  const exported = await page.evaluate(async () => (await fetch('/compte/mes-donnees.json')).json());
  assert.equal(exported.account.email, 'demo@vivrovert.localhost');
  assert.equal(exported.profile.fields.funds_eur, 80000);
  assert.equal(exported.profile.notification, 'weekly');
  assert.deepEqual(exported.consents.map((c) => [c.scope, c.granted]), [['funds', true], ['funds', false]]);
  await page.close();
});

test('a job seeker publishes a CV only with consent, and withdraws it', async () => {
  const page = await site.context.newPage();
  await page.goto(`${site.baseUrl}/compte/cv`);
  if (new URL(page.url()).pathname === '/compte/connexion') {
    await page.fill('#email', 'demo@vivrovert.localhost');
    await page.fill('#password', 'demo-vivrovert');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Se connecter' }).click()]);
  }
  await page.fill('#cv-title', 'Infirmière, 10 ans en EHPAD');
  await page.fill('#cv-commune_code', '46042');
  await page.fill('#cv-rome_codes', 'J1506');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Publier mon CV' }).click()]);
  assert.match(await page.textContent('#cv-errors'), /consentement/);
  await page.check('#cv-consent');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Publier mon CV' }).click()]);
  assert.ok(await page.isVisible('#cv-published'));
  const tile = { id: await page.textContent('#cv-tile') };
  assert.match(tile.id, /^CRS3035RES1000mN\d+E\d+$/);
  const listed = await page.evaluate(async (id) => (await fetch(`/api/v1/tiles/${id}/listings?kind=cv`)).json(), tile.id);
  assert.ok(listed.listings.some((listing) => listing.title === 'Infirmière, 10 ans en EHPAD'), JSON.stringify(listed));
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Retirer mon CV' }).click()]);
  assert.ok(await page.isVisible('#cv-withdrawn'));
  const after = await page.evaluate(async (id) => (await fetch(`/api/v1/tiles/${id}/listings?kind=cv`)).json(), tile.id);
  assert.equal(after.listings.length, 0);
  await page.close();
});
