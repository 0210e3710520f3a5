// A partner's leads as its dashboard, its exports and its lead reports show them: counts
// over time, and the people who consented to be disclosed, with what they consented to
// share and the communes and tiles that interested them.
//
// Counts cover every lead (disclosed or not); the list holds only disclosed people
// (lead_disclosure.hpp) and is narrowed by the filter.
//
// Thread safety: stateless functions on the caller's connection.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/exports/table_export.hpp"
#include "domain/leads/lead_disclosure.hpp"
#include "domain/leads/lead_rules.hpp"

namespace vivrovert::leads {

struct LeadFilter {
  // A lead matches a period when its interest spans a moment of it: first_at ≤ to and
  // last_at ≥ from (seconds, inclusive). Unset ends are open.
  std::optional<int64_t> from;
  std::optional<int64_t> to;
  std::string commune;  // an INSEE code among the lead's communes
  std::string wish;     // one of kWishKinds, among the consented details
  std::string kind;     // "contact", "prospect" or empty for both
};

struct DisclosedLead {
  Lead lead;
  DisclosedPerson person;
};

struct PartnerLeads {
  LeadCounts now;                     // every lead, as of now
  int64_t disclosed_total = 0;        // disclosed people among them (before the filter)
  std::vector<DisclosedLead> people;  // disclosed and matching the filter, newest first
  std::vector<LeadCounts> series;     // counts over the filter's period (or the last 12 weeks)
};

// Everything about a partner's leads as of `now`.
// Disclosed details are read out by `labels`.
PartnerLeads LoadPartnerLeads(storage::Connection& connection, int64_t partner_id,
                              const LeadFilter& filter, int64_t now, const display::Labels& labels);

// The people of `leads` as a table for CSV/XLSX: kind, dates, communes ("Cahors (46042)",
// from `labels`), tiles, then identity and each consented profile field (empty when not
// consented).
exports::Table LeadTable(const PartnerLeads& leads, const display::Labels& labels);

}  // namespace vivrovert::leads
