// Leads for the local demonstration (`make run`, `vivrovert admin seed-demo`): four demo
// exodeurs (e-mails *.demo@vivrovert.localhost, names marked "(démo)"), invented, with
// profiles, consents, saved searches in the Lot and tile clicks spread over the past
// weeks, so that the demo partner's dashboard shows contacts, prospects and a chart.
// Their events go through the same recorder as real ones (lead_recorder.hpp).
//
// Idempotent: a demo exodeur who already exists is left as they are. Finally the demo
// partner's records are recomputed (RefreshPartner), which also covers searches saved
// before leads were recorded.
//
// Thread safety: a plain function. Errors: NotFound when the grid lacks the Lot's
// communes or criteria; database faults throw storage::StorageError.
#pragma once

#include <string_view>

#include "core/common/env.hpp"
#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/accounts/password_hasher.hpp"
#include "domain/leads/lead_recorder.hpp"

namespace vivrovert::leads {

struct DemoLeadsSummary {
  int people_created = 0;
  int people_kept = 0;
};

Result<DemoLeadsSummary> SeedDemoLeads(storage::Database& database, const engine::GridFile& grid,
                                       LeadRecorder& recorder, accounts::PasswordHasher& hasher,
                                       const Clock& clock, std::string_view password,
                                       int64_t demo_partner_id);

}  // namespace vivrovert::leads
