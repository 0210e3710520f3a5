#include "domain/partners/partner_store.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"
#include "core/storage/batch.hpp"
#include "domain/accounts/user_store.hpp"

namespace vivrovert::partners {

namespace {

using storage::SqlValue;

constexpr size_t kMaxNameBytes = 200;
constexpr int64_t kLastUsedResolutionSeconds = 60;

Status CheckInput(storage::Connection& connection, const PartnerInput& input,
                  std::optional<int64_t> self) {
  const std::string name = Trim(input.name);
  if (name.empty()) return InvalidArgument("Le nom est obligatoire.", "name");
  if (name.size() > kMaxNameBytes || !IsValidUtf8(name))
    return InvalidArgument("Nom trop long ou illisible.", "name");
  const std::string& slug = input.slug;
  if (slug.empty() || slug.size() > 80 || !std::all_of(slug.begin(), slug.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      })) {
    return InvalidArgument(
        "L'identifiant court ne contient que des minuscules, chiffres et tirets.", "slug");
  }
  auto taken = connection.QueryOne("SELECT id FROM partners WHERE slug = $1", {slug});
  if (taken && (!self || taken->Int(0) != *self)) {
    return AlreadyExists("Un partenaire utilise déjà l'identifiant « " + slug + " ».", "slug");
  }
  if (input.kind != PartnerKind::kGrouping && !input.member_ids.empty()) {
    return InvalidArgument("Seul un groupement a des membres.", "members");
  }
  for (int64_t member : input.member_ids) {
    if (self && member == *self)
      return InvalidArgument("Un groupement ne peut être son propre membre.", "members");
    auto row = connection.QueryOne("SELECT kind FROM partners WHERE id = $1", {member});
    if (!row)
      return NotFound("Partenaire membre inconnu (" + std::to_string(member) + ").", "members");
    if (row->Text(0) == "grouping")
      return InvalidArgument("Un groupement ne peut contenir un groupement.", "members");
  }
  if (self && input.kind == PartnerKind::kGrouping &&
      connection.QueryOne("SELECT 1 FROM partner_members WHERE member_id = $1 AND left_on IS NULL",
                          {*self})) {
    return InvalidArgument(
        "Ce partenaire est membre d'un groupement : il ne peut pas devenir un groupement.", "kind");
  }
  if (input.kind != PartnerKind::kGrouping && input.territory.empty()) {
    return InvalidArgument(
        "Le territoire est vide : indiquez au moins un code de commune, d'EPCI ou de département.",
        "territory");
  }
  if (input.kind == PartnerKind::kGrouping && input.territory.empty() && input.member_ids.empty()) {
    return InvalidArgument("Un groupement a des membres ou un territoire propre.", "members");
  }
  return Status::Ok();
}

// `now` dates the members the input adds (they join that Paris day); a current member left
// out of the input is taken off (a correction: members that left keep their dated row).
void WriteTerritory(storage::Connection& connection, int64_t id, const PartnerInput& input,
                    int64_t now) {
  connection.Execute("DELETE FROM partner_territory WHERE partner_id = $1", {id});
  const std::pair<const char*, const std::vector<std::string>*> parts[] = {
      {"commune", &input.territory.communes},
      {"epci", &input.territory.epcis},
      {"departement", &input.territory.departements}};
  for (const auto& [kind, codes] : parts) {
    for (const std::string& code : *codes) {
      connection.Execute(
          "INSERT INTO partner_territory (partner_id, code_kind, code) VALUES ($1, $2, $3) ON "
          "CONFLICT DO NOTHING",
          {id, std::string(kind), code});
    }
  }
  std::vector<SqlValue> kept = {id};
  for (int64_t member : input.member_ids) kept.emplace_back(member);
  connection.Execute(
      "DELETE FROM partner_members WHERE grouping_id = $1 AND left_on IS NULL" +
          (input.member_ids.empty()
               ? std::string()
               : " AND member_id NOT IN " + storage::InList(input.member_ids.size(), 2)),
      kept);
  const std::string today = ParisDate(now);
  for (int64_t member : input.member_ids) {
    // A member that had left and is ticked again joins again today.
    connection.Execute(
        "INSERT INTO partner_members (grouping_id, member_id, joined_on) VALUES ($1, $2, $3) ON "
        "CONFLICT (grouping_id, member_id) DO UPDATE SET joined_on = $3, left_on = NULL WHERE "
        "partner_members.left_on IS NOT NULL",
        {id, member, today});
  }
}

constexpr const char* kPartnerColumns =
    "id, kind, name, slug, is_demo, created_at, updated_at, lead_report_frequency, "
    "grouping_administrator";

Partner FromRow(storage::Connection& connection, const storage::Row& row) {
  Partner partner;
  partner.id = row.Int(0);
  partner.kind = ParsePartnerKind(row.Text(1)).value_or(PartnerKind::kCommune);
  partner.name = row.Text(2);
  partner.slug = row.Text(3);
  partner.is_demo = row.Int(4) != 0;
  partner.created_at = row.Int(5);
  partner.updated_at = row.Int(6);
  partner.lead_report_frequency =
      ParseReportFrequency(row.Text(7)).value_or(ReportFrequency::kMonthly);
  if (std::optional<std::string> administrator = row.OptionalText(8))
    partner.administrator = ParseGroupingAdministrator(*administrator);
  for (const storage::Row& code : connection.Query("SELECT code_kind, code FROM partner_territory "
                                                   "WHERE partner_id = $1 ORDER BY code_kind, code",
                                                   {partner.id})) {
    const std::string kind = code.Text(0);
    (kind == "commune" ? partner.territory.communes
     : kind == "epci"  ? partner.territory.epcis
                       : partner.territory.departements)
        .push_back(code.Text(1));
  }
  for (const storage::Row& member : connection.Query(
           "SELECT member_id FROM partner_members WHERE grouping_id = $1 AND left_on IS NULL "
           "ORDER BY member_id",
           {partner.id})) {
    partner.member_ids.push_back(member.Int(0));
  }
  return partner;
}

ApiKey KeyFromRow(const storage::Row& row) {
  ApiKey key;
  key.id = row.Int(0);
  key.partner_id = row.Int(1);
  key.prefix = row.Text(2);
  key.scope = row.Text(3);
  key.label = row.Text(4);
  key.created_at = row.Int(5);
  key.last_used_at = row.OptionalInt(6);
  key.revoked_at = row.OptionalInt(7);
  return key;
}

constexpr const char* kKeyColumns =
    "id, partner_id, prefix, scope, label, created_at, last_used_at, revoked_at";

}  // namespace

