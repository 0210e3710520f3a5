#include "domain/privacy/personal_data.hpp"

#include <sodium.h>

#include <limits>

#include "core/common/text.hpp"
#include "domain/accounts/session_store.hpp"
#include "domain/campaigns/campaigns.hpp"
#include "domain/compatibility/compatibility_store.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/mail/opt_outs.hpp"
#include "domain/notifications/notification_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/profiles/profile.hpp"
#include "domain/properties/property_store.hpp"
#include "domain/properties/surroundings.hpp"
#include "domain/relocation/relocation_store.hpp"
#include "domain/skills/skill_alerts.hpp"
#include "domain/webhooks/webhook_store.hpp"

namespace vivrovert::privacy {

namespace {

using nlohmann::json;

// Keys the consent subjects apart from every other use of the server secret.
constexpr std::string_view kConsentSubjectContext = "vivrovert consent proof subject v1";

json OptionalInt(const std::optional<int64_t>& value) {
  return value ? json(*value) : json(nullptr);
}

}  // namespace

std::string ConsentSubject(std::string_view secret_key, std::string_view email) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
  unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
  crypto_generichash(key, sizeof key,
                     reinterpret_cast<const unsigned char*>(kConsentSubjectContext.data()),
                     kConsentSubjectContext.size(),
                     reinterpret_cast<const unsigned char*>(secret_key.data()), secret_key.size());
  std::string lowered(email);
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(lowered.data()),
                         lowered.size(), key);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  sodium_memzero(key, sizeof key);
  return hex;
}

void ErasePerson(storage::Connection& connection, const accounts::User& user,
                 std::string_view secret_key, int64_t now) {
  profiles::ProfileStore::ArchiveConsents(connection, user.id,
                                          ConsentSubject(secret_key, user.email), now);
  listings::ListingStore::DeleteBySource(connection, listings::PersonSourceKey(user.id));
}

accounts::PersonEraser MakePersonEraser(std::string secret_key) {
  return [secret_key = std::move(secret_key)](storage::Connection& connection,
                                              const accounts::User& user, int64_t now) {
    ErasePerson(connection, user, secret_key, now);
  };
}

