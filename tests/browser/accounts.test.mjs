// Accounts in a real browser, with mail through a real SMTP server: Debian's Chromium
// (playwright-core) against `vivrovert serve` on a fresh SQLite database, whose mail
// worker delivers to the aiosmtpd of scripts/with-test-services.sh. A person signs up,
// opens the verification link from the mail the SMTP server received, logs in and out,
// resets the password through the mailed link, logs in with the new one, and the old one
// no longer works.
//
// Needs: VIVROVERT_BIN, VIVROVERT_RESOURCE_DIR (set by ctest, see CMakeLists.txt), and
// VIVROVERT_TEST_SMTP_PORT, VIVROVERT_TEST_MAILDIR (set by scripts/with-test-services.sh).
// Screenshots go with the others (keepScreenshot in site.mjs): account-*.png.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { openTab, keepScreenshot, startSite, submit } from './site.mjs';

const smtpPort = process.env.VIVROVERT_TEST_SMTP_PORT;
const maildir = process.env.VIVROVERT_TEST_MAILDIR;
assert.ok(smtpPort && maildir,
  'VIVROVERT_TEST_SMTP_PORT and VIVROVERT_TEST_MAILDIR must be set: run through scripts/with-test-services.sh');

// Python's own e-mail parser decodes what the SMTP server received (shared with the mail tests).
const maildirDump = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'mail', 'maildir_dump.py');
// How long a mail may take to arrive before the test gives up (a deadline, not a measure).
const mailDeadlineMs = 60_000;

const password = 'potager-et-poulailler';
const newPassword = 'ruches-et-vergers-2026';
// Unique per run: the Maildir is shared with the other tests.
const email = `camille-${randomBytes(6).toString('hex')}@example.test`;

let site;
let baseUrl;
let context;

