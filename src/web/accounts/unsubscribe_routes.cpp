#include "web/accounts/unsubscribe_routes.hpp"

#include <optional>
#include <string>

#include "domain/accounts/user_store.hpp"
#include "domain/mail/opt_outs.hpp"
#include "domain/mail/unsubscribe.hpp"

namespace vivrovert::accounts {

namespace {

using web::Context;
using web::Response;

std::string ListLabel(mail::MailList list) {
  switch (list) {
    case mail::MailList::kListings:
      return "les annonces et résumés";
    case mail::MailList::kLeadReports:
      return "les rapports de contacts";
    case mail::MailList::kCampaigns:
      return "les messages des territoires (campagnes)";
  }
  return "ces e-mails";
}

Result<Response> InvalidLink(Context& context, const std::optional<std::string>& token) {
  const std::string message = !token || token->empty()
                                  ? "Il manque le paramètre « jeton » du lien de désabonnement."
                                  : "Ce lien de désabonnement est incomplet ou a été modifié : son "
                                    "paramètre « jeton » ne correspond à "
                                    "aucun abonnement.";
  return context.Page(
      "unsubscribe",
      mstch::map{{"title", std::string("Lien de désabonnement invalide — VivroVert")},
                 {"heading", std::string("Lien de désabonnement invalide")},
                 {"invalid", true},
                 {"message", message}},
      400);
}

Result<Response> Done(Context& context, const std::string& message) {
  return context.Page("unsubscribe", mstch::map{{"title", std::string("Désabonnement — VivroVert")},
                                                {"heading", std::string("Désabonnement")},
                                                {"done", true},
                                                {"message", message}});
}

constexpr const char* kAccountGone = "Ce compte n'existe plus : aucun e-mail ne lui est envoyé.";

}  // namespace

void RegisterUnsubscribeRoutes(
    web::App& app, storage::Database& database,
    std::function<void(storage::Connection&, int64_t user_id)> profile_changed) {
  const web::App& shared = app;
  auto target_of = [&shared](const Context& context) {
    std::optional<std::string> token = context.request().Query("jeton");
    std::optional<mail::UnsubscribeTarget> target;
    if (token) target = mail::ReadUnsubscribeToken(shared.options().secret_key, *token);
    return std::pair{token, target};
  };

  app.Get(kUnsubscribePath, [&database, target_of](Context& context) -> Result<Response> {
    auto [token, target] = target_of(context);
    if (!target) return InvalidLink(context, token);
    storage::Connection connection = database.Acquire();
    if (!UserStore::Exists(connection, target->user_id)) return Done(context, kAccountGone);
    const std::string label = ListLabel(target->list);
    if (mail::IsOptedOut(connection, target->user_id, target->list)) {
      return Done(context, "Vous êtes déjà désabonné : vous ne recevez plus " + label + ".");
    }
    return context.Page("unsubscribe",
                        mstch::map{{"title", std::string("Se désabonner — VivroVert")},
                                   {"heading", std::string("Se désabonner")},
                                   {"ask", true},
                                   {"list_label", label},
                                   {"is_listings", target->list == mail::MailList::kListings},
                                   {"token", *token}});
  });

  // The body is not read: a mail client's one-click POST and the page's button do the
  // same thing, and the token alone says whom and what.
  app.Post(
      kUnsubscribePath,
      [&database, &shared, target_of, profile_changed](Context& context) -> Result<Response> {
        auto [token, target] = target_of(context);
        if (!target) return InvalidLink(context, token);
        storage::Connection connection = database.Acquire();
        storage::Transaction transaction(connection);
        if (!UserStore::Exists(connection, target->user_id)) return Done(context, kAccountGone);
        mail::OptOut(connection, target->user_id, target->list, shared.clock().NowSeconds());
        transaction.Commit();
        if (target->list == mail::MailList::kListings && profile_changed)
          profile_changed(connection, target->user_id);
        return Done(context, "C'est fait : vous ne recevrez plus " + ListLabel(target->list) + ".");
      },
      web::RouteOptions{.csrf_exempt = true});
}

}  // namespace vivrovert::accounts
