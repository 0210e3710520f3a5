// Quotes in a real browser: Debian's Chromium (playwright-core) against `vivrovert serve` on
// a fresh SQLite database, a grid of the Lot and the demo data (`vivrovert admin seed-demo`: the Grand Cahors
// demo partner, its administrator and an operator). A visitor simulates a price at /tarifs
// and sends a quote request; the operator finds it among the requests waiting, makes a quote
// for the demo partner (computed lines shown before saving) and sends it; the partner's
// administrator opens it, signs "Bon pour accord" and sees it accepted.
//
// Needs: VIVROVERT_BIN, VIVROVERT_RESOURCE_DIR (set by ctest, see CMakeLists.txt).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { openTab, keepScreenshot, startSite, submit } from './site.mjs';

const demoPassword = 'demo-vivrovert';
const partnerBase = '/partenaire/grand-cahors-demo';

let site;
let baseUrl;
let context;

before(async () => {
  site = await startSite('quotes', {}, { departements: '46', seedDemo: true });
  ({ baseUrl, context } = site);
});

after(async () => {
  await site?.stop();
});

async function logIn(tab, email) {
  assert.equal(new URL(tab.url()).pathname, '/compte/connexion');
  await tab.fill('#email', email);
  await tab.fill('#password', demoPassword);
  await submit(tab, 'Se connecter');
}

