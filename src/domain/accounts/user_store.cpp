#include "domain/accounts/user_store.hpp"

#include <algorithm>

#include "core/common/text.hpp"
#include "core/storage/batch.hpp"

namespace vivrovert::accounts {

namespace {

using storage::Connection;
using storage::Row;
using storage::SqlValue;

constexpr const char* kUserColumns =
    "id, email, password_hash, role, display_name, email_verified_at, created_at, updated_at";

bool IsControl(char c) {
  auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7F;
}

User FromRow(const Row& row) {
  User user;
  user.id = row.Int(0);
  user.email = row.Text(1);
  user.password_hash = row.Text(2);
  std::optional<Role> role = ParseRole(row.Text(3));
  if (!role) throw storage::StorageError("users.role holds an unknown role: " + row.Text(3));
  user.role = *role;
  user.display_name = row.Text(4);
  user.email_verified_at = row.OptionalInt(5);
  user.created_at = row.Int(6);
  user.updated_at = row.Int(7);
  return user;
}

Status EmailTaken() {
  return AlreadyExists("Un compte existe déjà avec cette adresse e-mail.", kFieldEmail);
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kUser:
      return "user";
    case Role::kPartnerStaff:
      return "partner_staff";
    case Role::kOperator:
      return "operator";
  }
  return "user";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : {Role::kUser, Role::kPartnerStaff, Role::kOperator}) {
    if (name == RoleName(role)) return role;
  }
  return std::nullopt;
}

