#include "domain/leads/lead_disclosure.hpp"

#include <string_view>

#include "domain/accounts/user_store.hpp"
#include "domain/listings/listing_schema.hpp"
#include "domain/profiles/profile.hpp"

namespace vivrovert::leads {

const char* WishKindLabel(const std::string& kind) {
  if (kind == "housing") return "Logement";
  if (kind == "work") return "Emploi";
  if (kind == "business") return "Reprise d'activité";
  return "";
}

DisclosedPerson Disclose(storage::Connection& connection, int64_t user_id,
                         const display::Labels& labels) {
  DisclosedPerson person;
  person.user_id = user_id;
  for (const auto& [scope, record] : profiles::ProfileStore::Consents(connection, user_id)) {
    // Use consents (skills alerts of unvisited territories) disclose nothing.
    if (record.granted && profiles::IsDisclosureScope(scope)) person.scopes.insert(scope);
  }
  if (!person.disclosed()) return person;

  if (person.identity()) {
    if (std::optional<accounts::User> user = accounts::UserStore::FindById(connection, user_id)) {
      person.display_name = user->display_name;
      person.email = user->email;
    }
  }
  const profiles::Profile profile = profiles::ProfileStore::Get(connection, user_id);
  for (const profiles::ConsentScope& scope : profiles::ConsentScopes()) {
    if (scope.fields.empty() || person.scopes.count(scope.code) == 0) continue;
    DisclosedSection section{scope.code, scope.label, {}};
    for (const char* name : scope.fields) {
      if (!profile.data.contains(name)) continue;
      for (const listings::FieldSpec& spec : profiles::ProfileFields()) {
        if (std::string_view(spec.name) != name) continue;
        section.fields.push_back(
            {name, spec.label, labels.Field(spec, profile.data[name]), profile.data[name]});
      }
    }
    if (section.fields.empty()) continue;
    for (const DisclosedField& field : section.fields) {
      if (field.name.rfind("housing_", 0) == 0) person.wishes.insert("housing");
      if (field.name == "work_rome_codes" ||
          (field.name == "work_situation" && profile.data[field.name] == "job_seeker")) {
        person.wishes.insert("work");
      }
      if (field.name == "business_sector") person.wishes.insert("business");
    }
    person.sections.push_back(std::move(section));
  }
  return person;
}

}  // namespace vivrovert::leads
