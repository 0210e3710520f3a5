#include "domain/leads/partner_leads.hpp"

#include <algorithm>

#include "core/common/text.hpp"
#include "domain/leads/lead_store.hpp"
#include "domain/listings/listing_schema.hpp"
#include "domain/profiles/profile.hpp"

namespace vivrovert::leads {

namespace {

constexpr int64_t kDay = 24 * 3600;
constexpr int64_t kWeek = 7 * kDay;
constexpr size_t kMaxSeriesPoints = 60;

bool Matches(const DisclosedLead& item, const LeadFilter& filter) {
  const Lead& lead = item.lead;
  if (filter.from && lead.last_at < *filter.from) return false;
  if (filter.to && lead.first_at > *filter.to) return false;
  if (!filter.commune.empty() && lead.communes.count(filter.commune) == 0) return false;
  if (!filter.wish.empty() && item.person.wishes.count(filter.wish) == 0) return false;
  if (!filter.kind.empty() && filter.kind != LeadKindName(lead.kind)) return false;
  return true;
}

// Dates of the chart: week ends from `from` to `to`, or fewer, wider steps for a long period.
std::vector<int64_t> SeriesDates(int64_t from, int64_t to) {
  std::vector<int64_t> dates;
  if (to < from) return dates;
  int64_t step = kWeek;
  while ((to - from) / step + 1 > static_cast<int64_t>(kMaxSeriesPoints)) step += kWeek;
  for (int64_t at = to; at >= from; at -= step) dates.push_back(at);
  std::reverse(dates.begin(), dates.end());
  return dates;
}

}  // namespace

PartnerLeads LoadPartnerLeads(storage::Connection& connection, int64_t partner_id,
                              const LeadFilter& filter, int64_t now,
                              const display::Labels& labels) {
  const PartnerEvents events = LeadStore::Load(connection, partner_id);
  PartnerLeads result;
  const int64_t to = std::min(filter.to.value_or(now), now);
  const int64_t from = filter.from.value_or(to - 12 * kWeek);
  result.series = CountsOverTime(events, SeriesDates(from, to));
  result.now = CountsOverTime(events, {now}).front();

  for (Lead& lead : LeadsAt(events, now)) {
    DisclosedPerson person = Disclose(connection, lead.user_id, labels);
    DisclosedLead item{std::move(lead), std::move(person)};
    if (!item.person.disclosed()) continue;
    ++result.disclosed_total;
    if (Matches(item, filter)) result.people.push_back(std::move(item));
  }
  return result;
}

exports::Table LeadTable(const PartnerLeads& leads, const display::Labels& labels) {
  using exports::Cell;
  exports::Table table;
  table.sheet_name = "Contacts et prospects";
  table.columns = {"Type",     "Depuis le",         "Dernier intérêt le",
                   "Communes", "Dalles consultées", "Dalles vertes",
                   "Nom",      "Adresse e-mail"};
  std::vector<std::pair<std::string, std::string>> fields;  // scope, field name
  for (const profiles::ConsentScope& scope : profiles::ConsentScopes()) {
    for (const char* name : scope.fields) {
      for (const listings::FieldSpec& spec : profiles::ProfileFields()) {
        if (std::string_view(spec.name) == name) table.columns.push_back(spec.label);
      }
      fields.emplace_back(scope.code, name);
    }
  }
  for (const DisclosedLead& item : leads.people) {
    const Lead& lead = item.lead;
    std::string communes, tiles;
    for (const std::string& code : lead.communes)
      communes += (communes.empty() ? "" : ", ") + labels.Commune(code);
    for (const std::string& tile : lead.tiles) tiles += (tiles.empty() ? "" : " ") + tile;
    std::vector<Cell> row = {Cell::Text(LeadKindLabel(lead.kind)),
                             Cell::Text(display::Labels::Date(lead.first_at)),
                             Cell::Text(display::Labels::Date(lead.last_at)),
                             Cell::Text(communes),
                             Cell::Text(tiles),
                             lead.kind == LeadKind::kContact
                                 ? Cell::Number(static_cast<double>(lead.green_tiles))
                                 : Cell::Empty(),
                             Cell::Text(item.person.display_name),
                             Cell::Text(item.person.email)};
    for (const auto& [scope, name] : fields) {
      // Numbers stay numbers for the spreadsheet; the rest as people read it.
      Cell cell = Cell::Empty();
      for (const DisclosedSection& section : item.person.sections) {
        if (section.scope != scope) continue;
        for (const DisclosedField& field : section.fields) {
          if (field.name != name) continue;
          cell = field.stored.is_number() ? Cell::Number(field.stored.get<double>())
                                          : Cell::Text(field.value);
        }
      }
      row.push_back(std::move(cell));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace vivrovert::leads
