// What each person was told about which listing (table `notifications`, migration 0012).
//
// The ledger behind "never the same listing twice to a person": a (person, listing) pair
// is recorded once, whatever the reason (a match, news of a commune they looked at, news
// of a partner territory their search made green) and the channel (an instant mail, the
// next digest). Recording happens in the transaction that queues the mail (instant) or
// before the digest that will carry it (digest: mailed_at stays empty until then).
//
// The same rows are the in-site list of notifications (/compte/notifications).
//
// Thread safety: free functions on the caller's connection. Errors: database faults throw
// storage::StorageError.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/storage/database.hpp"

namespace vivrovert::notifications {

enum class Reason { kMatch, kProspect, kContact };
enum class Channel { kInstant, kDigest };

const char* ReasonName(Reason reason);     // "match", "prospect", "contact"
const char* ChannelName(Channel channel);  // "instant", "digest"

struct NotificationRecord {
  int64_t id = 0;
  int64_t user_id = 0;
  int64_t listing_id = 0;
  Reason reason = Reason::kMatch;
  Channel channel = Channel::kDigest;
  int64_t created_at = 0;
  std::optional<int64_t> mailed_at;
  std::optional<std::string> digest_key;
  std::optional<int64_t> read_at;
};

struct NewNotification {
  int64_t user_id = 0;
  int64_t listing_id = 0;
  Reason reason = Reason::kMatch;
  Channel channel = Channel::kDigest;
  std::optional<int64_t> mailed_at;
  std::optional<std::string> digest_key;
};

class NotificationStore {
 public:
  // Records that each person is (or will be) told of each listing, in multi-row inserts;
  // pairs already told are skipped (nothing changes for them).
  // Returns the (user_id, listing_id) pairs recorded now, in no particular order.
  static std::vector<std::pair<int64_t, int64_t>> RecordMany(
      storage::Connection& connection, const std::vector<NewNotification>& rows, int64_t now);

  // The people told of any of `listing_ids` at `since` or later, on any channel (batch
  // read): the reach of a partner's listings (web/axes).
  static std::set<int64_t> PeopleToldOf(storage::Connection& connection,
                                        const std::vector<int64_t>& listing_ids, int64_t since);

  // Every listing each of these people was told of, on any channel (batch read).
  static std::map<int64_t, std::set<int64_t>> ListingsToldTo(storage::Connection& connection,
                                                             const std::vector<int64_t>& user_ids);
  // Those of `user_ids` already told of the listing, ascending (batch read on the ledger's
  // (user, listing) key: the skills alerts ask it for the few people they may choose).
  static std::vector<int64_t> ToldOfListing(storage::Connection& connection, int64_t listing_id,
                                            const std::vector<int64_t>& user_ids);

  // The digest rows of these people not mailed yet, oldest first.
  static std::vector<NotificationRecord> Waiting(storage::Connection& connection,
                                                 const std::vector<int64_t>& user_ids);

  // Marks rows as carried by the digest `digest_key` at `now`.
  static void MarkMailed(storage::Connection& connection, const std::vector<int64_t>& ids,
                         const std::string& digest_key, int64_t now);

  // A person's notifications, newest first.
  static std::vector<NotificationRecord> ForPerson(storage::Connection& connection, int64_t user_id,
                                                   int limit);
  static int64_t UnreadCount(storage::Connection& connection, int64_t user_id);
  // Returns how many were marked.
  static int64_t MarkAllRead(storage::Connection& connection, int64_t user_id, int64_t now);
};

}  // namespace vivrovert::notifications
