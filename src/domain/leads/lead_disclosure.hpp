// What a partner may know of a person: only what the person consented to, now.
//
// Consents are granular (domain/profiles/profile.hpp: identity and contact, funds, housing
// wishes, work and skills, household), dated and revocable; the latest record per scope is
// in force. Without any consent in force a person is not disclosed at all — the partner
// sees them in counts only; withdrawing a consent removes its details from every list
// and export from that moment (the history stays in the consents table, for proof).
//
// Thread safety: stateless functions on the caller's connection.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/storage/database.hpp"
#include "domain/display/labels.hpp"

namespace vivrovert::leads {

struct DisclosedField {
  std::string name;       // profile field name
  std::string label;      // French
  std::string value;      // as a person reads it (display::Labels::Field)
  nlohmann::json stored;  // the normalised value (exports keep numbers as numbers)
};

struct DisclosedSection {
  std::string scope;
  std::string label;
  std::vector<DisclosedField> fields;
};

// Kinds of wish a partner can filter on, read from consented details only.
inline constexpr const char* kWishKinds[] = {"housing", "work", "business"};
const char* WishKindLabel(const std::string& kind);  // "Logement", "Emploi", "Reprise d'activité"

struct DisclosedPerson {
  int64_t user_id = 0;
  std::set<std::string> scopes;            // granted now
  std::string display_name;                // identity scope only
  std::string email;                       // identity scope only
  std::vector<DisclosedSection> sections;  // other granted scopes, with the values present
  std::set<std::string> wishes;            // among kWishKinds

  bool disclosed() const { return !scopes.empty(); }
  bool identity() const { return scopes.count("identity") != 0; }
};

// Field values are read out by `labels` (choice labels, ROME titles, French numbers).
DisclosedPerson Disclose(storage::Connection& connection, int64_t user_id,
                         const display::Labels& labels);

}  // namespace vivrovert::leads
