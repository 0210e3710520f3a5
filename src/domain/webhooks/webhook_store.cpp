#include "domain/webhooks/webhook_store.hpp"

#include <algorithm>

#include "core/storage/batch.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/webhooks/endpoint_address.hpp"
#include "domain/webhooks/webhook_signing.hpp"

namespace vivrovert::webhooks {

namespace {

std::vector<std::string> SplitWords(const std::string& text) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) words.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

Endpoint EndpointOf(const storage::Row& row) {
  return {row.Int(0),      row.Int(1), row.Text(2), SplitWords(row.Text(3)),
          row.Int(4) != 0, row.Int(5)};
}

constexpr const char* kDeliveryColumns =
    "SELECT d.id, d.event_id, d.endpoint_id, p.url, e.event_type, d.status, d.attempts, "
    "d.next_attempt_at, d.last_status, d.last_error, d.delivered_at, d.created_at "
    "FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id "
    "JOIN webhook_endpoints p ON p.id = d.endpoint_id ";

Delivery DeliveryOf(const storage::Row& row) {
  Delivery delivery;
  delivery.id = row.Int(0);
  delivery.event_id = row.Int(1);
  delivery.endpoint_id = row.Int(2);
  delivery.url = row.Text(3);
  delivery.event_type = row.Text(4);
  delivery.status = row.Text(5);
  delivery.attempts = static_cast<int>(row.Int(6));
  delivery.next_attempt_at = row.Int(7);
  delivery.last_status = row.OptionalInt(8);
  delivery.last_error = row.Text(9);
  delivery.delivered_at = row.OptionalInt(10);
  delivery.created_at = row.Int(11);
  return delivery;
}

}  // namespace

const char* EventTypeName(EventType type) {
  switch (type) {
    case EventType::kLeadCreated:
      return "lead.created";
    case EventType::kConsentWithdrawn:
      return "consent.withdrawn";
    case EventType::kListingMatched:
      return "listing.matched";
    case EventType::kCampaignResult:
      return "campaign.result";
  }
  return "lead.created";
}

const char* EventTypeLabel(EventType type) {
  switch (type) {
    case EventType::kLeadCreated:
      return "Nouveau contact ou prospect (personne liée à votre application)";
    case EventType::kConsentWithdrawn:
      return "Consentement retiré (la personne a délié son compte)";
    case EventType::kListingMatched:
      return "Annonce correspondant à une personne liée";
    case EventType::kCampaignResult:
      return "Résultat d'une campagne (comptes seulement)";
  }
  return "";
}

std::optional<EventType> ParseEventType(std::string_view name) {
  for (EventType type : kEventTypes) {
    if (name == EventTypeName(type)) return type;
  }
  return std::nullopt;
}

bool AboutPerson(EventType type) {
  return type == EventType::kLeadCreated || type == EventType::kListingMatched;
}

Result<CreatedEndpoint> WebhookStore::CreateEndpoint(storage::Connection& connection,
                                                     int64_t partner_id, std::string_view url,
                                                     const std::vector<std::string>& events,
                                                     std::string_view server_key,
                                                     bool allow_private, int64_t now) {
  std::vector<std::string> wanted;
  for (const std::string& event : events) {
    if (!ParseEventType(event))
      return InvalidArgument("Événement inconnu : « " + event + " ».", "events");
    if (std::find(wanted.begin(), wanted.end(), event) == wanted.end()) wanted.push_back(event);
  }
  if (wanted.empty()) return InvalidArgument("Choisissez au moins un événement.", "events");
  VV_ASSIGN_OR_RETURN(EndpointTarget target, CheckEndpoint(url, allow_private));
  (void)target;
  auto count = connection.QueryOne("SELECT COUNT(*) FROM webhook_endpoints WHERE partner_id = $1",
                                   {partner_id});
  if (count && count->Int(0) >= kMaxEndpoints)
    return ResourceExhausted("Au plus " + std::to_string(kMaxEndpoints) +
                             " points d'accès par partenaire : supprimez-en un d'abord.");
  std::string joined;
  for (const std::string& event : wanted) joined += (joined.empty() ? "" : " ") + event;
  CreatedEndpoint created;
  created.secret = NewSecret();
  auto row = connection.QueryOne(
      "INSERT INTO webhook_endpoints (partner_id, url, events, secret_sealed, active, created_at) "
      "VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
      {partner_id, std::string(url), joined, SealSecret(server_key, created.secret), now});
  created.endpoint = {row->Int(0), partner_id, std::string(url), wanted, true, now};
  return created;
}