test('a visitor simulates a price and asks for a quote', async () => {
  // The refused day answers 400, which the browser logs.
  const { tab, problems } = await openTab(context, /status of 400/);
  await tab.goto(`${baseUrl}/tarifs`);
  await tab.selectOption('#q-type', 'epci');
  await tab.getByLabel('Option 1 : baromètre d\'attractivité').check();
  await tab.getByLabel('Option 2 : plateforme territoriale').check();
  // Days are typed as people write them in France (jj/mm/aaaa), not the browser's
  // mm/dd/yyyy: a month first is refused, naming the field, and kept as typed.
  assert.equal(await tab.getAttribute('#q-start', 'placeholder'), 'jj/mm/aaaa');
  assert.match(await tab.inputValue('#q-start'), /^\d{2}\/\d{2}\/\d{4}$/, 'today, the French way');
  await tab.fill('#q-start', '01/31/2027');
  await submit(tab, 'Calculer le prix');
  assert.equal(await tab.getAttribute('#quote-error', 'data-field'), 'start');
  assert.match(await tab.textContent('#quote-error'), /Date de signature illisible : « 01\/31\/2027 » \(attendu : une date JJ\/MM\/AAAA/);
  assert.equal(await tab.inputValue('#q-start'), '01/31/2027');
  await tab.fill('#q-start', '01/01/2027');
  await submit(tab, 'Calculer le prix');
  assert.equal(await tab.inputValue('#q-start'), '01/01/2027');
  assert.match(await tab.textContent('#monthly-ht'), /^2\s000,00\s€$/);
  assert.match(await tab.textContent('.quote-warnings'), /recommandée pour 24 mois/);
  await keepScreenshot(tab, 'quotes-simulator');

  await tab.fill('#r-organisation', 'Communauté de communes du Causse');
  await tab.fill('#r-name', 'Camille Martin');
  await tab.fill('#r-email', 'camille@causse.example');
  await tab.getByLabel(/J'accepte que VivroVert utilise ces coordonnées/).check();
  await submit(tab, 'Envoyer ma demande de devis');
  assert.equal(new URL(tab.url()).pathname, '/tarifs/demande-envoyee');
  assert.match(await tab.textContent('#request-sent'), /sous 3 jours/);
  assert.deepEqual(problems, []);
  await tab.close();
});

test('the operator quotes the demo partner and its administrator accepts on line', async () => {
  await context.clearCookies();
  const { tab, problems } = await openTab(context);
  await tab.goto(`${baseUrl}/operateur/devis`);
  await logIn(tab, 'operateur@vivrovert.localhost');
  assert.equal(new URL(tab.url()).pathname, '/operateur/devis');
  assert.match(await tab.textContent('#quote-requests'), /Communauté de communes du Causse/);

  await tab.getByRole('link', { name: 'Nouveau devis' }).click();
  await tab.waitForSelector('#quote-form');
  const partners = await tab.$$eval('#q-partner option', (options) =>
    options.map((option) => [option.value, option.textContent]));
  const partner = partners.find(([, name]) => name.includes('Grand Cahors'));
  assert.ok(partner, JSON.stringify(partners));
  const partnerId = partner[0];
  await tab.selectOption('#q-partner', partnerId);
  await tab.selectOption('#q-type', 'epci');
  await tab.getByLabel('Option 3 : compétences').check();
  await tab.fill('#q-months', '24');
  await tab.fill('#q-start', '04/01/2027');
  await submit(tab, 'Calculer');
  // Computed before anything is saved: base 1 100 + option 3 for an EPCI 400.
  assert.match(await tab.textContent('#monthly-ht'), /^1\s500,00\s€$/);
  assert.match(await tab.textContent('#total-ht'), /^36\s000,00\s€$/);
  await submit(tab, 'Enregistrer le devis (brouillon)');
  const quotePath = new URL(tab.url()).pathname;
  assert.match(quotePath, /^\/operateur\/devis\/\d+$/);
  assert.match(await tab.textContent('h1'), /^Devis n° D-\d{4}-\d{4}$/);
  assert.equal(await tab.getAttribute('#quote-status', 'data-status'), 'draft');
  await submit(tab, 'Envoyer au partenaire');
  assert.equal(await tab.getAttribute('#quote-status', 'data-status'), 'sent');
  const number = (await tab.textContent('h1')).replace('Devis n° ', '');
  await keepScreenshot(tab, 'quotes-operator-quote');
  const id = quotePath.split('/').pop();

  await context.clearCookies();
  await tab.goto(`${baseUrl}${partnerBase}/devis/${id}`);
  await logIn(tab, 'partenaire@vivrovert.localhost');
  assert.equal(new URL(tab.url()).pathname, `${partnerBase}/devis/${id}`);
  assert.equal(await tab.textContent('h1'), `Devis n° ${number}`);
  assert.match(await tab.textContent('.quote-conditions'), /Durée minimale du contrat : 12 mois/);
  await tab.fill('#a-name', 'Dominique Martin');
  await tab.getByLabel(/Bon pour accord : j'accepte ce devis/).check();
  await keepScreenshot(tab, 'quotes-partner-accept');
  await submit(tab, 'Accepter le devis');
  assert.equal(await tab.getAttribute('#quote-status', 'data-status'), 'accepted');
  assert.match(await tab.textContent('#acceptance'), /accepté \(« Bon pour accord »\) par Dominique Martin/);
  assert.equal(await tab.$('#quote-accept'), null, 'no second acceptance');

  // The partner's list shows it accepted.
  await tab.goto(`${baseUrl}${partnerBase}/devis`);
  assert.match(await tab.textContent('#quotes'), new RegExp(`${number}[\\s\\S]*Accepté`));
  assert.deepEqual(problems, []);
  await tab.close();
});

// Issue 19's walk-through: option 3 added to the demo partner's contract as an amendment
// signed today; the partner accepts it and finds the invoice due at signature, which the
// operator then records as paid.
test('an amendment accepted today is invoiced at once and the operator records its payment', async () => {
  await context.clearCookies();
  const { tab, problems } = await openTab(context);
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
  await tab.goto(`${baseUrl}/operateur/devis/nouveau`);
  await logIn(tab, 'operateur@vivrovert.localhost');
  const partners = await tab.$$eval('#q-partner option', (options) =>
    options.map((option) => [option.value, option.textContent]));
  const partnerId = partners.find(([, name]) => name.includes('Grand Cahors'))[0];
  await tab.goto(`${baseUrl}/operateur/devis/nouveau?partenaire=${partnerId}&type=epci&option3=1&start=${today}`);
  const contracts = await tab.$$eval('#q-amendment option', (options) =>
    options.map((option) => [option.value, option.textContent]));
  const demo = contracts.find(([, label]) => label.includes('(démo)'));
  assert.ok(demo, JSON.stringify(contracts));
  await tab.selectOption('#q-amendment', demo[0]);
  await submit(tab, 'Calculer');
  assert.match(await tab.textContent('body'), /Avenant au contrat n° \d+ : du/);
  await submit(tab, 'Enregistrer le devis (brouillon)');
  await submit(tab, 'Envoyer au partenaire');
  const id = new URL(tab.url()).pathname.split('/').pop();

  await context.clearCookies();
  await tab.goto(`${baseUrl}${partnerBase}/devis/${id}`);
  await logIn(tab, 'partenaire@vivrovert.localhost');
  await tab.fill('#a-name', 'Dominique Martin');
  await tab.getByLabel(/Bon pour accord : j'accepte ce devis/).check();
  await submit(tab, 'Accepter le devis');
  assert.equal(await tab.getAttribute('#quote-status', 'data-status'), 'accepted');
  await tab.goto(`${baseUrl}${partnerBase}/factures`);
  const invoices = await tab.textContent('#invoices');
  assert.match(invoices, /F-\d{4}-\d{6}/);
  assert.match(invoices, /Avenant n° \d+ au contrat n° \d+/);
  assert.match(invoices, /à payer/);
  await keepScreenshot(tab, 'invoices-partner');
  const number = invoices.match(/F-\d{4}-\d{6}/)[0];

  await context.clearCookies();
  await tab.goto(`${baseUrl}/operateur/factures`);
  await logIn(tab, 'operateur@vivrovert.localhost');
  await tab.getByRole('link', { name: number }).first().click();
  await tab.waitForSelector('#payment-form');
  await tab.fill('#pay-reference', 'Mandat 2027-12');
  await submit(tab, 'Enregistrer le paiement');  // the amount proposed is what is due
  assert.equal((await tab.textContent('#invoice-status')).trim(), 'payée');
  assert.match(await tab.textContent('#payments'), /Mandat 2027-12/);
  await keepScreenshot(tab, 'invoices-operator-invoice');
  assert.deepEqual(problems, []);
  await tab.close();
});
