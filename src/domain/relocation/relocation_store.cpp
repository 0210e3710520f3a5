#include "domain/relocation/relocation_store.hpp"

#include <algorithm>
#include <cctype>

#include "core/common/text.hpp"
#include "core/storage/batch.hpp"
#include "domain/accounts/token_hash.hpp"
#include "domain/accounts/user_store.hpp"
#include "domain/listings/placement.hpp"

namespace vivrovert::relocation {

namespace {

constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxAddressBytes = 300;

bool SumIsLuhnValid(const std::string& digits) {
  int sum = 0;
  // From the right, every second digit is doubled (9 subtracted when above 9).
  for (size_t index = 0; index < digits.size(); ++index) {
    int digit = digits[digits.size() - 1 - index] - '0';
    if (index % 2 == 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 == 0;
}

Result<std::string> CheckName(std::string_view text, const char* field, const char* what) {
  std::string name = Trim(text);
  if (name.empty()) return InvalidArgument(std::string("Indiquez ") + what + ".", field);
  if (name.size() > kMaxNameBytes)
    return InvalidArgument(
        std::string("Le nom est trop long (") + std::to_string(kMaxNameBytes) + " octets au plus).",
        field);
  return name;
}

constexpr const char* kProjectColumns =
    "id, employer_id, name, commune_code, address, latitude, longitude, share_with_partners, "
    "created_at";

Project ProjectFromRow(const storage::Row& row) {
  Project project;
  project.id = row.Int(0);
  project.employer_id = row.Int(1);
  project.name = row.Text(2);
  project.commune_code = row.Text(3);
  project.address = row.Text(4);
  project.latitude = row.Double(5);
  project.longitude = row.Double(6);
  project.share_with_partners = row.Int(7) != 0;
  project.created_at = row.Int(8);
  return project;
}

constexpr const char* kMemberColumns =
    "id, project_id, email, user_id, answer, share_answers, invited_at, joined_at, answered_at";

Member MemberFromRow(const storage::Row& row, size_t first = 0) {
  Member member;
  member.id = row.Int(first + 0);
  member.project_id = row.Int(first + 1);
  member.email = row.Text(first + 2);
  member.user_id = row.OptionalInt(first + 3);
  member.answer = row.OptionalText(first + 4);
  member.share_answers = row.Int(first + 5) != 0;
  member.invited_at = row.Int(first + 6);
  member.joined_at = row.OptionalInt(first + 7);
  member.answered_at = row.OptionalInt(first + 8);
  return member;
}

Employer EmployerFromRow(const storage::Row& row) {
  return Employer{row.Int(0), row.Text(1), row.Text(2), row.Int(3)};
}

}  // namespace

Result<std::string> CheckSiret(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '.' || c == '-') continue;
    if (c < '0' || c > '9')
      return InvalidArgument("Le SIRET ne contient que des chiffres (14).", "siret");
    digits += c;
  }
  if (digits.size() != 14)
    return InvalidArgument(
        "Le SIRET compte 14 chiffres (ici " + std::to_string(digits.size()) + ").", "siret");
  bool valid = SumIsLuhnValid(digits);
  if (!valid && digits.compare(0, 9, "356000000") == 0) {
    int sum = 0;
    for (char c : digits) sum += c - '0';
    valid = sum % 5 == 0;
  }
  if (!valid)
    return InvalidArgument("Ce SIRET n'est pas valide (sa clé de contrôle ne correspond pas).",
                           "siret");
  return digits;
}

const char* EmployerRoleName(EmployerRole role) {
  return role == EmployerRole::kAdmin ? "admin" : "viewer";
}

const char* EmployerRoleLabel(EmployerRole role) {
  return role == EmployerRole::kAdmin ? "administrateur" : "lecteur";
}

std::optional<EmployerRole> ParseEmployerRole(std::string_view text) {
  if (text == "admin") return EmployerRole::kAdmin;
  if (text == "viewer") return EmployerRole::kViewer;
  return std::nullopt;
}

// ---- Employers ----------------------------------------------------------------------

Result<Employer> EmployerStore::Create(storage::Connection& connection, std::string_view raw_name,
                                       std::string_view raw_siret, int64_t admin_user_id,
                                       int64_t now) {
  VV_ASSIGN_OR_RETURN(std::string name, CheckName(raw_name, "name", "le nom de l'entreprise"));
  VV_ASSIGN_OR_RETURN(std::string siret, CheckSiret(raw_siret));
  auto row = connection.QueryOne(
      "INSERT INTO employers (name, siret, created_at) VALUES ($1, $2, $3) "
      "ON CONFLICT DO NOTHING RETURNING id",
      {name, siret, now});
  if (!row)
    return AlreadyExists(
        "Une entreprise de ce SIRET est déjà inscrite : demandez à son "
        "administrateur de vous ajouter.",
        "siret");
  const int64_t id = row->Int(0);
  connection.Execute(
      "INSERT INTO employer_staff (employer_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
      {id, admin_user_id, std::string("admin"), now});
  return Employer{id, name, siret, now};
}

std::optional<Employer> EmployerStore::Get(storage::Connection& connection, int64_t id) {
  auto row =
      connection.QueryOne("SELECT id, name, siret, created_at FROM employers WHERE id = $1", {id});
  if (!row) return std::nullopt;
  return EmployerFromRow(*row);
}

std::vector<Employer> EmployerStore::OfUser(storage::Connection& connection, int64_t user_id) {
  std::vector<Employer> employers;
  for (const storage::Row& row :
       connection.Query("SELECT e.id, e.name, e.siret, e.created_at FROM employers e "
                        "JOIN employer_staff s ON s.employer_id = e.id WHERE s.user_id = $1 "
                        "ORDER BY e.name, e.id",
                        {user_id})) {
    employers.push_back(EmployerFromRow(row));
  }
  return employers;
}

std::optional<EmployerRole> EmployerStore::RoleOf(storage::Connection& connection,
                                                  int64_t employer_id, int64_t user_id) {
  auto row =
      connection.QueryOne("SELECT role FROM employer_staff WHERE employer_id = $1 AND user_id = $2",
                          {employer_id, user_id});
  if (!row) return std::nullopt;
  return ParseEmployerRole(row->Text(0));
}

Status EmployerStore::SetStaff(storage::Connection& connection, int64_t employer_id,
                               int64_t user_id, EmployerRole role, int64_t now) {
  if (role != EmployerRole::kAdmin) {
    std::vector<storage::Row> admins = storage::QueryForUpdate(
        connection, "SELECT user_id FROM employer_staff WHERE employer_id = $1 AND role = 'admin'",
        {employer_id});
    const bool is_admin =
        std::any_of(admins.begin(), admins.end(),
                    [user_id](const storage::Row& row) { return row.Int(0) == user_id; });
    if (is_admin && admins.size() == 1)
      return FailedPrecondition(
          "C'est le dernier administrateur de cette entreprise : nommez d'abord un autre "
          "administrateur.");
  }
  connection.Execute(
      "INSERT INTO employer_staff (employer_id, user_id, role, created_at) "
      "VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (employer_id, user_id) DO UPDATE SET role = excluded.role",
      {employer_id, user_id, std::string(EmployerRoleName(role)), now});
  return Status::Ok();
}

std::vector<EmployerStaffMember> EmployerStore::Staff(storage::Connection& connection,
                                                      int64_t employer_id) {
  std::vector<EmployerStaffMember> staff;
  for (const storage::Row& row :
       connection.Query("SELECT user_id, role, created_at FROM employer_staff "
                        "WHERE employer_id = $1 ORDER BY created_at, user_id",
                        {employer_id})) {
    staff.push_back(
        {row.Int(0), ParseEmployerRole(row.Text(1)).value_or(EmployerRole::kViewer), row.Int(2)});
  }
  return staff;
}

// ---- Projects -----------------------------------------------------------------------

Result<Project> ProjectStore::Create(storage::Connection& connection, const engine::GridFile& grid,
                                     int64_t employer_id, const ProjectInput& input,
                                     int64_t created_by, int64_t now) {
  VV_ASSIGN_OR_RETURN(std::string name, CheckName(input.name, "name", "le nom du projet"));
  const std::string address = Trim(input.address);
  if (address.size() > kMaxAddressBytes)
    return InvalidArgument(
        "L'adresse est trop longue (" + std::to_string(kMaxAddressBytes) + " octets au plus).",
        "address");
  const std::string commune = Trim(input.commune_code);
  if (commune.empty())
    return InvalidArgument("Indiquez le code INSEE de la commune du nouveau site.", "commune");
  listings::LocationInput location;
  location.commune_code = commune;
  location.address = address;
  Result<listings::Placement> placed = listings::Place(grid, location);
  if (!placed.ok()) return InvalidArgument(placed.status().message(), "commune");
  auto row = connection.QueryOne(
      "INSERT INTO relocation_projects (employer_id, name, commune_code, address, latitude, "
      "longitude, share_with_partners, created_by, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
      {employer_id, name, placed->commune_code, address, placed->latitude, placed->longitude,
       int64_t{input.share_with_partners ? 1 : 0}, created_by, now, now});
  return *Get(connection, row->Int(0));
}

std::optional<Project> ProjectStore::Get(storage::Connection& connection, int64_t id) {
  auto row = connection.QueryOne(
      std::string("SELECT ") + kProjectColumns + " FROM relocation_projects WHERE id = $1", {id});
  if (!row) return std::nullopt;
  return ProjectFromRow(*row);
}

std::vector<Project> ProjectStore::OfEmployer(storage::Connection& connection,
                                              int64_t employer_id) {
  std::vector<Project> projects;
  for (const storage::Row& row :
       connection.Query(std::string("SELECT ") + kProjectColumns +
                            " FROM relocation_projects WHERE employer_id = $1 ORDER BY id DESC",
                        {employer_id})) {
    projects.push_back(ProjectFromRow(row));
  }
  return projects;
}

std::vector<Project> ProjectStore::SharedWithPartners(storage::Connection& connection) {
  std::vector<Project> projects;
  for (const storage::Row& row : connection.Query(
           std::string("SELECT ") + kProjectColumns +
           " FROM relocation_projects WHERE share_with_partners = 1 ORDER BY id DESC")) {
    projects.push_back(ProjectFromRow(row));
  }
  return projects;
}

Status ProjectStore::SetShareWithPartners(storage::Connection& connection, int64_t project_id,
                                          bool share, int64_t now) {
  if (connection.Execute(
          "UPDATE relocation_projects SET share_with_partners = $1, updated_at = $2 WHERE id = $3",
          {int64_t{share ? 1 : 0}, now, project_id}) == 0)
    return NotFound("Projet introuvable.");
  return Status::Ok();
}

Result<Invitation> ProjectStore::Invite(storage::Connection& connection, Random& random,
                                        int64_t project_id, std::string_view raw_email,
                                        int64_t now) {
  VV_ASSIGN_OR_RETURN(std::string email, accounts::NormalizeEmail(raw_email));
  auto count = connection.QueryOne("SELECT COUNT(*) FROM relocation_members WHERE project_id = $1",
                                   {project_id});
  if (count && count->Int(0) >= static_cast<int64_t>(kMaxProjectMembers))
    return ResourceExhausted("Un projet réunit au plus " + std::to_string(kMaxProjectMembers) +
                             " membres.");
  Invitation invitation;
  invitation.token = random.Token();
  auto row = connection.QueryOne(
      "INSERT INTO relocation_members (project_id, email, token_hash, invited_at) "
      "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id",
      {project_id, email, accounts::HashToken(invitation.token), now});
  if (!row) return AlreadyExists("« " + email + " » est déjà invité à ce projet.", "email");
  invitation.member.id = row->Int(0);
  invitation.member.project_id = project_id;
  invitation.member.email = email;
  invitation.member.invited_at = now;
  return invitation;
}

std::vector<Member> ProjectStore::Members(storage::Connection& connection, int64_t project_id) {
  std::vector<Member> members;
  for (const storage::Row& row :
       connection.Query(std::string("SELECT ") + kMemberColumns +
                            " FROM relocation_members WHERE project_id = $1 ORDER BY id",
                        {project_id})) {
    members.push_back(MemberFromRow(row));
  }
  return members;
}

std::optional<Member> ProjectStore::MemberByToken(storage::Connection& connection,
                                                  std::string_view token) {
  if (!accounts::LooksLikeToken(token)) return std::nullopt;
  auto row = connection.QueryOne(
      std::string("SELECT ") + kMemberColumns + " FROM relocation_members WHERE token_hash = $1",
      {accounts::HashToken(token)});
  if (!row) return std::nullopt;
  return MemberFromRow(*row);
}

Result<Member> ProjectStore::Join(storage::Connection& connection, std::string_view token,
                                  int64_t user_id, int64_t now) {
  std::optional<Member> member = MemberByToken(connection, token);
  if (!member) return NotFound("Ce lien d'invitation n'est pas (ou plus) valable.");
  if (member->user_id) {
    if (*member->user_id == user_id) return *member;
    return FailedPrecondition("Cette invitation a déjà été acceptée depuis un autre compte.");
  }
  if (MemberOf(connection, member->project_id, user_id))
    return FailedPrecondition("Votre compte fait déjà partie de ce projet.");
  if (connection.Execute("UPDATE relocation_members SET user_id = $1, joined_at = $2 "
                         "WHERE id = $3 AND user_id IS NULL",
                         {user_id, now, member->id}) == 0)
    return FailedPrecondition("Cette invitation a déjà été acceptée depuis un autre compte.");
  member->user_id = user_id;
  member->joined_at = now;
  return *member;
}

std::optional<Member> ProjectStore::MemberOf(storage::Connection& connection, int64_t project_id,
                                             int64_t user_id) {
  auto row = connection.QueryOne(std::string("SELECT ") + kMemberColumns +
                                     " FROM relocation_members WHERE project_id = $1 AND "
                                     "user_id = $2",
                                 {project_id, user_id});
  if (!row) return std::nullopt;
  return MemberFromRow(*row);
}

std::vector<std::pair<Project, Member>> ProjectStore::ProjectsOfMember(
    storage::Connection& connection, int64_t user_id) {
  std::vector<std::pair<Project, Member>> projects;
  for (const storage::Row& row :
       connection.Query("SELECT p.id, p.employer_id, p.name, p.commune_code, p.address, "
                        "p.latitude, p.longitude, p.share_with_partners, p.created_at, "
                        "m.id, m.project_id, m.email, m.user_id, m.answer, m.share_answers, "
                        "m.invited_at, m.joined_at, m.answered_at "
                        "FROM relocation_members m JOIN relocation_projects p "
                        "ON p.id = m.project_id WHERE m.user_id = $1 ORDER BY p.id DESC",
                        {user_id})) {
    projects.emplace_back(ProjectFromRow(row), MemberFromRow(row, 9));
  }
  return projects;
}

Status ProjectStore::Answer(storage::Connection& connection, int64_t member_id, int64_t user_id,
                            const std::string& answer, bool share_answers, int64_t now) {
  if (connection.Execute("UPDATE relocation_members SET answer = $1, share_answers = $2, "
                         "answered_at = $3 WHERE id = $4 AND user_id = $5",
                         {answer, int64_t{share_answers ? 1 : 0}, now, member_id, user_id}) == 0)
    return NotFound("Vous n'êtes pas membre de ce projet.");
  return Status::Ok();
}

}  // namespace vivrovert::relocation
