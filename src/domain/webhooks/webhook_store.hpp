// Signed webhooks for partner apps (option 3, issue #22; docs/API.md, "Webhooks"): the
// partners' endpoints, the events raised for them, one delivery per (event, endpoint) with
// its status, and people's links of their account to a partner's app (migration 0030).
//
// Events about a person (lead.created, listing.matched) are raised only while the person's
// account is linked to the partner's app (/compte/applications, the consent that says what
// is shared); unlinking raises consent.withdrawn, and the deliveries still pending about
// that person are cancelled (webhook_sender.hpp checks again before each attempt).
//
// Thread safety: stateless functions on the caller's connection, inside its transaction
// when one is open. Database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"

namespace vivrovert::webhooks {

enum class EventType { kLeadCreated, kConsentWithdrawn, kListingMatched, kCampaignResult };

// "lead.created", "consent.withdrawn", "listing.matched", "campaign.result".
const char* EventTypeName(EventType type);
std::optional<EventType> ParseEventType(std::string_view name);
// French, as the partner's page lists them.
const char* EventTypeLabel(EventType type);
inline constexpr EventType kEventTypes[] = {EventType::kLeadCreated, EventType::kConsentWithdrawn,
                                            EventType::kListingMatched, EventType::kCampaignResult};
// Whether events of `type` are about one person, so only raised while they are linked.
bool AboutPerson(EventType type);

// Endpoints per partner, at most.
inline constexpr int kMaxEndpoints = 10;

struct Endpoint {
  int64_t id = 0;
  int64_t partner_id = 0;
  std::string url;
  std::vector<std::string> events;  // EventTypeName of each
  bool active = true;
  int64_t created_at = 0;
};

struct CreatedEndpoint {
  Endpoint endpoint;
  std::string secret;  // shown once, never again
};

struct Delivery {
  int64_t id = 0;
  int64_t event_id = 0;
  int64_t endpoint_id = 0;
  std::string url;
  std::string event_type;
  std::string status;  // pending, sending, delivered, failed, cancelled
  int attempts = 0;
  int64_t next_attempt_at = 0;
  std::optional<int64_t> last_status;  // the receiver's HTTP status
  std::string last_error;
  std::optional<int64_t> delivered_at;
  int64_t created_at = 0;
};

struct AppLink {
  int64_t partner_id = 0;
  int64_t linked_at = 0;
};

class WebhookStore {
 public:
  // Registers an endpoint after CheckEndpoint (endpoint_address.hpp); the secret is sealed
  // under `server_key`. Errors: InvalidArgument (field "url" or "events": no event, an
  // unknown one), ResourceExhausted (kMaxEndpoints), Unavailable (the name does not resolve).
  static Result<CreatedEndpoint> CreateEndpoint(storage::Connection& connection, int64_t partner_id,
                                                std::string_view url,
                                                const std::vector<std::string>& events,
                                                std::string_view server_key, bool allow_private,
                                                int64_t now);
  static std::vector<Endpoint> Endpoints(storage::Connection& connection, int64_t partner_id);
  // Deletes one of the partner's endpoints with its deliveries; false when not theirs.
  static bool DeleteEndpoint(storage::Connection& connection, int64_t partner_id,
                             int64_t endpoint_id);

  // Raises an event for the partner: its body is fixed now ({"id","type","created",
  // "partner","data"}), with one pending delivery per active endpoint that wants it.
  // Returns the event's id, or nullopt when nothing was raised (an event about a person
  // who is not linked to the partner's app, or no endpoint wants it).
  static std::optional<int64_t> Raise(storage::Connection& connection, int64_t partner_id,
                                      EventType type, std::optional<int64_t> user_id,
                                      const nlohmann::json& data, int64_t now);
  // Raise, at most once per (partner, `key`): an event already raised under `key` is not
  // raised again (nullopt), even by another process at the same moment (the unique index of
  // migration 0033), so the events derived from facts recorded again (a lead, a match)
  // keep one event id.
  static std::optional<int64_t> RaiseOnce(storage::Connection& connection, int64_t partner_id,
                                          EventType type, std::optional<int64_t> user_id,
                                          const std::string& key, const nlohmann::json& data,
                                          int64_t now);

  // The partner's newest deliveries, newest first.
  static std::vector<Delivery> Deliveries(storage::Connection& connection, int64_t partner_id,
                                          int limit);
  // Sends one of the partner's deliveries again (staff): back to pending now, attempts
  // reset, same event id and body, so the receiver can recognise it. NotFound when it is
  // not the partner's, FailedPrecondition when it was cancelled (the person withdrew).
  static Status Replay(storage::Connection& connection, int64_t partner_id, int64_t delivery_id,
                       int64_t now);

  // A person links their account to a partner's app (the consent). Idempotent.
  static void Link(storage::Connection& connection, int64_t user_id, int64_t partner_id,
                   int64_t now);
  // Withdraws the link: raises consent.withdrawn and cancels the pending deliveries about
  // the person to that partner. False when there was no link in force.
  static bool Unlink(storage::Connection& connection, int64_t user_id, int64_t partner_id,
                     int64_t now);
  static bool IsLinked(storage::Connection& connection, int64_t user_id, int64_t partner_id);
  // The partners with at least one active endpoint, ascending (the apps people may link to).
  static std::vector<int64_t> PartnersWithEndpoints(storage::Connection& connection);
  // The person's links in force, oldest first.
  static std::vector<AppLink> LinksOf(storage::Connection& connection, int64_t user_id);
  // Those of `user_ids` linked to the partner's app now (batch read).
  static std::set<int64_t> LinkedAmong(storage::Connection& connection, int64_t partner_id,
                                       const std::vector<int64_t>& user_ids);
  // When the person's link to the partner's app in force was made; nullopt when none.
  static std::optional<int64_t> LinkedAt(storage::Connection& connection, int64_t user_id,
                                         int64_t partner_id);

 private:
  static std::optional<int64_t> RaiseKeyed(storage::Connection& connection, int64_t partner_id,
                                           EventType type, std::optional<int64_t> user_id,
                                           const std::optional<std::string>& key,
                                           const nlohmann::json& data, int64_t now);
};

}  // namespace vivrovert::webhooks
