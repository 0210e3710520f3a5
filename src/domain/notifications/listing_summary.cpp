#include "domain/notifications/listing_summary.hpp"

#include "domain/listings/listing_schema.hpp"

namespace vivrovert::notifications {

namespace {

// The kinds of field short enough for a one-line summary.
bool IsShortFact(listings::FieldType type) {
  switch (type) {
    case listings::FieldType::kChoice:
    case listings::FieldType::kInteger:
    case listings::FieldType::kNumber:
    case listings::FieldType::kRomeCode:
    case listings::FieldType::kDate:
      return true;
    default:
      return false;
  }
}

constexpr size_t kMaxFacts = 5;

}  // namespace

std::string ListingUrl(const std::string& public_base_url, int64_t listing_id) {
  std::string base = public_base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/annonces/" + std::to_string(listing_id);
}

nlohmann::json ListingSummary(const listings::Listing& listing, const engine::GridFile* grid,
                              const std::string& public_base_url) {
  nlohmann::json summary = {{"id", listing.id},
                            {"title", listing.title},
                            {"kind", listings::KindName(listing.kind)},
                            {"kind_label", listings::KindLabel(listing.kind)},
                            {"commune_code", listing.commune_code},
                            {"commune", listing.commune_code},
                            {"url", ListingUrl(public_base_url, listing.id)}};
  if (grid != nullptr) {
    if (std::optional<uint32_t> commune = grid->FindCommune(listing.commune_code)) {
      summary["commune"] = grid->communes()[*commune].name;
    }
  }
  nlohmann::json facts = nlohmann::json::array();
  std::string facts_text;
  const nlohmann::json fields = listing.Fields();
  for (const listings::FieldSpec& spec : listings::KindFields(listing.kind)) {
    if (facts.size() == kMaxFacts) break;
    if (!IsShortFact(spec.type) || !fields.contains(spec.name) || fields[spec.name].is_null())
      continue;
    const std::string value = listings::FieldDisplayText(spec, fields[spec.name]);
    if (value.empty()) continue;
    facts.push_back({{"label", spec.label}, {"value", value}});
    if (!facts_text.empty()) facts_text += " · ";
    facts_text += std::string(spec.label) + " : " + value;
  }
  summary["facts"] = facts;
  summary["facts_text"] = facts_text;
  return summary;
}

}  // namespace vivrovert::notifications
