// The demo partner's attractiveness barometer in a real browser: Debian's Chromium
// (playwright-core) against `vivrovert serve` on a fresh SQLite database, a grid of the Lot
// and the demo data (`vivrovert admin seed-demo`: the Grand Cahors demo partner, its
// contract with option 1, and the generated demonstration demand). The staff member logs
// in, sees the figures labelled "démo", each chart with its table, downloads the diagnostic,
// marks an event and sees its line; then a search made on the site reaches the barometer.
// The night's run of today, before the server starts, issued the initial diagnostic of the
// periodic barometer (option 1 starts today): the page lists it and its PDF downloads.
//
// Needs: VIVROVERT_BIN, VIVROVERT_RESOURCE_DIR (set by ctest, see CMakeLists.txt).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { openTab, keepScreenshot, startSite, submit } from './site.mjs';

const staffEmail = 'partenaire@vivrovert.localhost';
const demoPassword = 'demo-vivrovert';
const partnerBase = '/partenaire/grand-cahors-demo';

let site;
let baseUrl;
let context;

before(async () => {
  site = await startSite('barometer', {}, { departements: '46', seedDemo: true, nightly: true });
  ({ baseUrl, context } = site);
});

after(async () => {
  await site?.stop();
});

async function count(tab, selector) {
  return Number((await tab.textContent(selector)).replace(/\s/g, ''));
}

test('the demo partner reads its barometer, keeps the diagnostic and marks an event', async () => {
  const { tab } = await openTab(context);
  await tab.goto(`${baseUrl}${partnerBase}/barometre`);
  assert.equal(new URL(tab.url()).pathname, '/compte/connexion');
  await tab.fill('#email', staffEmail);
  await tab.fill('#password', demoPassword);
  await submit(tab, 'Se connecter');
  assert.equal(new URL(tab.url()).pathname, `${partnerBase}/barometre`);
  assert.equal(await tab.textContent('h1'), "Baromètre d'attractivité");

  // The generated demand is said, and its figures are consistent.
  assert.ok(await tab.isVisible('#barometer-demo'), 'the "démo" label');
  const searches = await count(tab, '#count-searches');
  const green = await count(tab, '#count-green');
  assert.ok(searches > 0, `searches: ${searches}`);
  assert.ok(green >= 0 && green <= searches, `green: ${green} of ${searches}`);
  // Each chart is an SVG image with a title, and has its table.
  const charts = await tab.$$eval('figure.barometer-figure svg', (svgs) =>
    svgs.map((svg) => [svg.getAttribute('role'), svg.querySelector('title')?.textContent ?? '']));
  assert.equal(charts.length, 2, JSON.stringify(charts));
  for (const [role, title] of charts) {
    assert.equal(role, 'img');
    assert.ok(title.length > 10, title);
  }
  const weekly = await tab.$$eval('#barometer-weeks tbody tr', (rows) =>
    rows.map((row) => Number(row.querySelectorAll('td')[0].textContent)));
  assert.equal(weekly.reduce((sum, value) => sum + value, 0), searches, 'the weeks add up');
  const criteria = await tab.$$eval('#barometer-criteria tbody tr', (rows) =>
    rows.map((row) => row.getAttribute('data-criterion')));
  assert.ok(criteria.length > 0, 'criteria in retreat');
  await keepScreenshot(tab, 'partner-barometer');

  // The diagnostic to keep.
  const pdf = await context.request.get(`${baseUrl}${partnerBase}/barometre/diagnostic.pdf`);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');

  // Its rank among the comparable territories of the région, the demand against the offer.
  assert.ok(await count(tab, '#comparable-rank') >= 1, 'a rank among comparable territories');
  assert.match(await tab.textContent('#barometer-comparable'), /de la région Occitanie/);
  assert.ok(await count(tab, '#offer-people-count') >= 0, 'the people counted against the offer');

  // The periodic reports: the initial diagnostic, issued by tonight's run, then one every
  // 6 months (the default: no advice shown; staff cannot change it).
  assert.equal(await tab.textContent('#report-months'), '6');
  assert.equal(await tab.isVisible('#report-advice'), false);
  assert.equal(await tab.$('#report-months-form'), null);
  const reports = await tab.$$eval('#barometer-reports tbody tr', (rows) =>
    rows.map((row) => ({ title: row.querySelector('th').textContent,
                         searches: Number(row.querySelector('td.searches').textContent),
                         href: row.querySelector('a').getAttribute('href') })));
  assert.equal(reports.length, 1, JSON.stringify(reports));
  assert.match(reports[0].title, /^Diagnostic initial démo$/);
  // The diagnostic counts the 90 Paris days before tonight, the page the 90 days to today:
  // neither contains the other (in the Paris morning, the report has the searches of the
  // day the page no longer covers), so only their presence is compared.
  assert.ok(reports[0].searches > 0, JSON.stringify(reports));
  const report = await context.request.get(`${baseUrl}${reports[0].href}`);
  assert.equal(report.status(), 200);
  assert.equal(report.headers()['content-type'], 'application/pdf');
  assert.equal((await report.body()).subarray(0, 5).toString(), '%PDF-');

  // An event, today: no day after it yet to compare with.
  const [year, month, day] = new Date().toISOString().slice(0, 10).split('-');
  await tab.fill('#evenement-jour', `${day}/${month}/${year}`);
  await tab.fill('#evenement-libelle', 'Reportage France 3');
  await submit(tab, "Marquer l'événement");
  assert.equal(new URL(tab.url()).pathname, `${partnerBase}/barometre`);
  const events = await tab.$$eval('#barometer-events tbody tr', (rows) =>
    rows.map((row) => row.textContent));
  assert.equal(events.length, 1);
  assert.match(events[0], /Reportage France 3/);
  assert.match(events[0], /pas encore de jour après l'événement/, 'today is not over');
  await keepScreenshot(tab, 'partner-barometer-event');

  // A search made on the site is demand too: it reaches the page within the worker's
  // flush interval (a few seconds).
  const answer = await context.request.post(`${baseUrl}/api/v1/search`, {
    data: { level: '1km', territory: { epci: ['200023737'] },
            criteria: [{ criterion: 'dist_station_km', max: 1000, importance: 'required' }] },
  });
  assert.equal(answer.status(), 200);
  let after = searches;
  for (let attempt = 0; attempt < 40 && after === searches; ++attempt) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await tab.goto(`${baseUrl}${partnerBase}/barometre`);
    after = await count(tab, '#count-searches');
  }
  assert.equal(after, searches + 1);
});
