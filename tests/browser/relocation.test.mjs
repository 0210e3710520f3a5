// A relocation project in a real browser (Debian's Chromium through playwright-core, against
// `vivrovert serve` with a grid of the Lot and the demo accounts; its mail worker delivers
// to the aiosmtpd of scripts/with-test-services.sh). The demo account registers its company
// and creates a project near Cahors, invites three demo exodeurs; each opens the link of
// their invitation mail, signs in, joins and answers; one shares their answer. The employer
// then sees only aggregates and the shared answer; a member sees their own tiles.
//
// Needs: VIVROVERT_BIN, VIVROVERT_RESOURCE_DIR (set by ctest, see CMakeLists.txt),
// VIVROVERT_TEST_SMTP_PORT, VIVROVERT_TEST_MAILDIR (set by scripts/with-test-services.sh).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';

import { keepScreenshot, openTab, startSite, submit } from './site.mjs';

const smtpPort = process.env.VIVROVERT_TEST_SMTP_PORT;
const maildir = process.env.VIVROVERT_TEST_MAILDIR;
assert.ok(smtpPort && maildir,
  'VIVROVERT_TEST_SMTP_PORT and VIVROVERT_TEST_MAILDIR must be set: run through scripts/with-test-services.sh');
const maildirDump = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'mail', 'maildir_dump.py');
// How long a mail may take to arrive before the test gives up (a deadline, not a measure).
const mailDeadlineMs = 60_000;
const password = 'demo-vivrovert';
// Unique per run: the Maildir is shared with the other tests and earlier runs.
const projectName = `Atelier de Cahors ${randomBytes(4).toString('hex')}`;
const privatePlace = 'chez Mamie Secrète';

let site;

before(async () => {
  site = await startSite('relocation', {
    VIVROVERT_SMTP_HOST: '127.0.0.1',
    VIVROVERT_SMTP_PORT: smtpPort,
  }, { departements: '46', seedDemo: true });
});

after(async () => {
  await site?.stop();
});

async function invitationLink(email) {
  const deadline = Date.now() + mailDeadlineMs;
  for (;;) {
    const { stdout } = await promisify(execFile)('/usr/bin/python3', [maildirDump, maildir]);
    const mail = JSON.parse(stdout).find((message) => message.to === email && message.subject.includes(projectName));
    if (mail) {
      const match = mail.text.match(new RegExp(`${site.baseUrl.replace(/[.]/g, '\\.')}/entreprise/invitation/[A-Za-z0-9_-]+`));
      assert.ok(match, `no invitation link in:\n${mail.text}`);
      return match[0];
    }
    if (Date.now() > deadline) throw new Error(`no invitation to ${email}; server output:\n${site.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function logIn(tab, email, next) {
  await site.context.clearCookies();
  await tab.goto(`${site.baseUrl}/compte/connexion?suivant=${encodeURIComponent(next)}`);
  await tab.fill('#email', email);
  await tab.fill('#password', password);
  await submit(tab, 'Se connecter');
}

async function answer(tab, email, request, share) {
  const link = await invitationLink(email);
  await site.context.clearCookies();
  // Without a session the link leads to the login page, which brings the person back.
  await tab.goto(link);
  assert.equal(new URL(tab.url()).pathname, '/compte/connexion');
  await tab.fill('#email', email);
  await tab.fill('#password', password);
  await submit(tab, 'Se connecter');
  assert.match(await tab.textContent('h1'), new RegExp(`Projet d'installation « ${projectName} »`));
  await submit(tab, 'Rejoindre le projet');
  assert.match(new URL(tab.url()).pathname, /^\/entreprise\/membre\/\d+$/);
  await tab.fill('#answer-text', JSON.stringify(request));
  if (share) await tab.check('input[name="share_answers"]');
  await submit(tab, 'Enregistrer ma réponse');
  await tab.waitForSelector('#my-green');
}

test('an employer creates a project, three members answer, each side sees what it may', async () => {
  const { tab, problems } = await openTab(site.context);

  // The employer registers the company and creates the project.
  await logIn(tab, 'demo@vivrovert.localhost', '/entreprise');
  assert.equal(new URL(tab.url()).pathname, '/entreprise');
  await tab.fill('#employer-name', 'Causse Industries');
  await tab.fill('#employer-siret', '732 829 320 00074');
  await submit(tab, "Inscrire l'entreprise");
  assert.equal(await tab.textContent('h1'), 'Causse Industries');
  await tab.fill('#project-name', projectName);
  await tab.fill('#project-commune', '46042');
  await tab.fill('#project-address', '12 quai Cavaignac');
  await submit(tab, 'Créer le projet');
  const projectUrl = tab.url();
  assert.match(await tab.textContent('#project-site'), /Cahors \(46042\), 12 quai Cavaignac/);
  await tab.fill('#invite-emails', 'camille.demo@vivrovert.localhost\njulien.demo@vivrovert.localhost\nsofia.demo@vivrovert.localhost');
  await submit(tab, 'Envoyer les invitations');
  assert.equal(await tab.textContent('#project-notice'), '3 invitations envoyées.');

  // Camille keeps her answer private; Julien shares his; Sofia asks for what no tile has.
  await answer(tab, 'camille.demo@vivrovert.localhost', {
    criteria: [{ criterion: 'altitude_m', max: 1000, importance: 'required' }],
    places: [
      { name: 'nouveau site', commune: '46042', max_km: 30, importance: 'required' },
      { name: privatePlace, commune: '46224', max_km: 25, importance: 'required' },
    ],
  }, false);
  assert.match(await tab.textContent('#my-answer'), new RegExp(privatePlace));
  assert.match(await tab.textContent('#my-green'), /^[1-9][\d\s]* dalle\(s\) de 1\s?km vous conviennent\.$/);
  assert.ok(await tab.locator('#my-tiles tbody tr').count() > 0);
  await keepScreenshot(tab, 'relocation-member');
  await answer(tab, 'julien.demo@vivrovert.localhost', {
    criteria: [{ criterion: 'dist_station_km', max: 10, importance: 'required' }],
  }, true);
  await answer(tab, 'sofia.demo@vivrovert.localhost', {
    criteria: [{ criterion: 'altitude_m', min: 5000, importance: 'required' }],
  }, false);

  // The employer: aggregates, Julien's shared answer, nothing of the others'.
  await logIn(tab, 'demo@vivrovert.localhost', new URL(projectUrl).pathname);
  assert.equal(tab.url(), projectUrl);
  assert.equal(await tab.textContent('#answered-count'), '3 réponse(s) sur 3 membre(s) invité(s).');
  assert.match(await tab.textContent('#suits-everyone'), /Aucune dalle ne convient à tous : les meilleures conviennent à 2 membre\(s\) sur 3/);
  assert.ok(await tab.locator('#best-tiles tbody tr').count() > 0);
  assert.match(await tab.textContent('#excluding'), /Altitude/i);
  assert.match(await tab.textContent('.shared-answer'), /julien\.demo@vivrovert\.localhost/);
  const main = await tab.textContent('main');
  assert.doesNotMatch(main, /Mamie/);
  assert.doesNotMatch(main, /au moins/);
  await keepScreenshot(tab, 'relocation-employer');

  assert.deepEqual(problems, []);
  await tab.close();
});