Result<std::string> NormalizeEmail(std::string_view email, std::string field) {
  std::string_view trimmed = TrimView(email);
  if (trimmed.empty()) return InvalidArgument("Saisissez une adresse e-mail.", std::move(field));
  if (trimmed.size() > kMaxEmailBytes) {
    return InvalidArgument("Cette adresse e-mail est trop longue (254 caractères au plus).",
                           std::move(field));
  }
  std::string normalized;
  normalized.reserve(trimmed.size());
  for (char c : trimmed) {
    if (c == ' ' || IsControl(c)) {
      return InvalidArgument("Une adresse e-mail ne contient pas d'espace.", std::move(field));
    }
    normalized.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  const Status malformed = InvalidArgument(
      "Cette adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr).", field);
  size_t at = normalized.find('@');
  if (at == std::string::npos || at == 0 || normalized.find('@', at + 1) != std::string::npos) {
    return malformed;
  }
  std::string_view domain = std::string_view(normalized).substr(at + 1);
  size_t dot = domain.find('.');
  if (dot == std::string_view::npos || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return malformed;
  }
  return normalized;
}

Result<std::string> NormalizeDisplayName(std::string_view display_name) {
  std::string_view trimmed = TrimView(display_name);
  if (trimmed.empty()) {
    return InvalidArgument("Indiquez votre nom ou un pseudonyme.", kFieldDisplayName);
  }
  if (trimmed.size() > kMaxDisplayNameBytes) {
    return InvalidArgument("Ce nom est trop long (100 caractères au plus).", kFieldDisplayName);
  }
  for (char c : trimmed) {
    if (IsControl(c)) {
      return InvalidArgument("Ce nom contient des caractères non autorisés.", kFieldDisplayName);
    }
  }
  return std::string(trimmed);
}

Result<User> UserStore::Create(Connection& connection, const NewUser& user, int64_t now) {
  std::optional<Row> row = connection.QueryOne(
      "INSERT INTO users (email, password_hash, role, display_name, email_verified_at, "
      "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
      "ON CONFLICT (email) DO NOTHING RETURNING id",
      {user.email, user.password_hash, std::string(RoleName(user.role)), user.display_name,
       user.email_verified ? SqlValue(now) : SqlValue(nullptr), now, now});
  if (!row) return EmailTaken();
  User created;
  created.id = row->Int(0);
  created.email = user.email;
  created.password_hash = user.password_hash;
  created.role = user.role;
  created.display_name = user.display_name;
  if (user.email_verified) created.email_verified_at = now;
  created.created_at = now;
  created.updated_at = now;
  return created;
}

void UserStore::SetSignupHost(Connection& connection, int64_t user_id, const std::string& host) {
  connection.Execute("UPDATE users SET signup_host = $1 WHERE id = $2", {host, user_id});
}

std::optional<User> UserStore::FindById(Connection& connection, int64_t id) {
  std::optional<Row> row = connection.QueryOne(
      std::string("SELECT ") + kUserColumns + " FROM users WHERE id = $1", {id});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

std::optional<User> UserStore::FindByEmail(Connection& connection, std::string_view email) {
  std::optional<Row> row = connection.QueryOne(
      std::string("SELECT ") + kUserColumns + " FROM users WHERE email = $1", {std::string(email)});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

bool UserStore::MarkVerified(Connection& connection, int64_t id, int64_t now) {
  return connection.Execute(
             "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1), "
             "updated_at = $2 WHERE id = $3",
             {now, now, id}) > 0;
}

bool UserStore::SetPasswordHash(Connection& connection, int64_t id, std::string_view password_hash,
                                int64_t now) {
  return connection.Execute("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3",
                            {std::string(password_hash), now, id}) > 0;
}

Status UserStore::SetEmail(Connection& connection, int64_t id, std::string_view email,
                           int64_t now) {
  // Checked first because a unique violation would abort a PostgreSQL transaction. Two
  // accounts racing for one address between this check and the update can still meet
  // the constraint; the loser gets a StorageError, and the table stays consistent.
  if (connection.QueryOne("SELECT id FROM users WHERE email = $1 AND id <> $2",
                          {std::string(email), id})) {
    return EmailTaken();
  }
  int64_t changed = connection.Execute(
      "UPDATE users SET email = $1, email_verified_at = $2, updated_at = $3 WHERE id = $4",
      {std::string(email), now, now, id});
  if (changed == 0) return NotFound("Ce compte n'existe plus.");
  return Status::Ok();
}

bool UserStore::Delete(Connection& connection, int64_t id) {
  return connection.Execute("DELETE FROM users WHERE id = $1", {id}) > 0;
}

std::vector<User> UserStore::List(Connection& connection, int64_t after_id, int64_t limit) {
  std::vector<User> users;
  for (const Row& row : connection.Query(
           std::string("SELECT ") + kUserColumns + " FROM users WHERE id > $1 ORDER BY id LIMIT $2",
           {after_id, limit})) {
    users.push_back(FromRow(row));
  }
  return users;
}

std::vector<int64_t> UserStore::IdsAfter(Connection& connection, int64_t after_id, int64_t limit,
                                         bool verified_only) {
  std::vector<int64_t> ids;
  for (const Row& row :
       connection.Query(std::string("SELECT id FROM users WHERE id > $1") +
                            (verified_only ? " AND email_verified_at IS NOT NULL" : "") +
                            " ORDER BY id LIMIT $2",
                        {after_id, limit})) {
    ids.push_back(row.Int(0));
  }
  return ids;
}

std::map<int64_t, UserContact> UserStore::Contacts(Connection& connection,
                                                   const std::vector<int64_t>& ids) {
  std::map<int64_t, UserContact> contacts;
  for (const storage::Row& row : storage::QueryIdsIn(
           connection,
           "SELECT id, email, display_name, email_verified_at IS NOT NULL FROM users "
           "WHERE id IN ",
           ids)) {
    contacts[row.Int(0)] = {row.Int(0), row.Text(1), row.Text(2), row.Int(3) != 0};
  }
  return contacts;
}

bool UserStore::Exists(Connection& connection, int64_t id) {
  return connection.QueryOne("SELECT 1 FROM users WHERE id = $1", {id}).has_value();
}

}  // namespace vivrovert::accounts
