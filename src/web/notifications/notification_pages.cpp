#include "web/notifications/notification_pages.hpp"

#include "core/common/mstch_json.hpp"
#include "core/common/text.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/notifications/listing_summary.hpp"
#include "domain/notifications/notification_store.hpp"

namespace vivrovert::notifications {

namespace {

constexpr int kShown = 200;

const char* ReasonLabel(Reason reason) {
  switch (reason) {
    case Reason::kMatch:
      return "Correspond à votre profil, dans un secteur que vous suivez";
    case Reason::kProspect:
      return "Nouveau dans une commune que vous avez consultée";
    case Reason::kContact:
      return "Nouveau dans un territoire partenaire où votre recherche est verte";
  }
  return "";
}

std::string HowLabel(const NotificationRecord& record) {
  if (record.channel == Channel::kInstant)
    return "envoyée par e-mail le " + FrenchDate(record.created_at);
  if (record.mailed_at) return "dans votre résumé du " + FrenchDate(*record.mailed_at);
  return "pour votre prochain résumé";
}

}  // namespace

void RegisterNotificationPages(web::App& app, NotificationPagesEnv env) {
  app.Get("/compte/notifications",
          [env](web::Context& context) -> Result<web::Response> {
            storage::Connection connection = env.database.Acquire();
            const int64_t user_id = context.user()->user_id;
            const std::string today = UtcDate(env.clock.NowSeconds());
            mstch::array items;
            for (const NotificationRecord& record :
                 NotificationStore::ForPerson(connection, user_id, kShown)) {
              std::optional<listings::Listing> listing =
                  listings::ListingStore::Get(connection, record.listing_id);
              if (!listing) continue;
              nlohmann::json summary = ListingSummary(*listing, env.grid, "");
              summary["reason"] = ReasonLabel(record.reason);
              summary["how"] = HowLabel(record);
              summary["unread"] = !record.read_at.has_value();
              summary["available"] = listing->StatusOn(today) == listings::kStatusActive;
              items.push_back(MstchFromJson(summary));
            }
            const int64_t unread = NotificationStore::UnreadCount(connection, user_id);
            return context.Page("account_notifications",
                                mstch::map{{"title", std::string("Mes notifications — VivroVert")},
                                           {"items", items},
                                           {"has_items", !items.empty()},
                                           {"unread", std::to_string(unread)},
                                           {"has_unread", unread > 0},
                                           {"marked", context.request().Query("lu").has_value()}});
          },
          {.access = web::Access::kSignedIn, .return_to = "/compte/notifications"});

  app.Post("/compte/notifications/lues",
           [env](web::Context& context) -> Result<web::Response> {
             storage::Connection connection = env.database.Acquire();
             NotificationStore::MarkAllRead(connection, context.user()->user_id,
                                            env.clock.NowSeconds());
             return web::Response::Redirect("/compte/notifications?lu=1");
           },
           {.access = web::Access::kSignedIn, .return_to = "/compte/notifications"});
}

}  // namespace vivrovert::notifications
