// A « territoire semblable » campaign (issue 22, option 3) in a real browser: Debian's
// Chromium (playwright-core) against `vivrovert serve` on a fresh SQLite database, a grid of
// the Lot and the demo data (`vivrovert admin seed-demo`: the Grand Cahors demo partner with
// base, options 1 and 2, its administrator, an operator and the demo exodeur), mail through
// the SMTP server of scripts/with-test-services.sh.
//
// Set-up, through the pages: the operator adds option 3 to the demo partner's contract (an
// amendment signed today) and the partner accepts it. The demo exodeur accepts the
// partners' messages on her profile and saves a search green on Cahors without opening it
// (a contact). The partner writes a campaign; nothing leaves until the operator approves
// it; the mail reaches the SMTP server once, with its unsubscribe link, which works; the
// partner sees the counts (one person reached, by its contacts).
//
// Needs: VIVROVERT_BIN, VIVROVERT_RESOURCE_DIR (set by ctest, see CMakeLists.txt),
// VIVROVERT_TEST_SMTP_PORT, VIVROVERT_TEST_MAILDIR (set by scripts/with-test-services.sh).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { keepScreenshot, openTab, startSite, submit } from './site.mjs';

const smtpPort = process.env.VIVROVERT_TEST_SMTP_PORT;
const maildir = process.env.VIVROVERT_TEST_MAILDIR;
assert.ok(smtpPort && maildir,
  'VIVROVERT_TEST_SMTP_PORT and VIVROVERT_TEST_MAILDIR must be set: run through scripts/with-test-services.sh');

// Python's own e-mail parser decodes what the SMTP server received (shared with the mail tests).
const maildirDump = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'mail', 'maildir_dump.py');
// How long a mail may take to arrive before the test gives up (a deadline, not a measure).
const mailDeadlineMs = 60_000;

const demoPassword = 'demo-vivrovert';
const partnerBase = '/partenaire/grand-cahors-demo';
const person = 'demo@vivrovert.localhost';
// Unique per run: the Maildir is shared with the other tests, which write to the demo
// accounts too.
const subject = `Venez vivre au Grand Cahors ${randomBytes(4).toString('hex')}`;

let site;
let baseUrl;
let context;

before(async () => {
  site = await startSite('campaigns', {
    VIVROVERT_SMTP_HOST: '127.0.0.1',
    VIVROVERT_SMTP_PORT: smtpPort,
  }, { departements: '46', seedDemo: true });
  ({ baseUrl, context } = site);
});

after(async () => {
  await site?.stop();
});

async function logIn(tab, email, pagePath) {
  await context.clearCookies();
  await tab.goto(`${baseUrl}${pagePath}`);
  assert.equal(new URL(tab.url()).pathname, '/compte/connexion');
  await tab.fill('#email', email);
  await tab.fill('#password', demoPassword);
  await submit(tab, 'Se connecter');
  assert.equal(new URL(tab.url()).pathname, pagePath.split('?')[0]);
}

