#include "domain/accounts/session_store.hpp"

#include "domain/accounts/token_hash.hpp"

namespace vivrovert::accounts {

namespace {

constexpr size_t kMaxUserAgentBytes = 512;
constexpr size_t kMaxIpBytes = 64;

}  // namespace

SessionStore::SessionStore(SessionPolicy policy) : policy_(policy) {
  SecureRandom::Instance();  // runs sodium_init()
}

NewSession SessionStore::Create(storage::Connection& connection, Random& random, int64_t user_id,
                                std::string_view ip, std::string_view user_agent,
                                int64_t now) const {
  NewSession session{random.Token(kTokenBytes), now + policy_.absolute_seconds};
  connection.Execute(
      "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, "
      "user_agent, ip) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {HashToken(session.token), user_id, now, now, session.expires_at,
       std::string(user_agent.substr(0, kMaxUserAgentBytes)),
       std::string(ip.substr(0, kMaxIpBytes))});
  return session;
}

std::optional<Session> SessionStore::Find(storage::Connection& connection, std::string_view token,
                                          int64_t now) const {
  if (!LooksLikeToken(token)) return std::nullopt;
  std::string token_hash = HashToken(token);
  std::optional<storage::Row> row = connection.QueryOne(
      "SELECT user_id, created_at, last_seen_at, expires_at, user_agent, ip FROM sessions "
      "WHERE token_hash = $1",
      {token_hash});
  if (!row) return std::nullopt;
  Session session{token_hash,  row->Int(0),  row->Int(1), row->Int(2),
                  row->Int(3), row->Text(4), row->Text(5)};
  if (now >= session.expires_at || now >= session.last_seen_at + policy_.idle_seconds) {
    connection.Execute("DELETE FROM sessions WHERE token_hash = $1", {token_hash});
    return std::nullopt;
  }
  if (now - session.last_seen_at >= policy_.touch_interval_seconds) {
    connection.Execute("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2",
                       {now, token_hash});
    session.last_seen_at = now;
  }
  return session;
}

bool SessionStore::Revoke(storage::Connection& connection, std::string_view token) const {
  if (!LooksLikeToken(token)) return false;
  return connection.Execute("DELETE FROM sessions WHERE token_hash = $1", {HashToken(token)}) > 0;
}

int64_t SessionStore::RevokeAllForUser(storage::Connection& connection, int64_t user_id,
                                       std::string_view keep_token_hash) const {
  if (keep_token_hash.empty()) {
    return connection.Execute("DELETE FROM sessions WHERE user_id = $1", {user_id});
  }
  return connection.Execute("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2",
                            {user_id, std::string(keep_token_hash)});
}

int64_t SessionStore::PurgeExpired(storage::Connection& connection, int64_t now, int limit) const {
  return connection.Execute(
      "DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM sessions "
      "WHERE expires_at <= $1 OR last_seen_at <= $2 LIMIT $3)",
      {now, now - policy_.idle_seconds, int64_t{limit}});
}

std::vector<Session> SessionStore::ListForUser(storage::Connection& connection,
                                               int64_t user_id) const {
  std::vector<Session> sessions;
  for (const storage::Row& row : connection.Query(
           "SELECT token_hash, user_id, created_at, last_seen_at, expires_at, user_agent, ip "
           "FROM sessions WHERE user_id = $1 ORDER BY created_at DESC, token_hash",
           {user_id})) {
    sessions.push_back(
        {row.Text(0), row.Int(1), row.Int(2), row.Int(3), row.Int(4), row.Text(5), row.Text(6)});
  }
  return sessions;
}

}  // namespace vivrovert::accounts
