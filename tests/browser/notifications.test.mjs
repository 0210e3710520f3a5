// Notifications in a real browser: Debian's Chromium (playwright-core) against
// `vivrovert serve` on a fresh SQLite database, a grid of the Lot and the demo data. The
// demo partner's listings were published before the server started; its matching pass
// tells the demo exodeurs whose places and profile they fit.
//
// Julien (a demo exodeur whose saved search covers the Grand Cahors and who looks for a
// flat to rent) finds the flat in his notifications, opens its page, and marks his
// notifications read.
//
// Needs: VIVROVERT_BIN, VIVROVERT_RESOURCE_DIR (set by ctest, see CMakeLists.txt).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { keepScreenshot, openTab, startSite } from './site.mjs';

const demoPassword = 'demo-vivrovert';

let site;
let baseUrl;
let context;

before(async () => {
  site = await startSite('notifications', {}, { departements: '46', seedDemo: true });
  ({ baseUrl, context } = site);
});

after(async () => {
  await site?.stop();
});

test('a demo exodeur reads the listings he was told of, opens one and marks them read', async () => {
  const { tab, problems } = await openTab(context);
  await tab.goto(`${baseUrl}/compte/connexion?suivant=${encodeURIComponent('/compte/notifications')}`);
  await tab.fill('#email', 'julien.demo@vivrovert.localhost');
  await tab.fill('#password', demoPassword);
  await Promise.all([tab.waitForNavigation(), tab.getByRole('button', { name: 'Se connecter' }).click()]);
  assert.equal(new URL(tab.url()).pathname, '/compte/notifications');
  assert.equal(await tab.textContent('h1'), 'Mes notifications');

  // The matching pass runs as the server starts, then every 10 s: wait for it.
  for (let attempt = 0; attempt < 15 && (await tab.locator('#notification-list li').count()) === 0; ++attempt) {
    await tab.waitForTimeout(1000);
    await tab.reload();
  }
  const items = await tab.$$eval('#notification-list li', (rows) => rows.map((row) => row.textContent));
  assert.ok(items.length >= 1, 'no notification');
  assert.ok(items.some((text) => text.includes('Appartement T3 en centre-ville (démo)')), JSON.stringify(items));
  assert.ok(items.every((text) => text.includes('Correspond à votre profil')), JSON.stringify(items));
  const unread = Number(await tab.textContent('#unread-count'));
  assert.equal(unread, items.length);
  await keepScreenshot(tab, 'notifications');

  // The listing's page.
  await Promise.all([tab.waitForNavigation(), tab.getByRole('link', { name: 'Appartement T3 en centre-ville (démo)' }).click()]);
  assert.match(new URL(tab.url()).pathname, /^\/annonces\/\d+$/);
  assert.equal(await tab.textContent('h1'), 'Appartement T3 en centre-ville (démo)');
  const fields = await tab.textContent('#listing-fields');
  assert.match(fields, /Location/);
  assert.match(fields, /Appartement/);
  assert.match(await tab.textContent('#annonce'), /Publiée par CA du Grand Cahors \(démo\)/);
  await keepScreenshot(tab, 'listing');

  // Back to the list: everything read.
  await tab.goto(`${baseUrl}/compte/notifications`);
  await Promise.all([tab.waitForNavigation(), tab.getByRole('button', { name: 'Tout marquer comme lu' }).click()]);
  assert.equal(await tab.locator('#unread-count').count(), 0);
  assert.match(await tab.textContent('.alert'), /marquées comme lues/);
  assert.deepEqual(problems, []);
});