const char* PartnerKindName(PartnerKind kind) {
  switch (kind) {
    case PartnerKind::kCommune:
      return "commune";
    case PartnerKind::kEpci:
      return "epci";
    case PartnerKind::kDepartement:
      return "departement";
    case PartnerKind::kGrouping:
      return "grouping";
  }
  return "commune";
}

const char* PartnerKindLabel(PartnerKind kind) {
  switch (kind) {
    case PartnerKind::kCommune:
      return "Commune";
    case PartnerKind::kEpci:
      return "Intercommunalité (EPCI)";
    case PartnerKind::kDepartement:
      return "Département";
    case PartnerKind::kGrouping:
      return "Groupement de collectivités";
  }
  return "";
}

std::optional<PartnerKind> ParsePartnerKind(std::string_view text) {
  for (PartnerKind kind : {PartnerKind::kCommune, PartnerKind::kEpci, PartnerKind::kDepartement,
                           PartnerKind::kGrouping}) {
    if (text == PartnerKindName(kind)) return kind;
  }
  return std::nullopt;
}

const char* GroupingAdministratorName(GroupingAdministrator administrator) {
  switch (administrator) {
    case GroupingAdministrator::kDepartement:
      return "departement";
    case GroupingAdministrator::kEpci:
      return "epci";
    case GroupingAdministrator::kAssociation:
      return "association";
  }
  return "association";
}

