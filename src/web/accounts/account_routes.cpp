#include "web/accounts/account_routes.hpp"

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace vivrovert::accounts {

namespace {

using web::Context;
using web::Response;

constexpr const char* kTokenParam = "jeton";
constexpr const char* kNextParam = "suivant";
constexpr const char* kDoneParam = "fait";

// Outcomes announced on the page a success redirects to (`?fait=…`). A fixed table: the
// query string never puts text of its own on a page.
struct Notice {
  const char* code;
  const char* message;
};
constexpr Notice kNotices[] = {
    {"mot-de-passe", "Votre mot de passe a été changé. Vos autres sessions ont été fermées."},
    {"email",
     "Nous avons envoyé un lien de confirmation à la nouvelle adresse, sauf si elle appartient "
     "déjà à un "
     "compte. Votre adresse changera quand ce lien sera ouvert."},
    {"verification", "Un nouveau lien de confirmation vient de vous être envoyé."},
    {"mot-de-passe-reinitialise",
     "Votre mot de passe a été changé. Connectez-vous avec le nouveau."},
};

std::string NoticeFor(const web::Request& request) {
  std::string code = request.Query(kDoneParam).value_or("");
  for (const Notice& notice : kNotices) {
    if (code == notice.code) return notice.message;
  }
  return {};
}

std::string WithNotice(const char* path, const char* code) {
  return std::string(path) + "?" + kDoneParam + "=" + code;
}

// Where a login goes next: a path of this site only ("//host" and "/\host" name another
// site to browsers), else the account page.
std::string SafeNext(std::string_view next) {
  if (next.empty() || next.size() > 1024 || next.front() != '/') return kAccountPath;
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return kAccountPath;
  for (char c : next) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\') return kAccountPath;
  }
  return std::string(next);
}

// Where a page that needs a session sends people without one; the login then leads to
// the account page.
Response RedirectToLogin() { return Response::Redirect(kLoginPath); }

// Failures a person can act on from the form itself; others become a redirect or an
// error page.
bool ShownOnForm(StatusCode code) {
  return code == StatusCode::kInvalidArgument || code == StatusCode::kAlreadyExists ||
         code == StatusCode::kFailedPrecondition || code == StatusCode::kResourceExhausted;
}

// The message of a failed form for its template: `errors.<prefix><field>` beside the input
// the status names when it is one of `fields`, else `errors.<prefix>alert` above the form.
// Several forms share a page through distinct prefixes.
mstch::map Messages(const Status& status, const std::string& prefix,
                    std::initializer_list<const char*> fields) {
  std::string key = prefix + "alert";
  for (const char* field : fields) {
    if (status.field() == field) key = prefix + field;
  }
  return mstch::map{{key, status.message()}};
}

std::string Field(const Context& context, const char* name) {
  return context.request().Form(name).value_or("");
}

// "1 h", "48 h": how long a mailed link lasts.
std::string Hours(int64_t seconds) { return std::to_string((seconds + 3599) / 3600) + " h"; }

mstch::map Action(const char* href, const char* label) {
  return mstch::map{{"href", std::string(href)}, {"label", std::string(label)}};
}

// What a page opened from an e-mail confirms, and where to get a new link.
struct LinkPage {
  TokenPurpose purpose;
  const char* path;
  const char* title;
  const char* heading;
  const char* explanation;
  const char* button;
  const char* retry_href;
  const char* retry_label;
};

constexpr LinkPage kVerifyLink{
    TokenPurpose::kVerifyEmail,
    kVerifyEmailPath,
    "Confirmer votre adresse — VivroVert",
    "Confirmez votre adresse e-mail",
    "Un clic sur le bouton confirme que cette adresse est bien la vôtre.",
    "Confirmer mon adresse",
    kAccountPath,
    "Recevoir un nouveau lien depuis mon compte",
};

constexpr LinkPage kChangeEmailLink{
    TokenPurpose::kChangeEmail,
    kConfirmEmailChangePath,
    "Confirmer votre nouvelle adresse — VivroVert",
    "Confirmez votre nouvelle adresse e-mail",
    "Un clic sur le bouton remplace l'adresse de votre compte par celle-ci.",
    "Utiliser cette adresse",
    kAccountPath,
    "Refaire la demande depuis mon compte",
};

constexpr LinkPage kResetLink{
    TokenPurpose::kResetPassword,
    kResetPasswordPath,
    "Nouveau mot de passe — VivroVert",
    "Choisissez un nouveau mot de passe",
    "Une fois enregistré, il remplace l'ancien et toutes vos sessions ouvertes sont fermées.",
    "Enregistrer le mot de passe",
    kForgotPasswordPath,
    "Demander un nouveau lien",
};

class AccountPages {
 public:
  AccountPages(AccountService& service, AccountRoutesOptions options, const Clock& clock)
      : service_(service), options_(std::move(options)), clock_(clock) {}

  // ---- Mon compte ---------------------------------------------------------------------

  Result<Response> ShowAccount(Context& context) {
    std::optional<AuthenticatedUser> account = CurrentAccount(context);
    if (!account) return RedirectToLogin();
    return AccountPage(context, *account, {}, {}, NoticeFor(context.request()), 200);
  }

  Result<Response> ChangePassword(Context& context) {
    std::optional<AuthenticatedUser> account = CurrentAccount(context);
    if (!account) return RedirectToLogin();
    Status changed = service_.ChangePassword(*account, Field(context, kFieldCurrentPassword),
                                             Field(context, kFieldNewPassword));
    if (!changed.ok()) {
      return AccountFormFailed(context, *account, changed, "password_",
                               {kFieldCurrentPassword, kFieldNewPassword}, {});
    }
    return Response::Redirect(WithNotice(kAccountPath, "mot-de-passe"));
  }

  Result<Response> ChangeEmail(Context& context) {
    std::optional<AuthenticatedUser> account = CurrentAccount(context);
    if (!account) return RedirectToLogin();
    std::string new_email = Field(context, kFieldNewEmail);
    Status requested =
        service_.RequestEmailChange(*account, new_email, Field(context, kFieldCurrentPassword));
    if (!requested.ok()) {
      return AccountFormFailed(context, *account, requested, "email_",
                               {kFieldNewEmail, kFieldCurrentPassword},
                               mstch::map{{"new_email", new_email}});
    }
    MailQueued();
    return Response::Redirect(WithNotice(kAccountPath, "email"));
  }

  Result<Response> ResendVerification(Context& context) {
    std::optional<AuthenticatedUser> account = CurrentAccount(context);
    if (!account) return RedirectToLogin();
    Status sent = service_.ResendVerification(*account);
    if (!sent.ok()) return AccountFormFailed(context, *account, sent, "verification_", {}, {});
    MailQueued();
    return Response::Redirect(WithNotice(kAccountPath, "verification"));
  }

  Result<Response> DeleteAccount(Context& context) {
    std::optional<AuthenticatedUser> account = CurrentAccount(context);
    if (!account) return RedirectToLogin();
    Status deleted = service_.DeleteAccount(*account, Field(context, kFieldCurrentPassword));
    if (!deleted.ok())
      return AccountFormFailed(context, *account, deleted, "delete_", {kFieldCurrentPassword}, {});
    if (options_.account_deleted) options_.account_deleted(account->user.id);
    Response response = Response::Redirect(kAccountDeletedPath);
    response.AddCookie(options_.cookies.Clear());
    return response;
  }

  Result<Response> ShowDeleted(Context& context) {
    return Message(context, 200, "Compte supprimé — VivroVert", "Votre compte est supprimé",
                   "Votre compte et tout ce qui s'y rattachait ont été effacés. Merci d'avoir "
                   "utilisé VivroVert.",
                   Action("/", "Retour à l'accueil"));
  }

  // ---- Inscription ----------------------------------------------------------------------

  Result<Response> ShowSignUp(Context& context) {
    if (context.user()) return Response::Redirect(kAccountPath);
    return context.Page("account_signup", SignUpData(mstch::map{}));
  }

  Result<Response> SignUp(Context& context) {
    SignUpRequest request{Field(context, kFieldEmail), Field(context, kFieldPassword),
                          Field(context, kFieldDisplayName), context.request().remote_address()};
    Status signed_up =
        service_.SignUp(request, context.site() != nullptr ? context.site()->host : std::string());
    if (!signed_up.ok()) {
      mstch::map values{{"email", request.email}, {"display_name", request.display_name}};
      return FormFailed(context, "account_signup", SignUpData(std::move(values)), signed_up, "",
                        {kFieldEmail, kFieldPassword, kFieldDisplayName});
    }
    MailQueued();
    return context.Page(
        "account_signup_sent",
        mstch::map{{"title", std::string("Vérifiez votre boîte mail — VivroVert")},
                   {"email", request.email},
                   {"expires", Hours(service_.policy().tokens.verify_email_seconds)}});
  }

  // ---- Connexion, déconnexion -------------------------------------------------------------

  Result<Response> ShowLogin(Context& context) {
    std::string next = context.request().Query(kNextParam).value_or("");
    if (context.user()) return Response::Redirect(SafeNext(next));
    mstch::map data = LoginData("", next);
    if (std::string notice = NoticeFor(context.request()); !notice.empty()) data["notice"] = notice;
    return context.Page("account_login", std::move(data));
  }

  Result<Response> LogIn(Context& context) {
    const web::Request& http = context.request();
    std::string next = Field(context, kNextParam);
    LoginRequest request{Field(context, kFieldEmail), Field(context, kFieldPassword),
                         http.remote_address(), http.Header("User-Agent").value_or(""),
                         SessionToken(context)};
    Result<LoginResult> login = service_.Login(request);
    if (!login.ok()) {
      const Status& status = login.status();
      mstch::map data = LoginData(request.email, next);
      if (status.code() == StatusCode::kUnauthenticated) {
        data["errors"] = mstch::map{{"alert", status.message()}};
        return context.Page("account_login", std::move(data), 401);
      }
      return FormFailed(context, "account_login", std::move(data), status, "",
                        {kFieldEmail, kFieldPassword});
    }
    Response response = Response::Redirect(SafeNext(next));
    response.AddCookie(options_.cookies.Issue(login->session_token, login->session_expires_at,
                                              clock_.NowSeconds()));
    return response;
  }

  Result<Response> LogOut(Context& context) {
    if (std::string token = SessionToken(context); !token.empty()) service_.Logout(token);
    Response response = Response::Redirect("/");
    response.AddCookie(options_.cookies.Clear());
    return response;
  }

  // ---- Mot de passe oublié ------------------------------------------------------------------

  Result<Response> ShowForgot(Context& context) {
    return context.Page("account_forgot", ForgotData(""));
  }

  Result<Response> Forgot(Context& context) {
    std::string email = Field(context, kFieldEmail);
    Status requested = service_.RequestPasswordReset(email);
    if (!requested.ok())
      return FormFailed(context, "account_forgot", ForgotData(email), requested, "", {kFieldEmail});
    MailQueued();
    // The same answer whether or not the address has an account.
    return Message(context, 200, "Vérifiez votre boîte mail — VivroVert",
                   "Vérifiez votre boîte mail",
                   "Si un compte VivroVert utilise l'adresse " + email +
                       ", un lien pour choisir un nouveau mot de passe vient d'y être envoyé. Il "
                       "expire dans " +
                       Hours(service_.policy().tokens.reset_password_seconds) + ".",
                   Action(kLoginPath, "Retour à la connexion"));
  }

  Result<Response> ShowReset(Context& context) {
    std::string token = context.request().Query(kTokenParam).value_or("");
    if (Status usable = service_.CheckLink(TokenPurpose::kResetPassword, token); !usable.ok()) {
      return LinkFailed(context, kResetLink, usable);
    }
    return context.Page("account_reset", ResetData(token));
  }

  Result<Response> Reset(Context& context) {
    std::string token = Field(context, kTokenParam);
    Status reset = service_.ResetPassword(token, Field(context, kFieldNewPassword));
    if (!reset.ok()) {
      if (reset.field() == kFieldToken) return LinkFailed(context, kResetLink, reset);
      return FormFailed(context, "account_reset", ResetData(token), reset, "", {kFieldNewPassword});
    }
    // Every session of the account has ended, this browser's included.
    Response response = Response::Redirect(WithNotice(kLoginPath, "mot-de-passe-reinitialise"));
    response.AddCookie(options_.cookies.Clear());
    return response;
  }

  // ---- Liens de confirmation -------------------------------------------------------------------

  Result<Response> ShowLink(Context& context, const LinkPage& link) {
    std::string token = context.request().Query(kTokenParam).value_or("");
    if (Status usable = service_.CheckLink(link.purpose, token); !usable.ok())
      return LinkFailed(context, link, usable);
    return context.Page("account_link", mstch::map{{"title", std::string(link.title)},
                                                   {"heading", std::string(link.heading)},
                                                   {"explanation", std::string(link.explanation)},
                                                   {"action", std::string(link.path)},
                                                   {"button", std::string(link.button)},
                                                   {"token", token}});
  }

  Result<Response> VerifyEmail(Context& context) {
    Status verified = service_.VerifyEmail(Field(context, kTokenParam));
    if (!verified.ok()) return LinkFailed(context, kVerifyLink, verified);
    return Message(context, 200, "Adresse confirmée — VivroVert",
                   "Votre adresse e-mail est confirmée",
                   "Merci ! VivroVert pourra vous écrire à cette adresse.", NextStep(context));
  }

  Result<Response> ConfirmEmailChange(Context& context) {
    Status changed = service_.ConfirmEmailChange(Field(context, kTokenParam));
    if (!changed.ok()) return LinkFailed(context, kChangeEmailLink, changed);
    return Message(context, 200, "Adresse changée — VivroVert",
                   "Votre nouvelle adresse est enregistrée",
                   "Votre compte utilise désormais cette adresse e-mail, pour vous connecter comme "
                   "pour vous écrire.",
                   NextStep(context));
  }

 private:
  std::string SessionToken(const Context& context) const {
    return context.request().Cookie(options_.cookies.name).value_or("");
  }

  // The signed-in account with its session, which the use cases need; none when the
  // pipeline found nobody signed in or the session ended since.
  std::optional<AuthenticatedUser> CurrentAccount(const Context& context) {
    if (!context.user()) return std::nullopt;
    Result<AuthenticatedUser> account = service_.Authenticate(SessionToken(context));
    if (!account.ok()) return std::nullopt;
    return std::move(account).value();
  }

  void MailQueued() const {
    if (options_.mail_queued) options_.mail_queued();
  }

  Result<Response> FormFailed(Context& context, const std::string& page, mstch::map data,
                              const Status& status, const std::string& prefix,
                              std::initializer_list<const char*> fields) {
    if (status.code() == StatusCode::kUnauthenticated) return RedirectToLogin();
    if (!ShownOnForm(status.code())) return status;
    data["errors"] = Messages(status, prefix, fields);
    return context.Page(page, std::move(data), web::HttpStatusFor(status.code()));
  }

  Result<Response> AccountFormFailed(Context& context, const AuthenticatedUser& account,
                                     const Status& status, const std::string& prefix,
                                     std::initializer_list<const char*> fields, mstch::map values) {
    if (status.code() == StatusCode::kUnauthenticated) return RedirectToLogin();
    if (!ShownOnForm(status.code())) return status;
    return AccountPage(context, account, Messages(status, prefix, fields), std::move(values), "",
                       web::HttpStatusFor(status.code()));
  }

  Result<Response> AccountPage(Context& context, const AuthenticatedUser& account,
                               mstch::map errors, mstch::map values, const std::string& notice,
                               int status) {
    mstch::map data{
        {"title", std::string("Mon compte — VivroVert")},
        {"account", mstch::map{{"email", account.user.email},
                               {"display_name", account.user.display_name},
                               {"verified", account.user.email_verified()},
                               {"is_operator", account.user.role == Role::kOperator}}},
        {"errors", std::move(errors)},
        {"values", std::move(values)},
    };
    if (!notice.empty()) data["notice"] = notice;
    return context.Page("account_home", std::move(data), status);
  }

  // A page that only says something: heading, text and where to go from there.
  Result<Response> Message(Context& context, int status, const std::string& title,
                           const std::string& heading, const std::string& text, mstch::map action,
                           bool is_error = false) {
    return context.Page("account_message",
                        mstch::map{{"title", title},
                                   {"heading", heading},
                                   {"message", text},
                                   {"is_error", is_error},
                                   {"action", std::move(action)}},
                        status);
  }

  // A link that cannot be used (invalid, used, expired: the status says which), or whose
  // change cannot be made any more (the new address got an account meanwhile).
  Result<Response> LinkFailed(Context& context, const LinkPage& link, const Status& status) {
    if (status.code() != StatusCode::kInvalidArgument &&
        status.code() != StatusCode::kAlreadyExists)
      return status;
    return Message(context, web::HttpStatusFor(status.code()), "Lien inutilisable — VivroVert",
                   "Ce lien ne peut pas servir", status.message(),
                   Action(link.retry_href, link.retry_label),
                   /*is_error=*/true);
  }

  mstch::map NextStep(const Context& context) const {
    return context.user() ? Action(kAccountPath, "Aller à mon compte")
                          : Action(kLoginPath, "Se connecter");
  }

  static mstch::map SignUpData(mstch::map values) {
    return mstch::map{{"title", std::string("Créer un compte — VivroVert")},
                      {"values", std::move(values)},
                      {"errors", mstch::map{}}};
  }

  static mstch::map LoginData(const std::string& email, const std::string& next) {
    return mstch::map{{"title", std::string("Connexion — VivroVert")},
                      {"values", mstch::map{{"email", email}, {"next", next}}},
                      {"errors", mstch::map{}}};
  }

  static mstch::map ForgotData(const std::string& email) {
    return mstch::map{{"title", std::string("Mot de passe oublié — VivroVert")},
                      {"values", mstch::map{{"email", email}}},
                      {"errors", mstch::map{}}};
  }

  static mstch::map ResetData(const std::string& token) {
    return mstch::map{{"title", std::string(kResetLink.title)},
                      {"heading", std::string(kResetLink.heading)},
                      {"explanation", std::string(kResetLink.explanation)},
                      {"button", std::string(kResetLink.button)},
                      {"token", token},
                      {"errors", mstch::map{}}};
  }

  AccountService& service_;
  AccountRoutesOptions options_;
  const Clock& clock_;
};

}  // namespace

