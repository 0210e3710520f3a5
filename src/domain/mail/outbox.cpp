#include "domain/mail/outbox.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/storage/batch.hpp"

namespace vivrovert::mail {

namespace {

using storage::SqlValue;

// last_error keeps the relay's reply for operators; a few hundred characters say it all
// and keep a misbehaving relay from bloating the table.
constexpr size_t kMaxErrorLength = 1000;

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

std::string ClippedError(std::string_view error) {
  return std::string(error.substr(0, kMaxErrorLength));
}

// Headers the transport writes itself (smtp_transport.cpp), compared case-insensitively.
bool IsTransportHeader(std::string_view name) {
  std::string lower;
  for (char c : name)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (std::string_view owned : {"from", "to", "cc", "bcc", "subject", "message-id", "date",
                                 "mime-version", "content-type", "content-transfer-encoding"}) {
    if (lower == owned) return true;
  }
  return false;
}

void CheckHeaders(const OutgoingMessage& message) {
  for (const auto& [name, value] : message.headers) {
    if (name.empty()) throw std::invalid_argument("mail header without a name");
    for (char c : name) {
      const bool token =
          (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      if (!token) throw std::invalid_argument("mail header name '" + name + "' is not a token");
    }
    if (IsTransportHeader(name))
      throw std::invalid_argument("mail header '" + name + "' is the transport's");
    for (char c : value) {
      if (c == '\r' || c == '\n' || static_cast<unsigned char>(c) >= 0x80) {
        throw std::invalid_argument("mail header '" + name +
                                    "' has a line break or non-ASCII byte");
      }
    }
  }
}

std::string HeadersColumn(const OutgoingMessage& message) {
  if (message.headers.empty()) return "";
  nlohmann::json pairs = nlohmann::json::array();
  for (const auto& [name, value] : message.headers) pairs.push_back({name, value});
  return pairs.dump();
}

std::vector<std::pair<std::string, std::string>> HeadersFromColumn(const std::string& column) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (column.empty()) return headers;
  nlohmann::json pairs = nlohmann::json::parse(column, nullptr, false);
  if (!pairs.is_array()) throw storage::StorageError("mail_outbox.headers is not a JSON array");
  for (const nlohmann::json& pair : pairs) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      throw storage::StorageError("mail_outbox.headers has a malformed pair");
    }
    headers.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  return headers;
}

OutboxStatus StatusFromColumn(const std::string& name) {
  std::optional<OutboxStatus> status = ParseOutboxStatus(name);
  if (!status) throw storage::StorageError("mail_outbox.status has unknown value '" + name + "'");
  return *status;
}

}  // namespace

bool Enqueue(storage::Connection& connection, const OutgoingMessage& message, int64_t now) {
  return EnqueueMany(connection, {message}, now) == 1;
}

int64_t EnqueueMany(storage::Connection& connection, const std::vector<OutgoingMessage>& messages,
                    int64_t now) {
  constexpr size_t kColumns = 7;
  constexpr size_t kRowsPerStatement =
      40;  // few parameters a statement (SQLite looks them up linearly)
  int64_t queued = 0;
  for (size_t start = 0; start < messages.size(); start += kRowsPerStatement) {
    const size_t end = std::min(messages.size(), start + kRowsPerStatement);
    std::string sql =
        "INSERT INTO mail_outbox (idempotency_key, to_address, subject, body_text, body_html, "
        "headers, status, "
        "attempts, next_attempt_at, created_at) VALUES ";
    std::vector<SqlValue> params;
    params.reserve((end - start) * kColumns);
    for (size_t i = start; i < end; ++i) {
      const OutgoingMessage& message = messages[i];
      if (message.idempotency_key.empty())
        throw std::invalid_argument("mail without idempotency key");
      if (message.to_address.empty()) throw std::invalid_argument("mail without recipient");
      if (HasLineBreak(message.to_address) || HasLineBreak(message.subject)) {
        throw std::invalid_argument("line break in a mail header (recipient or subject)");
      }
      CheckHeaders(message);
      const size_t first = params.size() + 1;
      sql += i == start ? "(" : ", (";
      for (size_t column = 0; column < 6; ++column)
        sql += "$" + std::to_string(first + column) + ", ";
      sql +=
          "'pending', 0, $" + std::to_string(first + 6) + ", $" + std::to_string(first + 6) + ")";
      params.emplace_back(message.idempotency_key);
      params.emplace_back(message.to_address);
      params.emplace_back(message.subject);
      params.emplace_back(message.body_text);
      params.emplace_back(message.body_html);
      params.emplace_back(HeadersColumn(message));
      params.emplace_back(now);
    }
    sql += " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id";
    queued += static_cast<int64_t>(connection.Query(sql, params).size());
  }
  return queued;
}

