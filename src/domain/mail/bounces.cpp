#include "domain/mail/bounces.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/storage/batch.hpp"

namespace vivrovert::mail {

namespace {

// Same bound as the outbox's last_error: a relay's answer is a line or two.
constexpr size_t kMaxErrorLength = 1000;

std::string Lower(std::string_view address) {
  std::string lower;
  lower.reserve(address.size());
  for (char c : address)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return lower;
}

}  // namespace

void RecordBounce(storage::Connection& connection, std::string_view address, int64_t outbox_id,
                  std::string_view error, int64_t now) {
  connection.Execute(
      "INSERT INTO mail_bounces (address, first_failed_at, last_failed_at, failures, last_error, "
      "outbox_id) "
      "VALUES ($1, $2, $2, 1, $3, $4) "
      "ON CONFLICT (address) DO UPDATE SET last_failed_at = excluded.last_failed_at, "
      "failures = mail_bounces.failures + 1, last_error = excluded.last_error, outbox_id = "
      "excluded.outbox_id",
      {Lower(address), now, std::string(error.substr(0, kMaxErrorLength)), outbox_id});
}

bool IsBouncing(storage::Connection& connection, std::string_view address) {
  return connection.QueryOne("SELECT 1 FROM mail_bounces WHERE address = $1", {Lower(address)})
      .has_value();
}

std::set<std::string> BouncingAmong(storage::Connection& connection,
                                    const std::vector<std::string>& addresses) {
  std::map<std::string, std::vector<std::string>> by_key;  // lower-cased → as given
  for (const std::string& address : addresses) by_key[Lower(address)].push_back(address);
  std::vector<std::string> keys;
  for (const auto& [key, unused] : by_key) keys.push_back(key);
  std::set<std::string> bouncing;
  for (size_t start = 0; start < keys.size(); start += storage::kIdsPerStatement) {
    const size_t end = std::min(keys.size(), start + storage::kIdsPerStatement);
    std::vector<storage::SqlValue> params(keys.begin() + start, keys.begin() + end);
    for (const storage::Row& row : connection.Query(
             "SELECT address FROM mail_bounces WHERE address IN " + storage::InList(end - start),
             params)) {
      for (const std::string& address : by_key[row.Text(0)]) bouncing.insert(address);
    }
  }
  return bouncing;
}

std::vector<Bounce> ListBounces(storage::Connection& connection, int limit) {
  std::vector<Bounce> bounces;
  for (const storage::Row& row :
       connection.Query("SELECT address, first_failed_at, last_failed_at, failures, last_error, "
                        "outbox_id FROM mail_bounces "
                        "ORDER BY last_failed_at DESC, address LIMIT $1",
                        {int64_t{limit}})) {
    Bounce bounce;
    bounce.address = row.Text(0);
    bounce.first_failed_at = row.Int(1);
    bounce.last_failed_at = row.Int(2);
    bounce.failures = static_cast<int>(row.Int(3));
    bounce.last_error = row.Text(4);
    bounce.outbox_id = row.OptionalInt(5);
    bounces.push_back(std::move(bounce));
  }
  return bounces;
}

int64_t CountBounces(storage::Connection& connection) {
  return connection.QueryOne("SELECT COUNT(*) FROM mail_bounces")->Int(0);
}

bool ClearBounce(storage::Connection& connection, std::string_view address) {
  return connection.Execute("DELETE FROM mail_bounces WHERE address = $1", {Lower(address)}) > 0;
}

int64_t PurgeBounces(storage::Connection& connection, int64_t before, int limit) {
  return connection.Execute(
      "DELETE FROM mail_bounces WHERE address IN (SELECT address FROM mail_bounces WHERE "
      "last_failed_at < $1 "
      "ORDER BY address LIMIT $2)",
      {before, int64_t{limit}});
}

}  // namespace vivrovert::mail