std::vector<Endpoint> WebhookStore::Endpoints(storage::Connection& connection, int64_t partner_id) {
  std::vector<Endpoint> endpoints;
  for (const storage::Row& row :
       connection.Query("SELECT id, partner_id, url, events, active, created_at FROM "
                        "webhook_endpoints WHERE partner_id = $1 ORDER BY id",
                        {partner_id}))
    endpoints.push_back(EndpointOf(row));
  return endpoints;
}

bool WebhookStore::DeleteEndpoint(storage::Connection& connection, int64_t partner_id,
                                  int64_t endpoint_id) {
  connection.Execute(
      "DELETE FROM webhook_deliveries WHERE endpoint_id = $1 AND endpoint_id IN "
      "(SELECT id FROM webhook_endpoints WHERE partner_id = $2)",
      {endpoint_id, partner_id});
  return connection.Execute("DELETE FROM webhook_endpoints WHERE id = $1 AND partner_id = $2",
                            {endpoint_id, partner_id}) > 0;
}

std::optional<int64_t> WebhookStore::Raise(storage::Connection& connection, int64_t partner_id,
                                           EventType type, std::optional<int64_t> user_id,
                                           const nlohmann::json& data, int64_t now) {
  return RaiseKeyed(connection, partner_id, type, user_id, std::nullopt, data, now);
}

std::optional<int64_t> WebhookStore::RaiseOnce(storage::Connection& connection, int64_t partner_id,
                                               EventType type, std::optional<int64_t> user_id,
                                               const std::string& key, const nlohmann::json& data,
                                               int64_t now) {
  return RaiseKeyed(connection, partner_id, type, user_id, key, data, now);
}

std::optional<int64_t> WebhookStore::RaiseKeyed(storage::Connection& connection, int64_t partner_id,
                                                EventType type, std::optional<int64_t> user_id,
                                                const std::optional<std::string>& key,
                                                const nlohmann::json& data, int64_t now) {
  if (AboutPerson(type) && (!user_id || !IsLinked(connection, *user_id, partner_id)))
    return std::nullopt;
  std::vector<int64_t> endpoints;
  for (const Endpoint& endpoint : Endpoints(connection, partner_id)) {
    if (endpoint.active && std::find(endpoint.events.begin(), endpoint.events.end(),
                                     EventTypeName(type)) != endpoint.events.end())
      endpoints.push_back(endpoint.id);
  }
  if (endpoints.empty()) return std::nullopt;
  std::string slug;
  if (auto partner = partners::PartnerStore::Get(connection, partner_id)) slug = partner->slug;
  const storage::SqlValue user = user_id ? storage::SqlValue(*user_id) : storage::SqlValue(nullptr);
  // A keyed event raised before (here or by another process now) inserts nothing: the
  // conflict is skipped rather than raised, so the caller's transaction goes on.
  auto row = connection.QueryOne(
      "INSERT INTO webhook_events (partner_id, event_type, user_id, body, created_at, event_key) "
      "VALUES ($1, $2, $3, '', $4, $5) ON CONFLICT (partner_id, event_key) DO NOTHING "
      "RETURNING id",
      {partner_id, std::string(EventTypeName(type)), user, now,
       key ? storage::SqlValue(*key) : storage::SqlValue(nullptr)});
  if (!row) return std::nullopt;
  const int64_t event_id = row->Int(0);
  const nlohmann::json body = {{"id", "evt_" + std::to_string(event_id)},
                               {"type", EventTypeName(type)},
                               {"created", now},
                               {"partner", slug},
                               {"data", data}};
  connection.Execute("UPDATE webhook_events SET body = $1 WHERE id = $2", {body.dump(), event_id});
  for (int64_t endpoint_id : endpoints) {
    connection.Execute(
        "INSERT INTO webhook_deliveries (event_id, endpoint_id, status, attempts, "
        "next_attempt_at, created_at) VALUES ($1, $2, 'pending', 0, $3, $3)",
        {event_id, endpoint_id, now});
  }
  return event_id;
}

std::vector<Delivery> WebhookStore::Deliveries(storage::Connection& connection, int64_t partner_id,
                                               int limit) {
  std::vector<Delivery> deliveries;
  for (const storage::Row& row : connection.Query(
           std::string(kDeliveryColumns) + "WHERE e.partner_id = $1 ORDER BY d.id DESC LIMIT $2",
           {partner_id, int64_t{limit}}))
    deliveries.push_back(DeliveryOf(row));
  return deliveries;
}

