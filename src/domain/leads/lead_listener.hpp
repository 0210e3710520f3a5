// Who else must know when a person's search or click is recorded for a partner: the
// partners' apps (domain/webhooks, partner_app_events.hpp: lead.created) follow the leads
// through this interface, so that leads/ does not depend on the webhooks' delivery code,
// as interests/ does not depend on leads/ (interest_listener.hpp).
//
// Contract: called by LeadRecorder inside the transaction that records the search or the
// click, after it is recorded; a listener writes on the same connection, so what it
// raises commits with the lead (or neither does). Not called when a partner's records are
// recomputed for a new territory (RefreshPartner): that rewrites the past, it records no
// new interest. Database faults (storage::StorageError) roll the whole event back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/storage/database.hpp"
#include "domain/leads/lead_rules.hpp"

namespace vivrovert::leads {

class LeadListener {
 public:
  virtual ~LeadListener() = default;

  // A person's saved search (kContact: green tiles in the territory) or click (kProspect:
  // a tile of the territory) was recorded for the partner. `communes`: the territory's
  // communes concerned (INSEE codes). A contact may already be a prospect of the partner:
  // the listener decides (LeadStore::ClickedSince).
  virtual void LeadRecorded(storage::Connection& connection, int64_t partner_id, int64_t user_id,
                            LeadKind kind, const std::vector<std::string>& communes,
                            int64_t at) = 0;
};

}  // namespace vivrovert::leads
