#include "web/campaigns/campaign_pages.hpp"

#include <mstch/mstch.hpp>

#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "domain/webhooks/webhook_store.hpp"
#include "web/http/errors.hpp"
#include "web/partners/page_parts.hpp"
#include "web/partners/partner_access.hpp"

namespace vivrovert::campaigns {

namespace {

using web::Context;
using web::Response;

constexpr int kDeliveriesShown = 100;

std::string DateTime(int64_t at) { return FrenchDate(at); }

mstch::map CampaignRow(storage::Connection& connection, const Campaign& campaign) {
  mstch::map row{{"id", std::to_string(campaign.id)},
                 {"subject", campaign.subject},
                 {"body", campaign.body},
                 {"status", campaign.status},
                 {"status_label", std::string(StatusLabel(campaign.status))},
                 {"created", DateTime(campaign.created_at)},
                 {"is_sent", campaign.status == "sent"},
                 {"is_refused", campaign.status == "refused"},
                 {"is_waiting", campaign.status == "submitted"},
                 {"note", campaign.review_note},
                 {"reviewed", campaign.reviewed_at ? DateTime(*campaign.reviewed_at) : ""}};
  if (campaign.status == "sent") {
    const CampaignCounts counts = CampaignStore::Counts(connection, campaign);
    row["reached"] = std::to_string(counts.reached);
    row["from_contacts"] = std::to_string(counts.from_contacts);
    row["from_similar"] = std::to_string(counts.from_similar);
    row["opened"] = std::to_string(counts.opened_after);
  }
  return row;
}

Result<Response> PartnerCampaignsPage(Context& context, storage::Database& database,
                                      const partners::Access& access, const std::string& subject,
                                      const std::string& body, const Status& problem,
                                      bool submitted) {
  storage::Connection connection = database.Acquire();
  mstch::array rows;
  for (const Campaign& campaign : CampaignStore::OfPartner(connection, access.partner.id))
    rows.push_back(CampaignRow(connection, campaign));
  return context.Page(
      "partner_campaigns",
      mstch::map{{"title", "Campagnes — " + access.partner.name},
                 {"partner", partners::PartnerData(access)},
                 {"campaigns", rows},
                 {"has_campaigns", !rows.empty()},
                 {"can_edit", access.can_edit()},
                 {"subject", subject},
                 {"body", body},
                 {"max_subject", std::to_string(kMaxSubject)},
                 {"max_body", std::to_string(kMaxBody)},
                 {"min_body", std::to_string(kMinBody)},
                 {"error", problem.ok() ? std::string() : std::string(problem.message())},
                 {"error_field", problem.ok() ? std::string() : problem.field()},
                 {"has_error", !problem.ok()},
                 {"submitted", submitted}},
      problem.ok() ? 200 : 422);
}

Result<Response> OperatorCampaignsPage(Context& context, storage::Database& database,
                                       const std::string& done, const Status& problem) {
  storage::Connection connection = database.Acquire();
  std::vector<Campaign> waiting = CampaignStore::Waiting(connection);
  std::vector<int64_t> partner_ids;
  for (const Campaign& campaign : waiting) partner_ids.push_back(campaign.partner_id);
  const std::map<int64_t, std::string> names =
      partners::PartnerStore::Names(connection, partner_ids);
  mstch::array rows;
  for (const Campaign& campaign : waiting) {
    mstch::map row = CampaignRow(connection, campaign);
    auto name = names.find(campaign.partner_id);
    row["partner"] = name != names.end() ? name->second : std::string();
    rows.push_back(std::move(row));
  }
  return context.Page(
      "operator_campaigns",
      mstch::map{{"title", std::string("Campagnes à valider — VivroVert")},
                 {"operator_nav", mstch::map{{"campagnes", true}}},
                 {"campaigns", rows},
                 {"has_campaigns", !rows.empty()},
                 {"done", done},
                 {"has_done", !done.empty()},
                 {"error", problem.ok() ? std::string() : std::string(problem.message())},
                 {"has_error", !problem.ok()}},
      problem.ok() ? 200 : web::HttpStatusFor(problem.code()));
}

Result<Response> WebhooksPage(Context& context, const CampaignPagesEnv& env,
                              const partners::Access& access, const std::string& url,
                              const Status& problem,
                              const std::optional<webhooks::CreatedEndpoint>& created,
                              const std::string& done) {
  storage::Connection connection = env.database.Acquire();
  mstch::array endpoints;
  for (const webhooks::Endpoint& endpoint :
       webhooks::WebhookStore::Endpoints(connection, access.partner.id)) {
    std::string events;
    for (const std::string& event : endpoint.events) events += (events.empty() ? "" : ", ") + event;
    endpoints.push_back(mstch::map{{"id", std::to_string(endpoint.id)},
                                   {"url", endpoint.url},
                                   {"events", events},
                                   {"created", DateTime(endpoint.created_at)}});
  }
  mstch::array deliveries;
  for (const webhooks::Delivery& delivery :
       webhooks::WebhookStore::Deliveries(connection, access.partner.id, kDeliveriesShown)) {
    const std::string status_label = delivery.status == "delivered" ? "Livrée"
                                     : delivery.status == "pending" ? "En attente de nouvel essai"
                                     : delivery.status == "sending" ? "En cours d'envoi"
                                     : delivery.status == "failed"  ? "Abandonnée"
                                     : delivery.status == "cancelled"
                                         ? "Annulée (consentement retiré)"
                                         : delivery.status;
    deliveries.push_back(mstch::map{
        {"id", std::to_string(delivery.id)},
        {"event_id", "evt_" + std::to_string(delivery.event_id)},
        {"event_type", delivery.event_type},
        {"url", delivery.url},
        {"status", delivery.status},
        {"status_label", status_label},
        {"attempts", std::to_string(delivery.attempts)},
        {"http_status", delivery.last_status ? std::to_string(*delivery.last_status) : "—"},
        {"error", delivery.last_error},
        {"created", DateTime(delivery.created_at)},
        {"next", delivery.status == "pending" ? DateTime(delivery.next_attempt_at) : ""},
        {"replayable", delivery.status != "cancelled" && delivery.status != "sending"}});
  }
  mstch::array events;
  for (webhooks::EventType type : webhooks::kEventTypes)
    events.push_back(mstch::map{{"name", std::string(webhooks::EventTypeName(type))},
                                {"label", std::string(webhooks::EventTypeLabel(type))}});
  mstch::map data{{"title", "Webhooks — " + access.partner.name},
                  {"partner", partners::PartnerData(access)},
                  {"endpoints", endpoints},
                  {"has_endpoints", !endpoints.empty()},
                  {"deliveries", deliveries},
                  {"has_deliveries", !deliveries.empty()},
                  {"events", events},
                  {"can_administer", access.can_administer()},
                  {"url", url},
                  {"error", problem.ok() ? std::string() : std::string(problem.message())},
                  {"has_error", !problem.ok()},
                  {"done", done},
                  {"has_done", !done.empty()}};
  if (created) {
    data["secret"] = created->secret;
    data["created_url"] = created->endpoint.url;
    data["has_secret"] = true;
  }
  return context.Page("partner_webhooks", std::move(data),
                      problem.ok() ? (created ? 201 : 200) : web::HttpStatusFor(problem.code()));
}

// What linking one's account to a partner's app shares, said once for the page.
constexpr const char* kShared =
    "votre adresse e-mail et votre nom, le fait que vos recherches ou vos clics concernent son "
    "territoire (avec les communes), et les annonces de son territoire qui vous correspondent";

}  // namespace

void RegisterCampaignPages(web::App& app, const CampaignPagesEnv& env) {
  storage::Database& database = env.database;
  const Clock& clock = env.clock;

  // ---- Campaigns: the partner ----------------------------------------------------------
  app.Get("/partenaire/{slug}/campagnes",
          partners::Entitled(database, subscriptions::ProductCode::kOption3,
                             [&database](Context& context) -> Result<Response> {
                               VV_ASSIGN_OR_RETURN(partners::Access access,
                                                   partners::AccessFor(context, database));
                               return PartnerCampaignsPage(
                                   context, database, access, "", "", Status::Ok(),
                                   context.request().Query("envoyee").has_value());
                             }));
  app.Post("/partenaire/{slug}/campagnes",
           partners::Entitled(
               database, subscriptions::ProductCode::kOption3,
               [&database, &clock](Context& context) -> Result<Response> {
                 VV_ASSIGN_OR_RETURN(partners::Access access,
                                     partners::AccessFor(context, database, /*need_edit=*/true));
                 const std::string subject = context.request().Form("subject").value_or("");
                 const std::string body = context.request().Form("body").value_or("");
                 Result<Campaign> submitted = [&]() -> Result<Campaign> {
                   storage::Connection connection = database.Acquire();
                   return CampaignStore::Submit(connection, access.partner.id,
                                                context.user()->user_id, subject, body,
                                                clock.NowSeconds());
                 }();
                 if (!submitted.ok())
                   return PartnerCampaignsPage(context, database, access, subject, body,
                                               submitted.status(), false);
                 return Response::Redirect(partners::PartnerBase(access.partner) +
                                           "/campagnes?envoyee=1");
               }));

  // ---- Campaigns: operators -------------------------------------------------------------
  app.Get("/operateur/campagnes",
          [&database](Context& context) -> Result<Response> {
            const std::optional<std::string> done = context.request().Query("fait");
            std::string message;
            if (done == "validee") message = "Campagne validée et envoyée.";
            if (done == "refusee") message = "Campagne refusée : le partenaire voit votre motif.";
            return OperatorCampaignsPage(context, database, message, Status::Ok());
          },
          {.access = web::Access::kOperator});
  app.Post("/operateur/campagnes/{id}/valider",
           [&database, &clock, env](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(int64_t id, partners::ParsePageId(context.Param("id")));
             Result<int64_t> reached = [&]() -> Result<int64_t> {
               storage::Connection connection = database.Acquire();
               return env.sender.Approve(connection, id, context.user()->user_id,
                                         clock.NowSeconds());
             }();
             if (!reached.ok())
               return OperatorCampaignsPage(context, database, "", reached.status());
             if (env.mail_queued) env.mail_queued();
             return Response::Redirect("/operateur/campagnes?fait=validee");
           },
           {.access = web::Access::kOperator});
  app.Post("/operateur/campagnes/{id}/refuser",
           [&database, &clock](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(int64_t id, partners::ParsePageId(context.Param("id")));
             Status refused = [&]() {
               storage::Connection connection = database.Acquire();
               return CampaignStore::Refuse(connection, id, context.user()->user_id,
                                            context.request().Form("note").value_or(""),
                                            clock.NowSeconds());
             }();
             if (!refused.ok()) return OperatorCampaignsPage(context, database, "", refused);
             return Response::Redirect("/operateur/campagnes?fait=refusee");
           },
           {.access = web::Access::kOperator});

  // ---- Webhooks: the partner ------------------------------------------------------------
  app.Get("/partenaire/{slug}/webhooks",
          partners::Entitled(
              database, subscriptions::ProductCode::kOption3,
              [env](Context& context) -> Result<Response> {
                VV_ASSIGN_OR_RETURN(partners::Access access,
                                    partners::AccessFor(context, env.database));
                const std::optional<std::string> done = context.request().Query("fait");
                std::string message;
                if (done == "rejouee")
                  message =
                      "Livraison remise en file : elle repart avec le même "
                      "identifiant d'événement.";
                if (done == "supprime") message = "Point d'accès supprimé.";
                return WebhooksPage(context, env, access, "", Status::Ok(), std::nullopt, message);
              }));
  app.Post("/partenaire/{slug}/webhooks",
           partners::Entitled(
               database, subscriptions::ProductCode::kOption3,
               [env](Context& context) -> Result<Response> {
                 VV_ASSIGN_OR_RETURN(
                     partners::Access access,
                     partners::AccessFor(context, env.database, false, /*need_admin=*/true));
                 const std::string url = Trim(context.request().Form("url").value_or(""));
                 Result<webhooks::CreatedEndpoint> created = [&] {
                   storage::Connection connection = env.database.Acquire();
                   return webhooks::WebhookStore::CreateEndpoint(
                       connection, access.partner.id, url, context.request().FormAll("events"),
                       env.secret_key, env.allow_private_addresses, env.clock.NowSeconds());
                 }();
                 if (!created.ok())
                   return WebhooksPage(context, env, access, url, created.status(), std::nullopt,
                                       "");
                 return WebhooksPage(context, env, access, "", Status::Ok(), *created, "");
               }));
  app.Post("/partenaire/{slug}/webhooks/{id}/supprimer",
           partners::Entitled(
               database, subscriptions::ProductCode::kOption3,
               [env](Context& context) -> Result<Response> {
                 VV_ASSIGN_OR_RETURN(
                     partners::Access access,
                     partners::AccessFor(context, env.database, false, /*need_admin=*/true));
                 VV_ASSIGN_OR_RETURN(int64_t id, partners::ParsePageId(context.Param("id")));
                 storage::Connection connection = env.database.Acquire();
                 if (!webhooks::WebhookStore::DeleteEndpoint(connection, access.partner.id, id))
                   return NotFound("Point d'accès introuvable.");
                 return Response::Redirect(partners::PartnerBase(access.partner) +
                                           "/webhooks?fait=supprime");
               }));
  app.Post("/partenaire/{slug}/webhooks/livraisons/{id}/rejouer",
           partners::Entitled(
               database, subscriptions::ProductCode::kOption3,
               [env](Context& context) -> Result<Response> {
                 VV_ASSIGN_OR_RETURN(
                     partners::Access access,
                     partners::AccessFor(context, env.database, false, /*need_admin=*/true));
                 VV_ASSIGN_OR_RETURN(int64_t id, partners::ParsePageId(context.Param("id")));
                 storage::Connection connection = env.database.Acquire();
                 VV_RETURN_IF_ERROR(webhooks::WebhookStore::Replay(connection, access.partner.id,
                                                                   id, env.clock.NowSeconds()));
                 return Response::Redirect(partners::PartnerBase(access.partner) +
                                           "/webhooks?fait=rejouee");
               }));

  // ---- A person's links to partners' apps -----------------------------------------------
  app.Get(
      "/compte/applications",
      [&database, &clock](Context& context) -> Result<Response> {
        storage::Connection connection = database.Acquire();
        const int64_t user_id = context.user()->user_id;
        const std::string today = ParisDate(clock.NowSeconds());
        std::vector<int64_t> offered;
        for (int64_t partner_id : webhooks::WebhookStore::PartnersWithEndpoints(connection)) {
          if (subscriptions::SubscriptionStore::For(connection, partner_id, today)
                  .Has(subscriptions::ProductCode::kOption3))
            offered.push_back(partner_id);
        }
        std::map<int64_t, int64_t> linked;
        for (const webhooks::AppLink& link : webhooks::WebhookStore::LinksOf(connection, user_id))
          linked[link.partner_id] = link.linked_at;
        mstch::array apps;
        for (int64_t partner_id : offered) {
          std::optional<partners::Partner> partner =
              partners::PartnerStore::Get(connection, partner_id);
          if (!partner) continue;
          auto link = linked.find(partner_id);
          apps.push_back(
              mstch::map{{"name", partner->name},
                         {"slug", partner->slug},
                         {"linked", link != linked.end()},
                         {"since", link != linked.end() ? DateTime(link->second) : std::string()}});
        }
        return context.Page("account_applications",
                            mstch::map{{"title", std::string("Applications liées — VivroVert")},
                                       {"apps", apps},
                                       {"has_apps", !apps.empty()},
                                       {"shared", std::string(kShared)},
                                       {"done", context.request().Query("fait").value_or("")}});
      },
      {.access = web::Access::kSignedIn, .return_to = "/compte/applications"});
  for (const bool link : {true, false}) {
    app.Post(std::string("/compte/applications/{slug}/") + (link ? "lier" : "delier"),
             [&database, &clock, link](Context& context) -> Result<Response> {
               storage::Connection connection = database.Acquire();
               std::optional<partners::Partner> partner =
                   partners::PartnerStore::FindBySlug(connection, context.Param("slug"));
               if (!partner) return NotFound("Application inconnue.");
               const int64_t user_id = context.user()->user_id;
               const int64_t now = clock.NowSeconds();
               if (link) {
                 if (!context.request().Form("consent").has_value())
                   return InvalidArgument(
                       "Cochez la case qui dit ce que la liaison partage pour lier votre compte.",
                       "consent");
                 bool offered = false;
                 for (int64_t id : webhooks::WebhookStore::PartnersWithEndpoints(connection))
                   offered = offered || id == partner->id;
                 if (!offered ||
                     !subscriptions::SubscriptionStore::For(connection, partner->id, ParisDate(now))
                          .Has(subscriptions::ProductCode::kOption3))
                   return NotFound("Cette collectivité ne propose pas d'application à lier.");
                 webhooks::WebhookStore::Link(connection, user_id, partner->id, now);
               } else {
                 storage::Transaction transaction(connection);
                 webhooks::WebhookStore::Unlink(connection, user_id, partner->id, now);
                 transaction.Commit();
               }
               return Response::Redirect(std::string("/compte/applications?fait=") +
                                         (link ? "liee" : "deliee"));
             },
             {.access = web::Access::kSignedIn});
  }
}

}  // namespace vivrovert::campaigns