Status WebhookStore::Replay(storage::Connection& connection, int64_t partner_id,
                            int64_t delivery_id, int64_t now) {
  auto row = connection.QueryOne(
      "SELECT d.status FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id "
      "WHERE d.id = $1 AND e.partner_id = $2",
      {delivery_id, partner_id});
  if (!row) return NotFound("Livraison introuvable.");
  if (row->Text(0) == "cancelled")
    return FailedPrecondition(
        "Cette livraison a été annulée (la personne a retiré son consentement) : elle ne peut "
        "pas être rejouée.");
  connection.Execute(
      "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, "
      "lease_until = NULL, last_error = '' WHERE id = $2 AND status <> 'cancelled'",
      {now, delivery_id});
  return Status::Ok();
}

void WebhookStore::Link(storage::Connection& connection, int64_t user_id, int64_t partner_id,
                        int64_t now) {
  if (IsLinked(connection, user_id, partner_id)) return;
  connection.Execute("DELETE FROM app_links WHERE user_id = $1 AND partner_id = $2",
                     {user_id, partner_id});
  connection.Execute(
      "INSERT INTO app_links (user_id, partner_id, linked_at, unlinked_at) VALUES ($1, $2, $3, "
      "NULL)",
      {user_id, partner_id, now});
}

bool WebhookStore::Unlink(storage::Connection& connection, int64_t user_id, int64_t partner_id,
                          int64_t now) {
  if (connection.Execute("UPDATE app_links SET unlinked_at = $1 WHERE user_id = $2 AND "
                         "partner_id = $3 AND unlinked_at IS NULL",
                         {now, user_id, partner_id}) == 0)
    return false;
  connection.Execute(
      "UPDATE webhook_deliveries SET status = 'cancelled', last_error = 'consent withdrawn' "
      "WHERE status IN ('pending', 'sending') AND event_id IN (SELECT id FROM webhook_events "
      "WHERE partner_id = $1 AND user_id = $2)",
      {partner_id, user_id});
  // The partner's app learns which of its people left, by the reference it knows them by.
  Raise(connection, partner_id, EventType::kConsentWithdrawn, user_id,
        {{"person", "usr_" + std::to_string(user_id)}}, now);
  return true;
}

bool WebhookStore::IsLinked(storage::Connection& connection, int64_t user_id, int64_t partner_id) {
  return connection
      .QueryOne(
          "SELECT 1 FROM app_links WHERE user_id = $1 AND partner_id = $2 AND unlinked_at "
          "IS NULL",
          {user_id, partner_id})
      .has_value();
}

std::vector<int64_t> WebhookStore::PartnersWithEndpoints(storage::Connection& connection) {
  std::vector<int64_t> partners;
  for (const storage::Row& row :
       connection.Query("SELECT DISTINCT partner_id FROM webhook_endpoints WHERE active = 1 ORDER "
                        "BY partner_id"))
    partners.push_back(row.Int(0));
  return partners;
}

std::set<int64_t> WebhookStore::LinkedAmong(storage::Connection& connection, int64_t partner_id,
                                            const std::vector<int64_t>& user_ids) {
  std::set<int64_t> linked;
  for (size_t first = 0; first < user_ids.size(); first += storage::kIdsPerStatement) {
    const size_t count = std::min(storage::kIdsPerStatement, user_ids.size() - first);
    std::vector<storage::SqlValue> params{partner_id};
    for (size_t idx = first; idx < first + count; ++idx) params.emplace_back(user_ids[idx]);
    for (const storage::Row& row : connection.Query(
             "SELECT user_id FROM app_links WHERE partner_id = $1 AND unlinked_at IS NULL AND "
             "user_id IN " +
                 storage::InList(count, 2),
             params))
      linked.insert(row.Int(0));
  }
  return linked;
}

std::optional<int64_t> WebhookStore::LinkedAt(storage::Connection& connection, int64_t user_id,
                                              int64_t partner_id) {
  auto row = connection.QueryOne(
      "SELECT linked_at FROM app_links WHERE user_id = $1 AND partner_id = $2 AND unlinked_at IS "
      "NULL",
      {user_id, partner_id});
  if (!row) return std::nullopt;
  return row->Int(0);
}

std::vector<AppLink> WebhookStore::LinksOf(storage::Connection& connection, int64_t user_id) {
  std::vector<AppLink> links;
  for (const storage::Row& row :
       connection.Query("SELECT partner_id, linked_at FROM app_links WHERE user_id = $1 AND "
                        "unlinked_at IS NULL ORDER BY linked_at, partner_id",
                        {user_id}))
    links.push_back({row.Int(0), row.Int(1)});
  return links;
}

}  // namespace vivrovert::webhooks