Result<json> ExportPerson(storage::Connection& connection, int64_t user_id, int64_t now) {
  std::optional<accounts::User> user = accounts::UserStore::FindById(connection, user_id);
  if (!user) return NotFound("Compte introuvable.");
  json out;
  out["account"] = {{"email", user->email},
                    {"display_name", user->display_name},
                    {"role", accounts::RoleName(user->role)},
                    {"created_at", user->created_at},
                    {"email_verified_at", OptionalInt(user->email_verified_at)}};

  profiles::Profile profile = profiles::ProfileStore::Get(connection, user_id);
  out["profile"] = {{"fields", profile.data},
                    {"notification", profile.notification},
                    {"updated_at", profile.updated_at}};
  json consents = json::array();
  for (const profiles::ConsentRecord& record :
       profiles::ProfileStore::ConsentHistory(connection, user_id)) {
    consents.push_back({{"scope", record.scope},
                        {"granted", record.granted},
                        {"recorded_at", record.recorded_at}});
  }
  out["consents"] = consents;

  json searches = json::array();
  for (const interests::SavedSearch& search :
       interests::InterestStore::Searches(connection, user_id)) {
    searches.push_back({{"name", search.name},
                        {"request", json::parse(search.request, nullptr, false)},
                        {"created_at", search.created_at},
                        {"updated_at", search.updated_at}});
  }
  out["saved_searches"] = searches;
  json favourites = json::array();
  for (const interests::Favourite& favourite :
       interests::InterestStore::Favourites(connection, user_id)) {
    favourites.push_back(
        {{"kind", favourite.kind}, {"code", favourite.code}, {"label", favourite.label}});
  }
  out["favourites"] = favourites;
  json clicks = json::array();
  for (const interests::TileClick& click : interests::InterestStore::Clicks(connection, user_id)) {
    clicks.push_back({{"tile", click.tile}, {"clicked_at", click.clicked_at}});
  }
  out["tile_clicks"] = clicks;
  json saved_properties = json::array();
  for (const properties::SavedProperty& property :
       properties::PropertyStore::List(connection, user_id)) {
    saved_properties.push_back(properties::PropertyJson(property));
  }
  out["saved_properties"] = saved_properties;

  // The person's own listings (their CV), withdrawn ones included: they are still stored.
  listings::ListingFilter own;
  own.source_key = listings::PersonSourceKey(user_id);
  own.include_withdrawn = true;
  own.limit = std::numeric_limits<int>::max();
  own.today = UtcDate(now);
  json cv = json::array();
  for (const listings::Listing& listing : listings::ListingStore::List(connection, own)) {
    cv.push_back(listing.ToJson(own.today));
  }
  out["cv"] = cv;

  json notifications = json::array();
  for (const notifications::NotificationRecord& record :
       notifications::NotificationStore::ForPerson(connection, user_id,
                                                   std::numeric_limits<int>::max())) {
    notifications.push_back({{"listing_id", record.listing_id},
                             {"reason", notifications::ReasonName(record.reason)},
                             {"channel", notifications::ChannelName(record.channel)},
                             {"created_at", record.created_at},
                             {"mailed_at", OptionalInt(record.mailed_at)},
                             {"read_at", OptionalInt(record.read_at)}});
  }
  out["notifications"] = notifications;

  // Sessions without their token hashes: the hash identifies the session cookie.
  json sessions = json::array();
  for (const accounts::Session& session :
       accounts::SessionStore().ListForUser(connection, user_id)) {
    sessions.push_back({{"created_at", session.created_at},
                        {"last_seen_at", session.last_seen_at},
                        {"expires_at", session.expires_at},
                        {"user_agent", session.user_agent},
                        {"ip", session.ip}});
  }
  out["sessions"] = sessions;

  json opt_outs = json::array();
  for (const mail::OptOutRecord& record : mail::OptOutsOf(connection, user_id)) {
    opt_outs.push_back({{"list", record.list}, {"created_at", record.created_at}});
  }
  out["mail_opt_outs"] = opt_outs;

  json memberships = json::array();
  for (const partners::Partner& partner :
       partners::PartnerStore::PartnersOfUser(connection, user_id)) {
    std::optional<partners::StaffRole> role =
        partners::PartnerStore::RoleOf(connection, partner.id, user_id);
    memberships.push_back({{"partner", partner.name},
                           {"slug", partner.slug},
                           {"role", role ? json(partners::StaffRoleName(*role)) : json(nullptr)}});
  }
  out["staff_memberships"] = memberships;

  // Relocation projects: the person's memberships with their answers, and the employers
  // they are staff of.
  json relocation = json::array();
  for (const auto& [project, member] :
       relocation::ProjectStore::ProjectsOfMember(connection, user_id)) {
    relocation.push_back(
        {{"project", project.name},
         {"invited_as", member.email},
         {"answer", member.answer ? json::parse(*member.answer, nullptr, false) : json(nullptr)},
         {"share_answers", member.share_answers},
         {"joined_at", OptionalInt(member.joined_at)},
         {"answered_at", OptionalInt(member.answered_at)}});
  }
  out["relocation_projects"] = relocation;
  json employers = json::array();
  for (const relocation::Employer& employer :
       relocation::EmployerStore::OfUser(connection, user_id)) {
    std::optional<relocation::EmployerRole> role =
        relocation::EmployerStore::RoleOf(connection, employer.id, user_id);
    employers.push_back(
        {{"employer", employer.name},
         {"siret", employer.siret},
         {"role", role ? json(relocation::EmployerRoleName(*role)) : json(nullptr)}});
  }
  out["employer_staff"] = employers;

  // Option 3: how well partner territories suit the person, and the skills alerts sent.
  json compatibility = json::array();
  for (const compatibility::Compatibility& row :
       compatibility::CompatibilityStore::OfUser(connection, user_id)) {
    compatibility.push_back({{"partner_id", row.partner_id},
                             {"search_id", row.search_id},
                             {"criteria_met", row.criteria_met},
                             {"criteria_total", row.criteria_total},
                             {"best_tile", row.best_tile},
                             {"margin", row.margin},
                             {"green_tiles", row.green_tiles},
                             {"computed_at", row.computed_at}});
  }
  out["territory_compatibility"] = compatibility;
  json skill_alerts = json::array();
  for (const skills::SkillAlertStore::Sent& sent :
       skills::SkillAlertStore::OfUser(connection, user_id)) {
    skill_alerts.push_back({{"listing_id", sent.listing_id},
                            {"unvisited_territory", sent.unvisited},
                            {"sent_at", sent.sent_at}});
  }
  out["skill_alerts"] = skill_alerts;
  // Partners' campaigns received (the partner only ever saw counts) and apps linked.
  json campaigns_received = json::array();
  for (const auto& [campaign_id, sent_at] :
       campaigns::CampaignStore::ReceivedBy(connection, user_id))
    campaigns_received.push_back({{"campaign_id", campaign_id}, {"sent_at", sent_at}});
  out["campaigns_received"] = campaigns_received;
  json app_links = json::array();
  for (const webhooks::AppLink& link : webhooks::WebhookStore::LinksOf(connection, user_id))
    app_links.push_back({{"partner_id", link.partner_id}, {"linked_at", link.linked_at}});
  out["app_links"] = app_links;
  return out;
}

}  // namespace vivrovert::privacy
