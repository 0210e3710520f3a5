// The French pages of /compte over AccountService: what a person does with their account.
//
//   GET  /compte                        "Mon compte" (signed in): e-mail and its status, forms
//                                       to change the password or the e-mail, resend the
//                                       verification link, delete the account
//   GET  POST /compte/inscription       sign-up → "vérifiez votre boîte mail"
//   GET  POST /compte/verifier          the verification link (?jeton=…): a button confirms
//   GET  POST /compte/connexion         login (?suivant=/path: where to go next)
//   POST /compte/deconnexion            logout
//   GET  POST /compte/mot-de-passe-oublie   asks for a reset link
//   GET  POST /compte/reinitialiser     the reset link (?jeton=…): choose a new password
//   POST /compte/mot-de-passe           change of password (signed in)
//   POST /compte/email                  change of e-mail: mails a confirmation link
//   GET  POST /compte/email/confirmer   that link (?jeton=…): a button confirms
//   POST /compte/verification           sends the verification link again (signed in)
//   POST /compte/suppression            deletes the account (password required)
//   GET  /compte/supprime               says it is done
//
// Links from e-mails only show a page on GET; the change happens on the POST of its
// button, so a mail scanner that fetches links consumes nothing.
//
// Every POST goes through the pipeline's CSRF check (web/http/csrf.hpp). Outcomes of the use
// cases: success redirects (303) to a page that says so, or shows it; InvalidArgument
// shows the form again (400) with the message next to the input named by
// Status::field() (else above the form) and the values typed, passwords excepted;
// ResourceExhausted the same with 429; a wrong login 401; a page that needs a session
// redirects to the login page when there is none; other failures reach the pipeline's
// error pages (PermissionDenied 403, NotFound 404, faults 500).
#pragma once

#include <functional>

#include "domain/accounts/account_service.hpp"
#include "web/accounts/session_authenticator.hpp"
#include "web/http/app.hpp"

namespace vivrovert::accounts {

inline constexpr const char* kAccountPath = "/compte";
inline constexpr const char* kSignUpPath = "/compte/inscription";
inline constexpr const char* kLoginPath = "/compte/connexion";
inline constexpr const char* kLogoutPath = "/compte/deconnexion";
inline constexpr const char* kForgotPasswordPath = "/compte/mot-de-passe-oublie";
inline constexpr const char* kChangePasswordPath = "/compte/mot-de-passe";
inline constexpr const char* kChangeEmailPath = "/compte/email";
inline constexpr const char* kResendVerificationPath = "/compte/verification";
inline constexpr const char* kDeleteAccountPath = "/compte/suppression";
inline constexpr const char* kAccountDeletedPath = "/compte/supprime";

struct AccountRoutesOptions {
  // The sign-in cookie; its name must be the app's AppOptions::session_cookie_name.
  SessionCookies cookies;
  // Called after a use case queued an e-mail, e.g. to nudge the mail worker so that the
  // mail leaves at once; may be empty. Called on request threads.
  std::function<void()> mail_queued;
  // Called after an account was deleted, with its id (the matching index forgets the
  // person); may be empty. Called on request threads.
  std::function<void(int64_t user_id)> account_deleted;
};

// Registers the routes above on `app`. `service` must outlive `app`. Pages render the
// templates account_*.mustache of templates/pages/.
void RegisterAccountRoutes(web::App& app, AccountService& service, AccountRoutesOptions options);

}  // namespace vivrovert::accounts