const char* GroupingAdministratorLabel(GroupingAdministrator administrator) {
  switch (administrator) {
    case GroupingAdministrator::kDepartement:
      return "Un département";
    case GroupingAdministrator::kEpci:
      return "Un EPCI";
    case GroupingAdministrator::kAssociation:
      return "Une association";
  }
  return "";
}

std::optional<GroupingAdministrator> ParseGroupingAdministrator(std::string_view text) {
  for (GroupingAdministrator administrator : kGroupingAdministrators) {
    if (text == GroupingAdministratorName(administrator)) return administrator;
  }
  return std::nullopt;
}

const char* StaffRoleName(StaffRole role) {
  switch (role) {
    case StaffRole::kAdmin:
      return "admin";
    case StaffRole::kEditor:
      return "editor";
    case StaffRole::kViewer:
      return "viewer";
  }
  return "viewer";
}

const char* StaffRoleLabel(StaffRole role) {
  switch (role) {
    case StaffRole::kAdmin:
      return "Administrateur";
    case StaffRole::kEditor:
      return "Rédacteur";
    case StaffRole::kViewer:
      return "Lecteur";
  }
  return "";
}

std::optional<StaffRole> ParseStaffRole(std::string_view text) {
  for (StaffRole role : {StaffRole::kAdmin, StaffRole::kEditor, StaffRole::kViewer}) {
    if (text == StaffRoleName(role)) return role;
  }
  return std::nullopt;
}

const char* ReportFrequencyName(ReportFrequency frequency) {
  switch (frequency) {
    case ReportFrequency::kDaily:
      return "daily";
    case ReportFrequency::kWeekly:
      return "weekly";
    case ReportFrequency::kMonthly:
      return "monthly";
    case ReportFrequency::kNone:
      return "none";
  }
  return "monthly";
}

const char* ReportFrequencyLabel(ReportFrequency frequency) {
  switch (frequency) {
    case ReportFrequency::kDaily:
      return "Chaque jour";
    case ReportFrequency::kWeekly:
      return "Chaque semaine (le lundi)";
    case ReportFrequency::kMonthly:
      return "Chaque mois (le 1er)";
    case ReportFrequency::kNone:
      return "Jamais";
  }
  return "";
}

std::optional<ReportFrequency> ParseReportFrequency(std::string_view text) {
  for (ReportFrequency frequency : kReportFrequencies) {
    if (text == ReportFrequencyName(frequency)) return frequency;
  }
  return std::nullopt;
}

