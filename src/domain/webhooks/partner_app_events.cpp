#include "domain/webhooks/partner_app_events.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "domain/accounts/user_store.hpp"
#include "domain/leads/lead_store.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/webhooks/webhook_store.hpp"

namespace vivrovert::webhooks {

namespace {

std::string PersonRef(int64_t user_id) { return "usr_" + std::to_string(user_id); }

// The person as the link's consent shares them; nullopt when the account is gone.
std::optional<nlohmann::json> PersonData(storage::Connection& connection, int64_t user_id) {
  const std::map<int64_t, accounts::UserContact> contacts =
      accounts::UserStore::Contacts(connection, {user_id});
  auto contact = contacts.find(user_id);
  if (contact == contacts.end()) return std::nullopt;
  return nlohmann::json{{"person", PersonRef(user_id)},
                        {"email", contact->second.email},
                        {"name", contact->second.display_name}};
}

}  // namespace

void PartnerAppEvents::LeadRecorded(storage::Connection& connection, int64_t partner_id,
                                    int64_t user_id, leads::LeadKind kind,
                                    const std::vector<std::string>& communes, int64_t at) {
  // The link first: most people link no app, and this is one indexed read.
  const std::optional<int64_t> linked_at = WebhookStore::LinkedAt(connection, user_id, partner_id);
  if (!linked_at) return;
  // A prospect of the partner stays one (lead_rules.hpp): their saved search adds nothing.
  if (kind == leads::LeadKind::kContact &&
      !leads::LeadStore::ClickedSince(connection, partner_id, {user_id}, -1).empty())
    return;
  std::optional<nlohmann::json> data = PersonData(connection, user_id);
  if (!data) return;
  (*data)["kind"] = leads::LeadKindName(kind);
  (*data)["communes"] = communes;
  const std::string key = std::string("lead.created:") + std::to_string(user_id) + ":" +
                          leads::LeadKindName(kind) + ":" + std::to_string(*linked_at);
  WebhookStore::RaiseOnce(connection, partner_id, EventType::kLeadCreated, user_id, key, *data, at);
}

void PartnerAppEvents::Matched(storage::Connection& connection, const listings::Listing& listing,
                               const std::vector<int64_t>& user_ids, int64_t now) {
  if (!listing.partner_id) return;  // not a partner's listing (an import of open data)
  // Most people link no app: one batch read keeps the pass's round trips per batch.
  for (const int64_t user_id :
       WebhookStore::LinkedAmong(connection, *listing.partner_id, user_ids)) {
    std::optional<nlohmann::json> data = PersonData(connection, user_id);
    if (!data) continue;
    nlohmann::json shared = {{"id", listing.id},
                             {"kind", listings::KindName(listing.kind)},
                             {"title", listing.title},
                             {"commune_code", listing.commune_code}};
    if (listing.external_id) shared["external_id"] = *listing.external_id;
    (*data)["listing"] = std::move(shared);
    WebhookStore::RaiseOnce(
        connection, *listing.partner_id, EventType::kListingMatched, user_id,
        "listing.matched:" + std::to_string(user_id) + ":" + std::to_string(listing.id), *data,
        now);
  }
}

}  // namespace vivrovert::webhooks
