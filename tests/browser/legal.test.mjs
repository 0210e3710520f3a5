// The legal pages, reached from the footer of the home page: mentions légales with the
// publisher's identity from the configuration (one key set, the others shown "à
// renseigner", never invented), the privacy policy with its legal bases and retention
// table, the terms of use and the accessibility statement.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { keepScreenshot, openTab, startSite } from './site.mjs';

let site;

before(async () => {
  site = await startSite('legal', {
    VIVROVERT_PUBLISHER_NAME: 'Société éditrice de test',
    VIVROVERT_PUBLISHER_PUBLICATION_DIRECTOR: '',
  });
});

after(async () => {
  await site?.stop();
});

async function followFooterLink(tab, name) {
  await tab.goto(`${site.baseUrl}/`);
  await Promise.all([tab.waitForLoadState('load'), tab.getByRole('contentinfo').getByRole('link', { name }).click()]);
  await tab.waitForLoadState('networkidle');
}

test('every legal page is linked from the footer and says what it must', async () => {
  const { tab, problems } = await openTab(site.context);

  await followFooterLink(tab, 'Mentions légales');
  assert.equal(new URL(tab.url()).pathname, '/mentions-legales');
  assert.equal(await tab.textContent('h1'), 'Mentions légales');
  assert.equal((await tab.textContent('#publisher-name')).trim(), 'Société éditrice de test');
  // Unset keys are said to be missing, not made up.
  assert.equal((await tab.textContent('#publisher-siret')).trim(), 'à renseigner');
  assert.equal((await tab.textContent('#publication-director')).trim(), 'à renseigner');
  assert.equal((await tab.textContent('#host-name')).trim(), 'à renseigner');
  await keepScreenshot(tab, 'legal-mentions');

  await followFooterLink(tab, 'Confidentialité');
  assert.equal(new URL(tab.url()).pathname, '/confidentialite');
  const processings = await tab.textContent('#processings');
  for (const basis of ['6.1.a', '6.1.b', '6.1.f']) assert.ok(processings.includes(basis), basis);
  assert.match(processings, /sans cookie, sans identifiant/);
  const retention = await tab.textContent('#retention');
  for (const row of ['Comptes', 'Recherches', 'Contacts transmis aux collectivités', 'Courriels', 'Journaux']) {
    assert.ok(retention.includes(row), row);
  }
  await keepScreenshot(tab, 'legal-privacy');

  await followFooterLink(tab, "Conditions d'utilisation");
  assert.equal(new URL(tab.url()).pathname, '/cgu');
  assert.equal(await tab.textContent('h1'), "Conditions générales d'utilisation");
  await keepScreenshot(tab, 'legal-terms');

  await followFooterLink(tab, 'Accessibilité : partiellement conforme');
  assert.equal(new URL(tab.url()).pathname, '/accessibilite');
  assert.match(await tab.textContent('#conformity'), /partiellement conforme.*RGAA/s);
  assert.match(await tab.textContent('main'), /Aucun audit RGAA complet/);
  await keepScreenshot(tab, 'legal-accessibility');

  // Every public page describes itself to search engines, each in its own words.
  const descriptions = new Set();
  // (The search page's, on a site with a grid, is checked by bench/lighthouse.)
  for (const page of ['/', '/tarifs', '/mentions-legales', '/accessibilite']) {
    await tab.goto(`${site.baseUrl}${page}`);
    const description = await tab.getAttribute('meta[name="description"]', 'content');
    assert.ok(description && description.length >= 50 && description.length <= 300, `${page}: ${description}`);
    descriptions.add(description);
  }
  assert.equal(descriptions.size, 4, 'one description per page');

  assert.deepEqual(problems, []);
  await tab.close();
});