std::string Slugify(std::string_view name) {
  // Folds the accented letters of French names to ASCII.
  static const std::map<std::string, char> kFolds = {
      {"à", 'a'}, {"â", 'a'}, {"ä", 'a'}, {"ç", 'c'}, {"é", 'e'}, {"è", 'e'}, {"ê", 'e'},
      {"ë", 'e'}, {"î", 'i'}, {"ï", 'i'}, {"ô", 'o'}, {"ö", 'o'}, {"ù", 'u'}, {"û", 'u'},
      {"ü", 'u'}, {"ÿ", 'y'}, {"À", 'a'}, {"Â", 'a'}, {"Ç", 'c'}, {"É", 'e'}, {"È", 'e'},
      {"Ê", 'e'}, {"Î", 'i'}, {"Ô", 'o'}, {"Û", 'u'}, {"œ", 'o'}, {"Œ", 'o'}};
  std::string slug;
  for (size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    char folded = 0;
    size_t length = 1;
    if (c >= 0x80) {
      length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      auto found = kFolds.find(std::string(name.substr(i, length)));
      if (found != kFolds.end()) folded = found->second;
    } else if (std::isalnum(c)) {
      folded = static_cast<char>(std::tolower(c));
    }
    if (folded != 0) {
      slug += folded;
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
    i += length;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.size() > 80) slug.resize(80);
  return slug;
}

Result<Partner> PartnerStore::Create(storage::Connection& connection, const PartnerInput& raw,
                                     int64_t now) {
  PartnerInput input = raw;
  input.name = Trim(input.name);
  if (input.slug.empty()) input.slug = Slugify(input.name);
  VV_RETURN_IF_ERROR(CheckInput(connection, input, std::nullopt));
  auto row = connection.QueryOne(
      "INSERT INTO partners (kind, name, slug, is_demo, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id",
      {std::string(PartnerKindName(input.kind)), input.name, input.slug,
       static_cast<int64_t>(input.is_demo ? 1 : 0), now, now});
  if (!row)
    return AlreadyExists("Un partenaire utilise déjà l'identifiant « " + input.slug + " ».",
                         "slug");
  WriteTerritory(connection, row->Int(0), input, now);
  return *Get(connection, row->Int(0));
}

Status PartnerStore::Update(storage::Connection& connection, int64_t id, const PartnerInput& raw,
                            int64_t now) {
  PartnerInput input = raw;
  input.name = Trim(input.name);
  if (input.slug.empty()) input.slug = Slugify(input.name);
  VV_RETURN_IF_ERROR(CheckInput(connection, input, id));
  const int64_t changed = connection.Execute(
      "UPDATE partners SET kind = $1, name = $2, slug = $3, updated_at = $4 WHERE id = $5",
      {std::string(PartnerKindName(input.kind)), input.name, input.slug, now, id});
  if (changed == 0) return NotFound("Partenaire inconnu.");
  WriteTerritory(connection, id, input, now);
  return Status::Ok();
}

Status PartnerStore::SetLeadReportFrequency(storage::Connection& connection, int64_t id,
                                            ReportFrequency frequency) {
  const int64_t changed =
      connection.Execute("UPDATE partners SET lead_report_frequency = $1 WHERE id = $2",
                         {std::string(ReportFrequencyName(frequency)), id});
  if (changed == 0) return NotFound("Partenaire inconnu.");
  return Status::Ok();
}

std::optional<Partner> PartnerStore::Get(storage::Connection& connection, int64_t id) {
  auto row = connection.QueryOne(
      std::string("SELECT ") + kPartnerColumns + " FROM partners WHERE id = $1", {id});
  if (!row) return std::nullopt;
  return FromRow(connection, *row);
}

std::optional<Partner> PartnerStore::FindBySlug(storage::Connection& connection,
                                                const std::string& slug) {
  auto row = connection.QueryOne(
      std::string("SELECT ") + kPartnerColumns + " FROM partners WHERE slug = $1", {slug});
  if (!row) return std::nullopt;
  return FromRow(connection, *row);
}

std::vector<Partner> PartnerStore::List(storage::Connection& connection) {
  std::vector<Partner> partners;
  for (const storage::Row& row : connection.Query(std::string("SELECT ") + kPartnerColumns +
                                                  " FROM partners ORDER BY name, id")) {
    partners.push_back(FromRow(connection, row));
  }
  return partners;
}

std::vector<int64_t> PartnerStore::GroupingsOf(storage::Connection& connection,
                                               int64_t partner_id) {
  std::vector<int64_t> ids;
  for (const storage::Row& row : connection.Query(
           "SELECT grouping_id FROM partner_members WHERE member_id = $1 AND left_on IS NULL "
           "ORDER BY grouping_id",
           {partner_id})) {
    ids.push_back(row.Int(0));
  }
  return ids;
}

std::vector<int64_t> PartnerStore::GroupingsOn(storage::Connection& connection, int64_t partner_id,
                                               const std::string& date) {
  std::vector<int64_t> ids;
  for (const storage::Row& row : connection.Query(
           "SELECT grouping_id FROM partner_members WHERE member_id = $1 AND (joined_on IS NULL "
           "OR joined_on <= $2) AND (left_on IS NULL OR left_on >= $2) ORDER BY grouping_id",
           {partner_id, date})) {
    ids.push_back(row.Int(0));
  }
  return ids;
}

std::vector<Membership> PartnerStore::Memberships(storage::Connection& connection,
                                                  int64_t grouping_id) {
  std::vector<Membership> memberships;
  for (const storage::Row& row : connection.Query(
           "SELECT member_id, joined_on, left_on FROM partner_members WHERE grouping_id = $1 "
           "ORDER BY member_id",
           {grouping_id})) {
    memberships.push_back(
        Membership{grouping_id, row.Int(0), row.OptionalText(1), row.OptionalText(2)});
  }
  return memberships;
}

std::vector<int64_t> PartnerStore::MembersOn(storage::Connection& connection, int64_t grouping_id,
                                             const std::string& date) {
  std::vector<int64_t> ids;
  for (const Membership& membership : Memberships(connection, grouping_id)) {
    if (membership.ActiveOn(date)) ids.push_back(membership.member_id);
  }
  return ids;
}

Status PartnerStore::AttachMember(storage::Connection& connection, int64_t grouping_id,
                                  int64_t member_id, const std::string& joined_on, int64_t now) {
  std::optional<std::string> day = ParseTypedDay(joined_on);
  if (!day) {
    return InvalidArgument("Date d'entrée illisible (« " + joined_on + " ») : écrivez JJ/MM/AAAA.",
                           "joined_on");
  }
  auto grouping = connection.QueryOne("SELECT kind FROM partners WHERE id = $1", {grouping_id});
  if (!grouping) return NotFound("Groupement inconnu.");
  if (grouping->Text(0) != "grouping")
    return InvalidArgument("Seul un groupement a des membres.", "members");
  if (member_id == grouping_id)
    return InvalidArgument("Un groupement ne peut être son propre membre.", "members");
  auto member = connection.QueryOne("SELECT kind FROM partners WHERE id = $1", {member_id});
  if (!member) return NotFound("Partenaire membre inconnu.", "members");
  if (member->Text(0) == "grouping")
    return InvalidArgument("Un groupement ne peut contenir un groupement.", "members");
  connection.Execute(
      "INSERT INTO partner_members (grouping_id, member_id, joined_on) VALUES ($1, $2, $3) ON "
      "CONFLICT (grouping_id, member_id) DO UPDATE SET joined_on = $3, left_on = NULL",
      {grouping_id, member_id, *day});
  connection.Execute("UPDATE partners SET updated_at = $1 WHERE id = $2", {now, grouping_id});
  return Status::Ok();
}

Status PartnerStore::SetMemberLeft(storage::Connection& connection, int64_t grouping_id,
                                   int64_t member_id, const std::string& left_on, int64_t now) {
  std::optional<std::string> day = ParseTypedDay(left_on);
  if (!day) {
    return InvalidArgument("Date de sortie illisible (« " + left_on + " ») : écrivez JJ/MM/AAAA.",
                           "left_on");
  }
  auto row = connection.QueryOne(
      "SELECT joined_on FROM partner_members WHERE grouping_id = $1 AND member_id = $2",
      {grouping_id, member_id});
  if (!row) return NotFound("Ce partenaire n'est pas membre du groupement.", "members");
  if (std::optional<std::string> joined = row->OptionalText(0); joined && *day < *joined) {
    return InvalidArgument("La date de sortie précède l'entrée (" + FrenchDay(*joined) + ").",
                           "left_on");
  }
  connection.Execute(
      "UPDATE partner_members SET left_on = $1 WHERE grouping_id = $2 AND member_id = $3",
      {*day, grouping_id, member_id});
  connection.Execute("UPDATE partners SET updated_at = $1 WHERE id = $2", {now, grouping_id});
  return Status::Ok();
}

Status PartnerStore::SetGroupingAdministrator(storage::Connection& connection, int64_t grouping_id,
                                              GroupingAdministrator administrator, int64_t now) {
  const int64_t changed = connection.Execute(
      "UPDATE partners SET grouping_administrator = $1, updated_at = $2 WHERE id = $3 AND kind = "
      "'grouping'",
      {std::string(GroupingAdministratorName(administrator)), now, grouping_id});
  if (changed == 0) return NotFound("Groupement inconnu.");
  return Status::Ok();
}

std::optional<StaffRole> PartnerStore::RoleOf(storage::Connection& connection, int64_t partner_id,
                                              int64_t user_id) {
  auto row =
      connection.QueryOne("SELECT role FROM partner_staff WHERE partner_id = $1 AND user_id = $2",
                          {partner_id, user_id});
  if (!row) return std::nullopt;
  return ParseStaffRole(row->Text(0));
}

std::vector<Partner> PartnerStore::PartnersOfUser(storage::Connection& connection,
                                                  int64_t user_id) {
  std::vector<Partner> partners;
  for (const storage::Row& row : connection.Query(
           "SELECT p.id, p.kind, p.name, p.slug, p.is_demo, p.created_at, p.updated_at, "
           "p.lead_report_frequency, p.grouping_administrator FROM partners p "
           "JOIN partner_staff s ON s.partner_id = p.id WHERE s.user_id = $1 ORDER BY p.name, p.id",
           {user_id})) {
    partners.push_back(FromRow(connection, row));
  }
  return partners;
}

std::map<int64_t, std::string> PartnerStore::Names(storage::Connection& connection,
                                                   const std::vector<int64_t>& ids) {
  std::map<int64_t, std::string> names;
  for (const storage::Row& row :
       storage::QueryIdsIn(connection, "SELECT id, name FROM partners WHERE id IN ", ids)) {
    names[row.Int(0)] = row.Text(1);
  }
  return names;
}

std::vector<std::pair<int64_t, ReportFrequency>> PartnerStore::ReportFrequencies(
    storage::Connection& connection) {
  std::vector<std::pair<int64_t, ReportFrequency>> frequencies;
  for (const storage::Row& row : connection.Query(
           "SELECT id, lead_report_frequency FROM partners WHERE lead_report_frequency <> 'none' "
           "ORDER BY id")) {
    std::optional<ReportFrequency> frequency = ParseReportFrequency(row.Text(1));
    if (frequency && *frequency != ReportFrequency::kNone)
      frequencies.emplace_back(row.Int(0), *frequency);
  }
  return frequencies;
}

std::string PartnerStore::TerritoriesFingerprint(storage::Connection& connection) {
  auto row = connection.QueryOne(
      "SELECT (SELECT COUNT(*) FROM partners), (SELECT COALESCE(MAX(updated_at), 0) FROM "
      "partners), "
      "(SELECT COUNT(*) FROM partner_territory), (SELECT COUNT(*) FROM partner_members WHERE "
      "left_on IS NULL)");
  return std::to_string(row->Int(0)) + "/" + std::to_string(row->Int(1)) + "/" +
         std::to_string(row->Int(2)) + "/" + std::to_string(row->Int(3));
}

std::vector<StaffMember> PartnerStore::Staff(storage::Connection& connection, int64_t partner_id) {
  std::vector<storage::Row> rows = connection.Query(
      "SELECT user_id, role, created_at FROM partner_staff WHERE partner_id = $1", {partner_id});
  std::vector<int64_t> ids;
  for (const storage::Row& row : rows) ids.push_back(row.Int(0));
  // Names and addresses from their owner (accounts), a batch read.
  const std::map<int64_t, accounts::UserContact> contacts =
      accounts::UserStore::Contacts(connection, ids);
  std::vector<StaffMember> staff;
  for (const storage::Row& row : rows) {
    auto contact = contacts.find(row.Int(0));
    if (contact == contacts.end()) continue;  // the account is being deleted
    staff.push_back({row.Int(0), contact->second.email, contact->second.display_name,
                     ParseStaffRole(row.Text(1)).value_or(StaffRole::kViewer), row.Int(2)});
  }
  std::sort(staff.begin(), staff.end(),
            [](const StaffMember& a, const StaffMember& b) { return a.email < b.email; });
  return staff;
}

namespace {

// Refuses to take the administrator role away from `user_id` when they are the partner's
// only administrator. The administrators' rows are locked first (PostgreSQL) so that two
// transactions removing two different administrators see each other's change.
Status KeepAnAdministrator(storage::Connection& connection, int64_t partner_id, int64_t user_id) {
  std::vector<storage::Row> admins = storage::QueryForUpdate(
      connection, "SELECT user_id FROM partner_staff WHERE partner_id = $1 AND role = 'admin'",
      {partner_id});
  const bool is_admin =
      std::any_of(admins.begin(), admins.end(),
                  [user_id](const storage::Row& row) { return row.Int(0) == user_id; });
  if (is_admin && admins.size() == 1) {
    return FailedPrecondition(
        "C'est le dernier administrateur de ce partenaire : il ne peut être ni retiré ni changé de "
        "rôle. "
        "Nommez d'abord un autre administrateur.");
  }
  return Status::Ok();
}

}  // namespace

Status PartnerStore::SetStaff(storage::Connection& connection, int64_t partner_id, int64_t user_id,
                              StaffRole role, int64_t now) {
  if (role != StaffRole::kAdmin)
    VV_RETURN_IF_ERROR(KeepAnAdministrator(connection, partner_id, user_id));
  connection.Execute(
      "INSERT INTO partner_staff (partner_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (partner_id, user_id) DO UPDATE SET role = excluded.role",
      {partner_id, user_id, std::string(StaffRoleName(role)), now});
  return Status::Ok();
}

Status PartnerStore::RemoveStaff(storage::Connection& connection, int64_t partner_id,
                                 int64_t user_id) {
  VV_RETURN_IF_ERROR(KeepAnAdministrator(connection, partner_id, user_id));
  if (connection.Execute("DELETE FROM partner_staff WHERE partner_id = $1 AND user_id = $2",
                         {partner_id, user_id}) == 0) {
    return NotFound("Membre introuvable.");
  }
  return Status::Ok();
}

PartnerStore::NewKey PartnerStore::CreateApiKey(storage::Connection& connection, Random& random,
                                                int64_t partner_id, const std::string& scope,
                                                const std::string& label,
                                                std::optional<int64_t> created_by, int64_t now) {
  NewKey created;
  created.secret = "vvk_" + random.Token(32);
  created.key.partner_id = partner_id;
  created.key.prefix = created.secret.substr(0, 12);
  created.key.scope = scope;
  created.key.label = label;
  created.key.created_at = now;
  auto row = connection.QueryOne(
      "INSERT INTO api_keys (partner_id, prefix, key_hash, scope, label, created_by, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      {partner_id, created.key.prefix, Sha256Hex(created.secret), scope, label,
       created_by ? SqlValue(*created_by) : SqlValue(nullptr), now});
  created.key.id = row->Int(0);
  return created;
}

