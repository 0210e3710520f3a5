#include "domain/notifications/notification_store.hpp"

#include <algorithm>

#include "core/storage/batch.hpp"

namespace vivrovert::notifications {

namespace {

using storage::BoundIds;
using storage::Placeholders;
using storage::SqlValue;

Reason ReasonFrom(const std::string& name) {
  if (name == "prospect") return Reason::kProspect;
  if (name == "contact") return Reason::kContact;
  if (name == "match") return Reason::kMatch;
  throw storage::StorageError("notifications.reason has unknown value '" + name + "'");
}

constexpr const char* kColumns =
    "id, user_id, listing_id, reason, channel, created_at, mailed_at, digest_key, read_at";

NotificationRecord FromRow(const storage::Row& row) {
  NotificationRecord record;
  record.id = row.Int(0);
  record.user_id = row.Int(1);
  record.listing_id = row.Int(2);
  record.reason = ReasonFrom(row.Text(3));
  record.channel = row.Text(4) == "instant" ? Channel::kInstant : Channel::kDigest;
  record.created_at = row.Int(5);
  record.mailed_at = row.OptionalInt(6);
  record.digest_key = row.OptionalText(7);
  record.read_at = row.OptionalInt(8);
  return record;
}

}  // namespace

const char* ReasonName(Reason reason) {
  switch (reason) {
    case Reason::kMatch:
      return "match";
    case Reason::kProspect:
      return "prospect";
    case Reason::kContact:
      return "contact";
  }
  return "match";
}

const char* ChannelName(Channel channel) {
  return channel == Channel::kInstant ? "instant" : "digest";
}

std::vector<std::pair<int64_t, int64_t>> NotificationStore::RecordMany(
    storage::Connection& connection, const std::vector<NewNotification>& rows, int64_t now) {
  std::vector<std::pair<int64_t, int64_t>> recorded;
  constexpr size_t kColumnsPerRow = 7;
  // 350 parameters a statement: SQLite looks bound parameters up by walking a list, so
  // the cost of a statement grows with the square of its parameters (measured: 400 rows a
  // statement made the nightly run's writes 4× slower than 50).
  constexpr size_t kRowsPerStatement = 50;
  for (size_t start = 0; start < rows.size(); start += kRowsPerStatement) {
    const size_t end = std::min(rows.size(), start + kRowsPerStatement);
    std::string sql =
        "INSERT INTO notifications (user_id, listing_id, reason, channel, created_at, mailed_at, "
        "digest_key) VALUES ";
    std::vector<SqlValue> params;
    params.reserve((end - start) * kColumnsPerRow);
    for (size_t i = start; i < end; ++i) {
      const NewNotification& row = rows[i];
      sql += (i == start ? "(" : ", (") + Placeholders(kColumnsPerRow, params.size() + 1) + ")";
      params.emplace_back(row.user_id);
      params.emplace_back(row.listing_id);
      params.emplace_back(ReasonName(row.reason));
      params.emplace_back(ChannelName(row.channel));
      params.emplace_back(now);
      // Not a conditional expression of SqlValues: GCC 12 then warns that the string
      // alternative "may be used uninitialized" (a false positive, fatal under -Werror).
      if (row.mailed_at) {
        params.emplace_back(*row.mailed_at);
      } else {
        params.emplace_back(nullptr);
      }
      if (row.digest_key) {
        params.emplace_back(*row.digest_key);
      } else {
        params.emplace_back(nullptr);
      }
    }
    sql += " ON CONFLICT (user_id, listing_id) DO NOTHING RETURNING user_id, listing_id";
    for (const storage::Row& row : connection.Query(sql, params))
      recorded.emplace_back(row.Int(0), row.Int(1));
  }
  return recorded;
}

std::map<int64_t, std::set<int64_t>> NotificationStore::ListingsToldTo(
    storage::Connection& connection, const std::vector<int64_t>& user_ids) {
  std::map<int64_t, std::set<int64_t>> told;
  for (const storage::Row& row : storage::QueryIdsIn(
           connection, "SELECT user_id, listing_id FROM notifications WHERE user_id IN ",
           user_ids)) {
    told[row.Int(0)].insert(row.Int(1));
  }
  return told;
}

std::set<int64_t> NotificationStore::PeopleToldOf(storage::Connection& connection,
                                                  const std::vector<int64_t>& listing_ids,
                                                  int64_t since) {
  std::set<int64_t> people;
  for (const storage::Row& row : storage::QueryIdsIn(
           connection, "SELECT user_id, created_at FROM notifications WHERE listing_id IN ",
           listing_ids)) {
    if (row.Int(1) >= since) people.insert(row.Int(0));
  }
  return people;
}

std::vector<int64_t> NotificationStore::ToldOfListing(storage::Connection& connection,
                                                      int64_t listing_id,
                                                      const std::vector<int64_t>& user_ids) {
  std::vector<int64_t> told;
  for (size_t first = 0; first < user_ids.size(); first += storage::kIdsPerStatement) {
    const size_t count = std::min(storage::kIdsPerStatement, user_ids.size() - first);
    std::vector<storage::SqlValue> params{listing_id};
    for (size_t idx = first; idx < first + count; ++idx) params.emplace_back(user_ids[idx]);
    for (const storage::Row& row : connection.Query(
             "SELECT user_id FROM notifications WHERE listing_id = $1 AND user_id IN " +
                 storage::InList(count, 2),
             params))
      told.push_back(row.Int(0));
  }
  std::sort(told.begin(), told.end());
  return told;
}

std::vector<NotificationRecord> NotificationStore::Waiting(storage::Connection& connection,
                                                           const std::vector<int64_t>& user_ids) {
  std::vector<NotificationRecord> records;
  if (user_ids.empty()) return records;
  for (const storage::Row& row :
       connection.Query(std::string("SELECT ") + kColumns +
                            " FROM notifications WHERE mailed_at IS NULL AND user_id IN (" +
                            Placeholders(user_ids.size(), 1) + ") ORDER BY user_id, created_at, id",
                        BoundIds(user_ids))) {
    records.push_back(FromRow(row));
  }
  return records;
}

void NotificationStore::MarkMailed(storage::Connection& connection, const std::vector<int64_t>& ids,
                                   const std::string& digest_key, int64_t now) {
  // In slices of a few parameters (SQLite's parameter lookup: see RecordMany).
  constexpr size_t kSlice = 200;
  for (size_t start = 0; start < ids.size(); start += kSlice) {
    std::vector<int64_t> slice(ids.begin() + start,
                               ids.begin() + std::min(ids.size(), start + kSlice));
    std::vector<SqlValue> params = {now, digest_key};
    for (int64_t id : slice) params.emplace_back(id);
    connection.Execute(
        "UPDATE notifications SET mailed_at = $1, digest_key = $2 WHERE mailed_at IS NULL AND id "
        "IN (" +
            Placeholders(slice.size(), 3) + ")",
        params);
  }
}

std::vector<NotificationRecord> NotificationStore::ForPerson(storage::Connection& connection,
                                                             int64_t user_id, int limit) {
  std::vector<NotificationRecord> records;
  for (const storage::Row& row : connection.Query(
           std::string("SELECT ") + kColumns +
               " FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
           {user_id, int64_t{limit}})) {
    records.push_back(FromRow(row));
  }
  return records;
}

int64_t NotificationStore::UnreadCount(storage::Connection& connection, int64_t user_id) {
  return connection
      .QueryOne("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
                {user_id})
      ->Int(0);
}

int64_t NotificationStore::MarkAllRead(storage::Connection& connection, int64_t user_id,
                                       int64_t now) {
  return connection.Execute(
      "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
      {now, user_id});
}

}  // namespace vivrovert::notifications