// The mail whose subject starts with `subject` sent to `email`, as the SMTP server
// received it, once it has arrived.
async function waitForMail(subject) {
  const deadline = Date.now() + mailDeadlineMs;
  for (;;) {
    const { stdout } = await promisify(execFile)('/usr/bin/python3', [maildirDump, maildir]);
    const mail = JSON.parse(stdout).find((message) => message.to === email && message.subject.startsWith(subject));
    if (mail) return mail;
    if (Date.now() > deadline) {
      throw new Error(`no mail "${subject}" to ${email} in ${maildir}; server output:\n${site.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// The link to `pagePath` in the text part of `mail` (the HTML part escapes '/').
function linkIn(mail, pagePath) {
  const escaped = `${baseUrl}${pagePath}`.replace(/[.?]/g, '\\$&');
  const match = mail.text.match(new RegExp(`${escaped}\\?jeton=[A-Za-z0-9_-]+`));
  assert.ok(match, `no ${pagePath} link in:\n${mail.text}`);
  return match[0];
}

before(async () => {
  site = await startSite('accounts', {
    VIVROVERT_SMTP_HOST: '127.0.0.1',
    VIVROVERT_SMTP_PORT: smtpPort,
  });
  ({ baseUrl, context } = site);
});

after(async () => {
  await site?.stop();
});

async function logIn(tab, withPassword) {
  await tab.goto(`${baseUrl}/compte/connexion`);
  await tab.fill('#email', email);
  await tab.fill('#password', withPassword);
  await submit(tab, 'Se connecter');
}

test('sign up, verify from the mail, log in and out, reset the password from the mail', async () => {
  const { tab, problems } = await openTab(context, /status of (400|401)/);

  // Sign-up.
  await tab.goto(`${baseUrl}/`);
  await Promise.all([tab.waitForNavigation(), tab.click('text=Créer un compte')]);
  assert.equal(new URL(tab.url()).pathname, '/compte/inscription');
  await tab.fill('#display_name', 'Camille');
  await tab.fill('#email', email);
  await tab.fill('#password', password);
  await submit(tab, 'Créer mon compte');
  assert.equal(await tab.textContent('h1'), 'Vérifiez votre boîte mail');
  assert.match(await tab.textContent('main'), new RegExp(email.replace(/\./g, '\\.')));
  await keepScreenshot(tab, 'account-signed-up');

  // The verification link, from the mail the SMTP server received.
  const verification = await waitForMail('Confirmez votre adresse e-mail');
  assert.match(verification.text, /Bonjour Camille,/);
  assert.match(verification.text, /vous pouvez déjà vous connecter/);
  await tab.goto(linkIn(verification, '/compte/verifier'));
  assert.equal(await tab.textContent('h1'), 'Confirmez votre adresse e-mail');
  await submit(tab, 'Confirmer mon adresse');
  assert.equal(await tab.textContent('h1'), 'Votre adresse e-mail est confirmée');

  // Login, the account page, the cookie.
  await Promise.all([tab.waitForNavigation(), tab.click('main >> text=Se connecter')]);
  assert.equal(new URL(tab.url()).pathname, '/compte/connexion');
  await tab.fill('#email', email);
  await tab.fill('#password', password);
  await submit(tab, 'Se connecter');
  assert.equal(new URL(tab.url()).pathname, '/compte');
  assert.equal(await tab.textContent('h1'), 'Mon compte');
  assert.equal(await tab.textContent('#account-email'), email);
  assert.match(await tab.textContent('main'), /Votre adresse e-mail est confirmée\./);
  assert.equal(await tab.textContent('.site-nav a[href="/compte"]'), 'Camille');
  const session = (await context.cookies(baseUrl)).find((cookie) => cookie.name === 'vv_session');
  assert.ok(session, 'the session cookie is set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');
  assert.equal(session.path, '/');
  assert.ok(session.expires > Date.now() / 1000 + 29 * 24 * 3600, 'it lasts as long as the session (30 days)');
  await keepScreenshot(tab, 'account-page');

  // Logout.
  await submit(tab, 'Se déconnecter');
  assert.equal(new URL(tab.url()).pathname, '/');
  assert.ok(await tab.isVisible('.site-nav >> text=Se connecter'));
  assert.equal((await context.cookies(baseUrl)).find((cookie) => cookie.name === 'vv_session'), undefined);
  await tab.goto(`${baseUrl}/compte`);
  assert.equal(new URL(tab.url()).pathname, '/compte/connexion', 'the account page needs a session');

  // Forgotten password → the reset link from the mail → a new password.
  await Promise.all([tab.waitForNavigation(), tab.click('text=Mot de passe oublié ?')]);
  await tab.fill('#email', email);
  await submit(tab, 'Recevoir le lien');
  assert.equal(await tab.textContent('h1'), 'Vérifiez votre boîte mail');
  const reset = await waitForMail('Réinitialisation de votre mot de passe');
  await tab.goto(linkIn(reset, '/compte/reinitialiser'));
  assert.equal(await tab.textContent('h1'), 'Choisissez un nouveau mot de passe');
  await tab.fill('#new_password', newPassword);
  await submit(tab, 'Enregistrer le mot de passe');
  assert.equal(new URL(tab.url()).pathname, '/compte/connexion');
  assert.match(await tab.textContent('main'), /Votre mot de passe a été changé/);

  // The new password opens the account; the old one no longer does.
  await logIn(tab, newPassword);
  assert.equal(new URL(tab.url()).pathname, '/compte');
  assert.equal(await tab.textContent('h1'), 'Mon compte');
  await submit(tab, 'Se déconnecter');
  await logIn(tab, password);
  assert.equal(new URL(tab.url()).pathname, '/compte/connexion');
  assert.equal(await tab.textContent('.alert.error'), 'Adresse e-mail ou mot de passe incorrect.');
  assert.equal(await tab.inputValue('#email'), email, 'the address typed is kept');
  assert.equal(await tab.inputValue('#password'), '', 'the password is not');
  await keepScreenshot(tab, 'account-refused');

  // The reset link served once.
  await tab.goto(linkIn(reset, '/compte/reinitialiser'));
  assert.match(await tab.textContent('.alert.error'), /Ce lien a déjà été utilisé/);

  assert.deepEqual(problems, []);
  await tab.close();
});