const char* OutboxStatusName(OutboxStatus status) {
  switch (status) {
    case OutboxStatus::kPending:
      return "pending";
    case OutboxStatus::kSending:
      return "sending";
    case OutboxStatus::kSent:
      return "sent";
    case OutboxStatus::kFailed:
      return "failed";
  }
  return "pending";
}

std::optional<OutboxStatus> ParseOutboxStatus(std::string_view name) {
  for (OutboxStatus status : {OutboxStatus::kPending, OutboxStatus::kSending, OutboxStatus::kSent,
                              OutboxStatus::kFailed}) {
    if (name == OutboxStatusName(status)) return status;
  }
  return std::nullopt;
}

std::vector<ClaimedMessage> ClaimDue(storage::Connection& connection, int64_t now,
                                     int64_t lease_seconds, int limit) {
  if (lease_seconds <= 0) throw std::invalid_argument("mail lease must be positive");
  std::vector<ClaimedMessage> claimed;
  if (limit <= 0) return claimed;
  const int64_t lease_until = now + lease_seconds;

  // Select, then update by id, in one transaction. PostgreSQL locks the selected rows and
  // lets other senders skip them; SQLite has no row locks, but BEGIN IMMEDIATE holds the
  // database's write lock from the start, so no other sender can select the same rows
  // before this one has marked them 'sending'.
  storage::Transaction transaction(connection);
  std::string select =
      "SELECT id FROM mail_outbox "
      "WHERE (status = 'pending' AND next_attempt_at <= $1) "
      "OR (status = 'sending' AND lease_until <= $1) "
      "ORDER BY next_attempt_at, id LIMIT $2";
  std::vector<storage::Row> due = storage::ClaimBatch(connection, select, {now, int64_t{limit}});

  claimed.reserve(due.size());
  for (const storage::Row& row : due) {
    const int64_t id = row.Int(0);
    std::optional<storage::Row> updated = connection.QueryOne(
        "UPDATE mail_outbox SET status = 'sending', lease_until = $1, attempts = attempts + 1 "
        "WHERE id = $2 "
        "RETURNING idempotency_key, to_address, subject, body_text, body_html, attempts, headers",
        {lease_until, id});
    if (!updated) throw storage::StorageError("claimed mail " + std::to_string(id) + " vanished");
    ClaimedMessage message;
    message.id = id;
    message.message.idempotency_key = updated->Text(0);
    message.message.to_address = updated->Text(1);
    message.message.subject = updated->Text(2);
    message.message.body_text = updated->Text(3);
    message.message.body_html = updated->Text(4);
    message.attempts = static_cast<int>(updated->Int(5));
    message.message.headers = HeadersFromColumn(updated->Text(6));
    message.lease_until = lease_until;
    claimed.push_back(std::move(message));
  }
  transaction.Commit();
  return claimed;
}

// Every outcome is conditioned on the claim still being ours: same status and same lease.
bool MarkSent(storage::Connection& connection, const ClaimedMessage& claimed, int64_t now) {
  return connection.Execute(
             "UPDATE mail_outbox SET status = 'sent', sent_at = $1, lease_until = NULL, "
             "last_error = '' WHERE id = $2 AND status = 'sending' AND lease_until = $3",
             {now, claimed.id, claimed.lease_until}) == 1;
}

bool MarkRetry(storage::Connection& connection, const ClaimedMessage& claimed,
               int64_t next_attempt_at, std::string_view error) {
  return connection.Execute(
             "UPDATE mail_outbox SET status = 'pending', next_attempt_at = $1, "
             "lease_until = NULL, last_error = $2 "
             "WHERE id = $3 AND status = 'sending' AND lease_until = $4",
             {next_attempt_at, ClippedError(error), claimed.id, claimed.lease_until}) == 1;
}

bool MarkFailed(storage::Connection& connection, const ClaimedMessage& claimed,
                std::string_view error) {
  return connection.Execute(
             "UPDATE mail_outbox SET status = 'failed', lease_until = NULL, last_error = $1 "
             "WHERE id = $2 AND status = 'sending' AND lease_until = $3",
             {ClippedError(error), claimed.id, claimed.lease_until}) == 1;
}