void RegisterAccountRoutes(web::App& app, AccountService& service, AccountRoutesOptions options) {
  auto pages = std::make_shared<AccountPages>(service, std::move(options), app.clock());
  auto bind = [pages](Result<Response> (AccountPages::*handler)(Context&)) {
    return [pages, handler](Context& context) { return ((*pages).*handler)(context); };
  };
  app.Get(kAccountPath, bind(&AccountPages::ShowAccount));
  app.Get(kSignUpPath, bind(&AccountPages::ShowSignUp));
  app.Post(kSignUpPath, bind(&AccountPages::SignUp));
  app.Get(kLoginPath, bind(&AccountPages::ShowLogin));
  app.Post(kLoginPath, bind(&AccountPages::LogIn));
  app.Post(kLogoutPath, bind(&AccountPages::LogOut));
  app.Get(kForgotPasswordPath, bind(&AccountPages::ShowForgot));
  app.Post(kForgotPasswordPath, bind(&AccountPages::Forgot));
  app.Get(kResetPasswordPath, bind(&AccountPages::ShowReset));
  app.Post(kResetPasswordPath, bind(&AccountPages::Reset));
  app.Get(kVerifyEmailPath,
          [pages](Context& context) { return pages->ShowLink(context, kVerifyLink); });
  app.Post(kVerifyEmailPath, bind(&AccountPages::VerifyEmail));
  app.Get(kConfirmEmailChangePath,
          [pages](Context& context) { return pages->ShowLink(context, kChangeEmailLink); });
  app.Post(kConfirmEmailChangePath, bind(&AccountPages::ConfirmEmailChange));
  app.Post(kChangePasswordPath, bind(&AccountPages::ChangePassword));
  app.Post(kChangeEmailPath, bind(&AccountPages::ChangeEmail));
  app.Post(kResendVerificationPath, bind(&AccountPages::ResendVerification));
  app.Post(kDeleteAccountPath, bind(&AccountPages::DeleteAccount));
  app.Get(kAccountDeletedPath, bind(&AccountPages::ShowDeleted));
}

}  // namespace vivrovert::accounts
