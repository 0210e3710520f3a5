#include "domain/profiles/profile.hpp"

#include <algorithm>

#include "core/storage/batch.hpp"

namespace vivrovert::profiles {

namespace {

using listings::FieldSpec;
using listings::FieldType;
using nlohmann::json;

const std::vector<FieldSpec> kFields = {
    {"household_adults", "Adultes dans le foyer", FieldType::kInteger, false, 0, 10},
    {"household_children", "Enfants", FieldType::kInteger, false, 0, 15},
    {"horizon",
     "Quand voulez-vous partir ?",
     FieldType::kChoice,
     false,
     0,
     0,
     0,
     {{"6m", "Dans les 6 mois"},
      {"12m", "Dans l'année"},
      {"24m", "D'ici deux ans"},
      {"later", "Plus tard"}}},
    {"funds_eur", "Apport disponible (€)", FieldType::kNumber, false, 0, 1e9},
    {"housing_tenure",
     "Acheter ou louer",
     FieldType::kChoice,
     false,
     0,
     0,
     0,
     {{"buy", "Acheter"}, {"rent", "Louer"}, {"either", "L'un ou l'autre"}}},
    {"housing_type",
     "Type de logement",
     FieldType::kChoice,
     false,
     0,
     0,
     0,
     {{"house", "Maison"}, {"flat", "Appartement"}, {"land", "Terrain"}, {"any", "Indifférent"}}},
    {"housing_rooms_min", "Pièces (au moins)", FieldType::kInteger, false, 0, 50},
    {"housing_surface_min", "Surface (m², au moins)", FieldType::kNumber, false, 0, 10000},
    {"housing_price_max", "Prix ou loyer maximal (€)", FieldType::kNumber, false, 0, 1e9},
    {"work_situation",
     "Situation",
     FieldType::kChoice,
     false,
     0,
     0,
     0,
     {{"employed", "Salarié(e)"},
      {"job_seeker", "En recherche d'emploi"},
      {"self_employed", "Indépendant(e)"},
      {"retired", "Retraité(e)"},
      {"student", "Étudiant(e)"},
      {"other", "Autre"}}},
    {"work_rome_codes",
     "Métiers (codes ROME)",
     FieldType::kRomeList,
     false,
     0,
     0,
     0,
     {},
     "Ex. J1506, M1805"},
    {"work_skills", "Compétences", FieldType::kText, false, 0, 0, 2000},
    {"work_sector", "Secteur", FieldType::kText, false, 0, 0, 200},
    {"work_remote", "Télétravail", FieldType::kBoolean},
    {"business_sector",
     "Activité à reprendre : secteur",
     FieldType::kChoice,
     false,
     0,
     0,
     0,
     {{"retail", "Commerce"},
      {"food_service", "Café, hôtel, restaurant"},
      {"craft", "Artisanat"},
      {"agriculture", "Agriculture"},
      {"services", "Services"},
      {"health", "Santé"},
      {"tourism", "Tourisme"},
      {"other", "Autre"}}},
    {"business_budget_eur", "Activité à reprendre : budget (€)", FieldType::kNumber, false, 0, 1e9},
    {"leisure",
     "Loisirs",
     FieldType::kText,
     false,
     0,
     0,
     500,
     {},
     "Ex. randonnée, musique, vie associative"},
};

const std::vector<ConsentScope> kScopes = {
    {"identity", "Mon identité et mon adresse e-mail", {}},
    {"funds", "Mon apport et mon budget", {"funds_eur", "business_budget_eur"}},
    {"housing",
     "Mes souhaits de logement",
     {"horizon", "housing_tenure", "housing_type", "housing_rooms_min", "housing_surface_min",
      "housing_price_max"}},
    {"work",
     "Ma situation, mes métiers et compétences",
     {"work_situation", "work_rome_codes", "work_skills", "work_sector", "work_remote",
      "business_sector"}},
    {"household", "La composition de mon foyer", {"household_adults", "household_children"}},
};

}  // namespace

const std::vector<FieldSpec>& ProfileFields() { return kFields; }
const std::vector<ConsentScope>& ConsentScopes() { return kScopes; }

bool IsDisclosureScope(std::string_view scope) {
  return std::any_of(kScopes.begin(), kScopes.end(),
                     [scope](const ConsentScope& known) { return scope == known.code; });
}

listings::Normalised NormaliseProfile(const json& input) {
  listings::Normalised out;
  out.fields = json::object();
  if (!input.is_object()) {
    out.errors.push_back({"", "Un objet est attendu."});
    return out;
  }
  for (const auto& [key, value] : input.items()) {
    const FieldSpec* spec = nullptr;
    for (const FieldSpec& field : kFields) {
      if (key == field.name) spec = &field;
    }
    if (spec == nullptr) {
      out.errors.push_back({key.substr(0, 60), "Champ inconnu."});
      continue;
    }
    Result<json> normalised = listings::NormaliseField(*spec, value);
    if (!normalised.ok()) {
      out.errors.push_back({key, normalised.status().message()});
    } else if (!normalised->is_null()) {
      out.fields[key] = *std::move(normalised);
    }
  }
  return out;
}

Profile ProfileStore::Get(storage::Connection& connection, int64_t user_id) {
  Profile profile;
  auto row = connection.QueryOne(
      "SELECT data, notification, updated_at FROM profiles WHERE user_id = $1", {user_id});
  if (!row) return profile;
  profile.data = json::parse(row->Text(0), nullptr, false);
  if (profile.data.is_discarded()) profile.data = json::object();
  profile.notification = row->Text(1);
  profile.updated_at = row->Int(2);
  return profile;
}

std::map<int64_t, std::string> ProfileStore::Notifications(storage::Connection& connection,
                                                           const std::vector<int64_t>& user_ids) {
  std::map<int64_t, std::string> notifications;
  for (const storage::Row& row : storage::QueryIdsIn(
           connection, "SELECT user_id, notification FROM profiles WHERE user_id IN ", user_ids)) {
    notifications[row.Int(0)] = row.Text(1);
  }
  return notifications;
}

std::map<int64_t, Profile> ProfileStore::ProfilesBetween(storage::Connection& connection,
                                                         int64_t first, int64_t last) {
  std::map<int64_t, Profile> profiles;
  for (const storage::Row& row :
       connection.Query("SELECT user_id, data, notification, updated_at FROM profiles "
                        "WHERE user_id BETWEEN $1 AND $2",
                        {first, last})) {
    Profile& profile = profiles[row.Int(0)];
    profile.data = json::parse(row.Text(1), nullptr, false);
    if (profile.data.is_discarded()) profile.data = json::object();
    profile.notification = row.Text(2);
    profile.updated_at = row.Int(3);
  }
  return profiles;
}

std::vector<int64_t> ProfileStore::WithRomeCode(storage::Connection& connection,
                                                const std::string& code) {
  // The stored JSON narrows the rows; the parsed field decides (the code could also appear
  // in free text).
  std::vector<int64_t> users;
  for (const storage::Row& row :
       connection.Query("SELECT user_id, data FROM profiles WHERE data LIKE $1 ORDER BY user_id",
                        {"%\"" + code + "\"%"})) {
    const json data = json::parse(row.Text(1), nullptr, false);
    if (data.is_discarded() || !data.contains("work_rome_codes") ||
        !data["work_rome_codes"].is_array())
      continue;
    for (const json& listed : data["work_rome_codes"]) {
      if (listed.is_string() && listed.get<std::string>() == code) {
        users.push_back(row.Int(0));
        break;
      }
    }
  }
  return users;
}

std::vector<int64_t> ProfileStore::Granted(storage::Connection& connection,
                                           const std::string& scope,
                                           const std::vector<int64_t>& user_ids) {
  // The latest row per person for the scope is in force.
  std::vector<int64_t> granted;
  std::map<int64_t, std::pair<int64_t, bool>> latest;  // user → (recorded_at, granted)
  for (size_t first = 0; first < user_ids.size(); first += storage::kIdsPerStatement) {
    const size_t count = std::min(storage::kIdsPerStatement, user_ids.size() - first);
    std::vector<storage::SqlValue> params{scope};
    for (size_t idx = first; idx < first + count; ++idx) params.emplace_back(user_ids[idx]);
    for (const storage::Row& row : connection.Query(
             "SELECT user_id, granted, recorded_at, id FROM consents WHERE scope = $1 AND "
             "user_id IN " +
                 storage::InList(count, 2) + " ORDER BY user_id, recorded_at, id",
             params))
      latest[row.Int(0)] = {row.Int(2), row.Int(1) != 0};
  }
  for (const auto& [user_id, state] : latest) {
    if (state.second) granted.push_back(user_id);
  }
  return granted;
}

std::vector<int64_t> ProfileStore::GrantedAll(storage::Connection& connection,
                                              const std::string& scope) {
  std::map<int64_t, bool> latest;  // rows in order: the last one per person wins
  for (const storage::Row& row :
       connection.Query("SELECT user_id, granted FROM consents WHERE scope = $1 ORDER BY "
                        "user_id, recorded_at, id",
                        {scope}))
    latest[row.Int(0)] = row.Int(1) != 0;
  std::vector<int64_t> granted;
  for (const auto& [user_id, state] : latest) {
    if (state) granted.push_back(user_id);
  }
  return granted;
}

void ProfileStore::Put(storage::Connection& connection, int64_t user_id, const Profile& profile,
                       int64_t now) {
  connection.Execute(
      "INSERT INTO profiles (user_id, data, notification, updated_at) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, notification = "
      "excluded.notification, "
      "updated_at = excluded.updated_at",
      {user_id, profile.data.dump(), profile.notification, now});
}

void ProfileStore::SetNotification(storage::Connection& connection, int64_t user_id,
                                   const std::string& notification, int64_t now) {
  // One statement, so a concurrent save of the profile's fields is never overwritten.
  connection.Execute(
      "INSERT INTO profiles (user_id, data, notification, updated_at) VALUES ($1, '{}', $2, $3) "
      "ON CONFLICT (user_id) DO UPDATE SET notification = excluded.notification, updated_at = "
      "excluded.updated_at",
      {user_id, notification, now});
}

std::vector<ConsentRecord> ProfileStore::ConsentHistory(storage::Connection& connection,
                                                        int64_t user_id) {
  std::vector<ConsentRecord> history;
  for (const storage::Row& row :
       connection.Query("SELECT scope, granted, recorded_at FROM consents WHERE user_id = $1 ORDER "
                        "BY recorded_at, id",
                        {user_id})) {
    history.push_back({row.Text(0), row.Int(1) != 0, row.Int(2)});
  }
  return history;
}

std::map<std::string, ConsentRecord> ProfileStore::Consents(storage::Connection& connection,
                                                            int64_t user_id) {
  std::map<std::string, ConsentRecord> in_force;
  for (const ConsentRecord& record : ConsentHistory(connection, user_id))
    in_force[record.scope] = record;
  return in_force;
}

void ProfileStore::SetConsents(storage::Connection& connection, int64_t user_id,
                               const std::map<std::string, bool>& wanted, int64_t now) {
  std::map<std::string, ConsentRecord> current = Consents(connection, user_id);
  for (const auto& [scope, granted] : wanted) {
    const bool known =
        IsDisclosureScope(scope) || scope == kUnvisitedJobsConsent || scope == kCampaignsConsent;
    if (!known) continue;
    auto at = current.find(scope);
    const bool was = at != current.end() && at->second.granted;
    if (was == granted) continue;
    connection.Execute(
        "INSERT INTO consents (user_id, scope, granted, recorded_at) VALUES ($1, $2, $3, $4)",
        {user_id, scope, static_cast<int64_t>(granted ? 1 : 0), now});
  }
}

int64_t ProfileStore::ArchiveConsents(storage::Connection& connection, int64_t user_id,
                                      const std::string& subject, int64_t now) {
  return connection.Execute(
      "INSERT INTO consent_proofs (subject, scope, granted, recorded_at, erased_at) "
      "SELECT $1, scope, granted, recorded_at, $2 FROM consents WHERE user_id = $3 ORDER BY "
      "recorded_at, id",
      {subject, now, user_id});
}

std::vector<ConsentRecord> ProfileStore::ConsentProofs(storage::Connection& connection,
                                                       const std::string& subject) {
  std::vector<ConsentRecord> history;
  for (const storage::Row& row :
       connection.Query("SELECT scope, granted, recorded_at FROM consent_proofs WHERE subject = $1 "
                        "ORDER BY recorded_at, id",
                        {subject})) {
    history.push_back({row.Text(0), row.Int(1) != 0, row.Int(2)});
  }
  return history;
}

int64_t ProfileStore::PurgeConsentProofs(storage::Connection& connection, int64_t before,
                                         int limit) {
  return connection.Execute(
      "DELETE FROM consent_proofs WHERE id IN (SELECT id FROM consent_proofs WHERE erased_at < $1 "
      "ORDER BY id LIMIT $2)",
      {before, int64_t{limit}});
}

}  // namespace vivrovert::profiles