std::vector<OutboxEntry> ListOutbox(storage::Connection& connection,
                                    std::optional<OutboxStatus> status, int limit) {
  std::string sql =
      "SELECT id, idempotency_key, to_address, subject, status, attempts, next_attempt_at, "
      "lease_until, last_error, created_at, sent_at FROM mail_outbox ";
  std::vector<SqlValue> params;
  if (status) {
    sql += "WHERE status = $1 ORDER BY id DESC LIMIT $2";
    params = {std::string(OutboxStatusName(*status)), int64_t{limit}};
  } else {
    sql += "ORDER BY id DESC LIMIT $1";
    params = {int64_t{limit}};
  }
  std::vector<OutboxEntry> entries;
  for (const storage::Row& row : connection.Query(sql, params)) {
    OutboxEntry entry;
    entry.id = row.Int(0);
    entry.idempotency_key = row.Text(1);
    entry.to_address = row.Text(2);
    entry.subject = row.Text(3);
    entry.status = StatusFromColumn(row.Text(4));
    entry.attempts = static_cast<int>(row.Int(5));
    entry.next_attempt_at = row.Int(6);
    entry.lease_until = row.OptionalInt(7);
    entry.last_error = row.Text(8);
    entry.created_at = row.Int(9);
    entry.sent_at = row.OptionalInt(10);
    entries.push_back(std::move(entry));
  }
  return entries;
}

OutboxCounts CountOutbox(storage::Connection& connection, int64_t now) {
  // Index ranges only (mail_outbox_due_idx, mail_outbox_sent_idx): sent mail accumulates,
  // and the console must not scan it.
  OutboxCounts counts;
  for (const storage::Row& row : connection.Query("SELECT status, COUNT(*) FROM mail_outbox WHERE "
                                                  "status IN ('pending', 'sending', 'failed') "
                                                  "GROUP BY status")) {
    switch (StatusFromColumn(row.Text(0))) {
      case OutboxStatus::kPending:
        counts.pending = row.Int(1);
        break;
      case OutboxStatus::kSending:
        counts.sending = row.Int(1);
        break;
      case OutboxStatus::kFailed:
        counts.failed = row.Int(1);
        break;
      case OutboxStatus::kSent:
        break;
    }
  }
  std::optional<storage::Row> due = connection.QueryOne(
      "SELECT COUNT(*), MIN(created_at) FROM mail_outbox WHERE status = 'pending' AND "
      "next_attempt_at <= $1",
      {now});
  counts.pending_due = due->Int(0);
  if (std::optional<int64_t> oldest = due->OptionalInt(1))
    counts.oldest_due_age_seconds = now - *oldest;
  counts.sent_last_24h = connection
                             .QueryOne(
                                 "SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent' AND "
                                 "sent_at > $1 AND sent_at <= $2",
                                 {now - 24 * 3600, now})
                             ->Int(0);
  return counts;
}

namespace {

// Blanks what a finished message says and to whom; the key, status and dates stay.
constexpr const char* kBlankFinished =
    "UPDATE mail_outbox SET to_address = '', subject = '', body_text = '', body_html = '', headers "
    "= '', "
    "purged_at = $1 ";

}  // namespace

OutboxPurge PurgeOutbox(storage::Connection& connection, const OutboxRetention& retention,
                        int64_t now, int limit) {
  OutboxPurge purge;
  // One statement per rule, each bounded by a sub-select (PostgreSQL has no UPDATE … LIMIT).
  purge.blanked += connection.Execute(std::string(kBlankFinished) +
                                          "WHERE id IN (SELECT id FROM mail_outbox WHERE status = "
                                          "'sent' AND purged_at IS NULL AND sent_at < $2 "
                                          "ORDER BY id LIMIT $3)",
                                      {now, now - retention.sent_seconds, int64_t{limit}});
  purge.blanked += connection.Execute(
      std::string(kBlankFinished) +
          "WHERE id IN (SELECT id FROM mail_outbox WHERE status = 'failed' AND purged_at IS NULL "
          "AND created_at < $2 ORDER BY id LIMIT $3)",
      {now, now - retention.failed_seconds, int64_t{limit}});
  purge.deleted = connection.Execute(
      "DELETE FROM mail_outbox WHERE id IN (SELECT id FROM mail_outbox WHERE purged_at IS NOT NULL "
      "AND purged_at < $1 AND status IN ('sent', 'failed') ORDER BY id LIMIT $2)",
      {now - retention.blanked_row_seconds, int64_t{limit}});
  return purge;
}

int64_t ForgetRecipient(storage::Connection& connection, std::string_view address, int64_t now) {
  const std::string to(address);
  // A message being sent may still leave (its sender holds it); its outcome then finds no
  // row and changes nothing.
  int64_t changed = connection.Execute(
      "DELETE FROM mail_outbox WHERE to_address = $1 AND status IN ('pending', 'sending')", {to});
  changed += connection.Execute(
      std::string(kBlankFinished) + "WHERE to_address = $2 AND status IN ('sent', 'failed')",
      {now, to});
  return changed;
}

}  // namespace vivrovert::mail