std::vector<ApiKey> PartnerStore::ApiKeys(storage::Connection& connection, int64_t partner_id) {
  std::vector<ApiKey> keys;
  for (const storage::Row& row :
       connection.Query(std::string("SELECT ") + kKeyColumns +
                            " FROM api_keys WHERE partner_id = $1 ORDER BY id",
                        {partner_id})) {
    keys.push_back(KeyFromRow(row));
  }
  return keys;
}

std::optional<ApiKey> PartnerStore::AuthenticateApiKey(storage::Connection& connection,
                                                       std::string_view secret, int64_t now) {
  if (secret.size() != 47 || secret.substr(0, 4) != "vvk_") return std::nullopt;
  auto row = connection.QueryOne(std::string("SELECT ") + kKeyColumns +
                                     " FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
                                 {Sha256Hex(secret)});
  if (!row) return std::nullopt;
  ApiKey key = KeyFromRow(*row);
  if (!key.last_used_at || now - *key.last_used_at >= kLastUsedResolutionSeconds) {
    connection.Execute("UPDATE api_keys SET last_used_at = $1 WHERE id = $2", {now, key.id});
    key.last_used_at = now;
  }
  return key;
}

bool PartnerStore::RevokeApiKey(storage::Connection& connection, int64_t partner_id, int64_t key_id,
                                int64_t now) {
  return connection.Execute(
             "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND partner_id = $3 AND revoked_at "
             "IS NULL",
             {now, key_id, partner_id}) > 0;
}

}  // namespace vivrovert::partners
