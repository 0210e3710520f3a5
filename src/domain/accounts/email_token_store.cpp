#include "domain/accounts/email_token_store.hpp"

#include "domain/accounts/token_hash.hpp"
#include "domain/accounts/user_store.hpp"

namespace vivrovert::accounts {

namespace {

Status Invalid() {
  return InvalidArgument(
      "Ce lien n'est pas valide. Vérifiez que l'adresse du lien a été copiée en entier, ou "
      "demandez un nouvel e-mail.",
      kFieldToken);
}

Status AlreadyUsed() {
  return InvalidArgument("Ce lien a déjà été utilisé. Si besoin, demandez un nouvel e-mail.",
                         kFieldToken);
}

Status Expired() {
  return InvalidArgument("Ce lien a expiré. Demandez un nouvel e-mail.", kFieldToken);
}

}  // namespace

const char* TokenPurposeName(TokenPurpose purpose) {
  switch (purpose) {
    case TokenPurpose::kVerifyEmail:
      return "verify_email";
    case TokenPurpose::kResetPassword:
      return "reset_password";
    case TokenPurpose::kChangeEmail:
      return "change_email";
  }
  return "verify_email";
}

int64_t EmailTokenPolicy::LifetimeOf(TokenPurpose purpose) const {
  switch (purpose) {
    case TokenPurpose::kVerifyEmail:
      return verify_email_seconds;
    case TokenPurpose::kResetPassword:
      return reset_password_seconds;
    case TokenPurpose::kChangeEmail:
      return change_email_seconds;
  }
  return 0;
}

EmailTokenStore::EmailTokenStore(EmailTokenPolicy policy) : policy_(policy) {
  SecureRandom::Instance();  // runs sodium_init()
}

IssuedToken EmailTokenStore::Issue(storage::Connection& connection, Random& random, int64_t user_id,
                                   TokenPurpose purpose, int64_t now,
                                   std::optional<std::string> new_email) const {
  IssuedToken issued;
  issued.token = random.Token(kTokenBytes);
  issued.token_hash = HashToken(issued.token);
  issued.expires_at = now + policy_.LifetimeOf(purpose);
  storage::SqlValue new_email_value = nullptr;
  if (purpose == TokenPurpose::kChangeEmail && new_email) new_email_value = *new_email;
  connection.Execute(
      "INSERT INTO email_tokens (token_hash, user_id, purpose, new_email, created_at, "
      "expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
      {issued.token_hash, user_id, std::string(TokenPurposeName(purpose)), new_email_value, now,
       issued.expires_at});
  return issued;
}

Status EmailTokenStore::Explain(storage::Connection& connection, const std::string& token_hash,
                                TokenPurpose purpose, int64_t now) const {
  std::optional<storage::Row> row = connection.QueryOne(
      "SELECT purpose, used_at, expires_at FROM email_tokens WHERE token_hash = $1", {token_hash});
  // A token of another purpose is reported as invalid: it is not a link for this page.
  if (!row || row->Text(0) != TokenPurposeName(purpose)) return Invalid();
  if (!row->IsNull(1)) return AlreadyUsed();
  if (now >= row->Int(2)) return Expired();
  return Status::Ok();
}

Status EmailTokenStore::Check(storage::Connection& connection, std::string_view token,
                              TokenPurpose purpose, int64_t now) const {
  if (!LooksLikeToken(token)) return Invalid();
  return Explain(connection, HashToken(token), purpose, now);
}

Result<ConsumedToken> EmailTokenStore::Consume(storage::Connection& connection,
                                               std::string_view token, TokenPurpose purpose,
                                               int64_t now) const {
  if (!LooksLikeToken(token)) return Invalid();
  std::string token_hash = HashToken(token);
  std::optional<storage::Row> row = connection.QueryOne(
      "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 "
      "AND used_at IS NULL AND expires_at > $4 RETURNING user_id, new_email",
      {now, token_hash, std::string(TokenPurposeName(purpose)), now});
  if (!row) {
    Status why = Explain(connection, token_hash, purpose, now);
    // Explain() finding nothing wrong means a concurrent request used the token between
    // the two statements.
    return why.ok() ? AlreadyUsed() : why;
  }
  return ConsumedToken{row->Int(0), row->OptionalText(1)};
}

int64_t EmailTokenStore::InvalidateAll(storage::Connection& connection, int64_t user_id,
                                       TokenPurpose purpose, int64_t now) const {
  return connection.Execute(
      "UPDATE email_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 "
      "AND used_at IS NULL",
      {now, user_id, std::string(TokenPurposeName(purpose))});
}

int64_t EmailTokenStore::PurgeExpired(storage::Connection& connection, int64_t before,
                                      int limit) const {
  return connection.Execute(
      "DELETE FROM email_tokens WHERE token_hash IN (SELECT token_hash FROM email_tokens "
      "WHERE expires_at < $1 LIMIT $2)",
      {before, int64_t{limit}});
}

}  // namespace vivrovert::accounts
