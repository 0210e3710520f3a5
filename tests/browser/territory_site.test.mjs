// The public page of a commune on the main site, and the demo partner's own site
// (option 2) beside it: a visitor reads a commune's values with their sources, follows
// the link to its intercommunality, and finds the sitemap; on
// vivraubassindevie.localhost (Chromium sends every *.localhost name to this machine)
// the same server shows the partner's name, colours and introduction, and its search.
// Grid of the Lot and the demo data (`admin seed-demo`), see site.mjs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { keepScreenshot, openTab, startSite } from './site.mjs';

let site;

before(async () => {
  site = await startSite('territory-site', {}, { departements: '46', seedDemo: true });
});

after(async () => {
  await site?.stop();
});

test('a commune page of the demo, its links and the sitemap', async () => {
  const { tab, problems } = await openTab(site.context);
  await tab.goto(`${site.baseUrl}/vivre-a/cahors-46042`);
  assert.equal((await tab.textContent('h1')).replace(/\s+/g, ' ').trim(), 'Vivre à Cahors (46042)');
  assert.equal(await tab.getAttribute('link[rel="canonical"]', 'href'), `${site.baseUrl}/vivre-a/cahors-46042`);
  assert.match(await tab.getAttribute('meta[property="og:title"]', 'content'), /Vivre à Cahors/);
  const place = JSON.parse(await tab.textContent('script[type="application/ld+json"]'));
  assert.equal(place['@type'], 'Place');
  assert.equal(place.identifier.value, '46042');
  // Every criterion row names a source, and every value its vintage.
  const rows = await tab.evaluate(() => [...document.querySelectorAll('table.commune-criteria tbody tr')]
    .map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent.trim())));
  assert.ok(rows.length > 10, `${rows.length} criteria`);
  const measured = rows.filter((cells) => cells[0] !== 'non disponible');
  assert.ok(measured.length > 10, `${measured.length} criteria with values`);
  for (const cells of measured) {
    assert.notEqual(cells.at(-2), '', `a source: ${cells}`);
    assert.ok(cells.at(-1) !== '' && cells.at(-1) !== 'non renseigné', `a vintage: ${cells}`);
  }
  assert.ok(await tab.locator('svg.commune-map rect').count() > 10, 'the map of its tiles');
  // The demo partner's listings in Cahors, marked demo.
  const listings = await tab.locator('ul.commune-listings li').allTextContents();
  assert.ok(listings.length > 0, 'active listings');
  assert.ok(listings.every((text) => text.includes('démo')), listings.join(' | '));
  await keepScreenshot(tab, 'commune-page');

  await Promise.all([tab.waitForNavigation(), tab.locator('main a[href="/vivre-a/epci/200023737"]').first().click()]);
  assert.equal(new URL(tab.url()).pathname, '/vivre-a/epci/200023737');
  await Promise.all([tab.waitForNavigation(), tab.getByRole('link', { name: 'Cahors (46042)' }).click()]);
  assert.equal(new URL(tab.url()).pathname, '/vivre-a/cahors-46042');

  const sitemap = await (await fetch(`${site.baseUrl}/sitemap.xml`)).text();
  assert.match(sitemap, /<loc>[^<]*\/sitemaps\/communes-1\.xml<\/loc>/);
  const communes = await (await fetch(`${site.baseUrl}/sitemaps/communes-1.xml`)).text();
  assert.ok(communes.includes(`<loc>${site.baseUrl}/vivre-a/cahors-46042</loc>`));

  assert.deepEqual(problems, []);
  await tab.close();
});

test('the demo partner site beside the main site', async () => {
  const { tab, problems } = await openTab(site.context);
  const port = new URL(site.baseUrl).port;
  const partnerUrl = `http://vivraubassindevie.localhost:${port}`;

  await tab.goto(`${site.baseUrl}/`);
  assert.equal((await tab.textContent('.brand')).trim(), 'VivroVert');
  await keepScreenshot(tab, 'main-site-home');

  await tab.goto(`${partnerUrl}/`);
  assert.equal((await tab.textContent('.brand')).trim(), 'VivrauBassindeVie (démo)');
  assert.match(await tab.textContent('h1'), /Vivre sur le territoire de VivrauBassindeVie/);
  assert.match(await tab.textContent('main'), /Site de démonstration/);
  // The partner's colours, from its own stylesheet.
  const header = await tab.evaluate(() => getComputedStyle(document.querySelector('.site-header')).backgroundColor);
  assert.equal(header, 'rgb(31, 95, 122)');
  await keepScreenshot(tab, 'partner-site-home');

  await Promise.all([tab.waitForNavigation(), tab.getByRole('link', { name: 'Chercher où vivre sur le territoire' }).click()]);
  assert.equal(new URL(tab.url()).host, `vivraubassindevie.localhost:${port}`);
  assert.equal(new URL(tab.url()).pathname, '/recherche');
  await tab.waitForLoadState('networkidle');
  await keepScreenshot(tab, 'partner-site-search');

  await tab.goto(`${partnerUrl}/mentions-legales`);
  assert.match(await tab.textContent('#partner-legal'), /Texte de démonstration/);

  // Signing in on the main site does not sign in on the partner's: cookies stay per host.
  await tab.goto(`${site.baseUrl}/compte/connexion`);
  await tab.fill('#email', 'demo@vivrovert.localhost');
  await tab.fill('#password', 'demo-vivrovert');
  await Promise.all([tab.waitForNavigation(), tab.locator('main form button[type="submit"]').click()]);
  await tab.goto(`${site.baseUrl}/`);
  assert.equal(await tab.getByRole('link', { name: 'Se connecter' }).count(), 0);
  await tab.goto(`${partnerUrl}/`);
  assert.equal(await tab.getByRole('link', { name: 'Se connecter' }).count(), 1);

  assert.deepEqual(problems, []);
  await tab.close();
});
