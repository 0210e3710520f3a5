// The events about a person that partners' apps receive (docs/API.md, "Webhooks"):
// lead.created, from the leads as they are recorded (leads::LeadListener), and
// listing.matched, from the matching pass (notifications::MatchListener).
//
// Why listeners rather than calls from leads/ and notifications/: those record what every
// partner relies on, in every process; webhooks are option 3's, with their delivery code
// (TLS, HTTP). leads/ and notifications/ declare what they tell, this part listens, and
// the application wires them (app/site.cpp), as interests/ tells leads/ through
// InterestListener. The layering stays acyclic: webhooks/ depends on leads/ and
// notifications/, never the reverse.
//
// Each event is raised only while the person's account is linked to the partner's app
// (WebhookStore::Raise checks it), and once per fact (WebhookStore::RaiseOnce):
//   lead.created     key "lead.created:<person>:<kind>:<linked_at>": once per person, kind
//                    (contact, prospect) and link; a contact who is already a prospect of
//                    the partner raises nothing (leads/lead_rules.hpp). Linking again after
//                    a withdrawal is a new consent, so the partner hears of the lead again.
//   listing.matched  key "listing.matched:<person>:<listing>": once per person and listing
//                    of the partner, when they are first told of it (the notification
//                    ledger), which a pass run again never does twice.
// The data carry what the link's consent says is shared (web/campaigns, /compte/applications):
// the person's reference, address and name, the territory's communes concerned, the listing.
//
// Thread safety: stateless; called on the caller's connection inside its transaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/leads/lead_listener.hpp"
#include "domain/notifications/notification_pass.hpp"

namespace vivrovert::webhooks {

class PartnerAppEvents final : public leads::LeadListener, public notifications::MatchListener {
 public:
  void LeadRecorded(storage::Connection& connection, int64_t partner_id, int64_t user_id,
                    leads::LeadKind kind, const std::vector<std::string>& communes,
                    int64_t at) override;
  void Matched(storage::Connection& connection, const listings::Listing& listing,
               const std::vector<int64_t>& user_ids, int64_t now) override;
};

}  // namespace vivrovert::webhooks