// The campaign's mails to the demo exodeur the SMTP server received so far.
async function campaignMails() {
  const { stdout } = await promisify(execFile)('/usr/bin/python3', [maildirDump, maildir],
    { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout).filter((message) => message.to === person && message.subject.includes(subject));
}

// Once it has arrived.
async function waitForCampaignMail() {
  const deadline = Date.now() + mailDeadlineMs;
  for (;;) {
    const mails = await campaignMails();
    if (mails.length > 0) return mails;
    if (Date.now() > deadline) {
      throw new Error(`no mail "${subject}" to ${person} in ${maildir}; server output:\n${site.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('a partner writes a campaign, an operator approves it, one mail leaves, the partner sees the counts', async () => {
  // The refused body answers 422, which the browser logs.
  const { tab, problems } = await openTab(context, /status of 422/);

  // Option 3 for the demo partner: an amendment to its contract, signed and in service today.
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
  await logIn(tab, 'operateur@vivrovert.localhost', '/operateur/devis/nouveau');
  const partners = await tab.$$eval('#q-partner option', (options) =>
    options.map((option) => [option.value, option.textContent]));
  const partnerId = partners.find(([, name]) => name.includes('Grand Cahors'))[0];
  await tab.goto(`${baseUrl}/operateur/devis/nouveau?partenaire=${partnerId}&type=epci&option3=1&start=${today}`);
  const contracts = await tab.$$eval('#q-amendment option', (options) =>
    options.map((option) => [option.value, option.textContent]));
  const demo = contracts.find(([, label]) => label.includes('(démo)'));
  assert.ok(demo, JSON.stringify(contracts));
  await tab.selectOption('#q-amendment', demo[0]);
  // In service today (by default a month after signature).
  await tab.fill('#q-service-start', new Date().toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' }));
  await submit(tab, 'Calculer');
  await submit(tab, 'Enregistrer le devis (brouillon)');
  await submit(tab, 'Envoyer au partenaire');
  const quote = new URL(tab.url()).pathname.split('/').pop();
  await logIn(tab, 'partenaire@vivrovert.localhost', `${partnerBase}/devis/${quote}`);
  await tab.fill('#a-name', 'Dominique Martin');
  await tab.getByLabel(/Bon pour accord : j'accepte ce devis/).check();
  await submit(tab, 'Accepter le devis');
  assert.equal(await tab.getAttribute('#quote-status', 'data-status'), 'accepted');

  // The demo exodeur accepts the territories' messages and saves a search green on Cahors,
  // without opening any of its tiles: a contact of the demo partner.
  await logIn(tab, person, '/compte/profil');
  await tab.check('input[name="partner_campaigns"]');
  await submit(tab, 'Enregistrer mon profil');
  assert.equal(await tab.isChecked('input[name="partner_campaigns"]'), true);
  const saved = await tab.evaluate(async () => {
    const token = document.querySelector('meta[name="csrf-token"]').content;
    const response = await fetch('/api/v1/me/searches', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
      body: JSON.stringify({
        name: 'Autour de Cahors',
        request: { level: '1km', territory: { communes: ['46042'] },
                   criteria: [{ criterion: 'dist_station_km', max: 1000, importance: 'required' }] },
      }),
    });
    await response.json();  // read to the end: the next navigation would cut it
    return response.status;
  });
  assert.equal(saved, 201);

  // The partner writes the campaign; a body too short is refused, naming the field.
  await logIn(tab, 'partenaire@vivrovert.localhost', `${partnerBase}/campagnes`);
  assert.ok(await tab.isVisible('#no-campaigns'), await tab.textContent('main'));
  await tab.fill('#campaign-subject', subject);
  await tab.fill('#campaign-body', 'Trop court.');
  await submit(tab, 'Soumettre à la validation');
  assert.equal(await tab.getAttribute('#campaign-error', 'data-field'), 'body');
  assert.equal(await tab.inputValue('#campaign-subject'), subject);
  await tab.fill('#campaign-body',
    'Des maisons avec jardin, des écoles à pied et la rivière au bout de la rue.\n\nVenez nous voir !');
  await submit(tab, 'Soumettre à la validation');
  assert.match(await tab.textContent('#campaign-submitted'), /dès qu'un opérateur l'a validée/);
  assert.equal(await tab.getAttribute('#campaigns tbody tr', 'data-status'), 'submitted');
  assert.equal((await tab.textContent('#campaigns td.reached')).trim(), '—');
  await keepScreenshot(tab, 'campaigns-partner-written');

  // Nothing leaves before an operator approves it.
  assert.deepEqual(await campaignMails(), []);

  // The operator reads and approves it.
  await logIn(tab, 'operateur@vivrovert.localhost', '/operateur/campagnes');
  const article = tab.locator('article.campaign', { hasText: subject });
  assert.match(await article.locator('.campaign-body').textContent(), /la rivière au bout de la rue/);
  assert.match(await article.textContent(), /CA du Grand Cahors \(démo\)/);
  await keepScreenshot(tab, 'campaigns-operator');
  await Promise.all([tab.waitForNavigation(), article.getByRole('button', { name: 'Valider et envoyer' }).click()]);
  assert.match(await tab.textContent('#campaign-done'), /Campagne validée et envoyée/);
  assert.equal(await tab.locator('article.campaign', { hasText: subject }).count(), 0);

  // One mail, with its unsubscribe link (RFC 8058 headers and in the text).
  const mails = await waitForCampaignMail();
  assert.equal(mails.length, 1);
  const [mail] = mails;
  assert.match(mail.text, /CA du Grand Cahors \(démo\) vous écrit, par VivroVert/);
  assert.match(mail.text, /la rivière au bout de la rue/);
  assert.match(mail.text, /sans que vous l'ayez encore ouvert/);
  assert.ok(mail.list_unsubscribe.startsWith(`<${baseUrl}/desabonnement?jeton=`), mail.list_unsubscribe);
  assert.equal(mail.list_unsubscribe_post, 'List-Unsubscribe=One-Click');
  const unsubscribe = mail.text.match(/Ne plus recevoir ces messages : (\S+)/);
  assert.ok(unsubscribe, mail.text);
  assert.ok(unsubscribe[1].startsWith(`${baseUrl}/desabonnement?jeton=`), unsubscribe[1]);

  // The partner sees how many were reached, and by which way: counts only.
  await logIn(tab, 'partenaire@vivrovert.localhost', `${partnerBase}/campagnes`);
  const row = tab.locator('#campaigns tbody tr', { hasText: subject });
  assert.equal(await row.getAttribute('data-status'), 'sent');
  assert.match(await row.locator('td.reached').textContent(),
    /^\s*1\s+\(1 par vos contacts, 0 par les territoires semblables\)\s*$/);
  assert.equal((await row.locator('td.opened').textContent()).trim(), '0');
  assert.doesNotMatch(await tab.textContent('main'), /demo@vivrovert\.localhost|Camille/);
  await keepScreenshot(tab, 'campaigns-partner-counts');

  // The link leaves the list, without logging in.
  await context.clearCookies();
  await tab.goto(unsubscribe[1]);
  await submit(tab, 'Me désabonner');
  assert.ok(await tab.isVisible('#unsubscribed'));
  await keepScreenshot(tab, 'campaigns-unsubscribed');
  await logIn(tab, person, '/compte/profil');
  assert.equal(await tab.isChecked('input[name="partner_campaigns"]'), false);

  // Still one mail: the campaign was sent once.
  assert.equal((await campaignMails()).length, 1);
  assert.deepEqual(problems, []);
  await tab.close();
});
