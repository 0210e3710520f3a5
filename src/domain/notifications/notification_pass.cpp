#include "domain/notifications/notification_pass.hpp"

#include <map>
#include <set>

#include "core/common/text.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/mail/unsubscribe.hpp"
#include "domain/notifications/listing_summary.hpp"
#include "domain/notifications/notification_store.hpp"

namespace vivrovert::notifications {

namespace {

using storage::SqlValue;

}  // namespace

std::map<int64_t, Recipient> LoadRecipients(storage::Connection& connection,
                                            const std::vector<int64_t>& user_ids) {
  std::map<int64_t, Recipient> recipients;
  constexpr size_t kSlice = 500;
  for (size_t start = 0; start < user_ids.size(); start += kSlice) {
    const size_t end = std::min(user_ids.size(), start + kSlice);
    std::vector<SqlValue> params;
    for (size_t i = start; i < end; ++i) params.emplace_back(user_ids[i]);
    for (const storage::Row& row : connection.Query(
             "SELECT u.id, u.email, u.display_name, u.email_verified_at IS NOT NULL, "
             "EXISTS (SELECT 1 FROM mail_bounces b WHERE b.address = u.email), p.notification "
             "FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id IN (" +
                 Placeholders(end - start, 1) + ")",
             params)) {
      Recipient recipient{row.Int(0), row.Text(1), row.Text(2), row.Int(3) != 0 && row.Int(4) == 0,
                          matching::ParseNotification(row.OptionalText(5).value_or("daily"))};
      recipients.emplace(recipient.user_id, std::move(recipient));
    }
  }
  return recipients;
}

nlohmann::json PersonLinks(const std::string& public_base_url, const std::string& secret_key,
                           int64_t user_id) {
  std::string base = public_base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return {{"profile_url", base + "/compte/profil#notifications"},
          {"notifications_url", base + "/compte/notifications"},
          {"unsubscribe_url",
           mail::UnsubscribeUrl(base, secret_key, mail::MailList::kListings, user_id)}};
}

NotificationPass::NotificationPass(storage::Database& database, const matching::Matcher& matcher,
                                   const mail::MailTemplates& templates,
                                   const engine::GridFile* grid, const Clock& clock,
                                   PassOptions options)
    : database_(database),
      matcher_(matcher),
      templates_(templates),
      grid_(grid),
      clock_(clock),
      options_(std::move(options)) {}

PassReport NotificationPass::Run() {
  PassReport report;
  while (RunBatch(report)) {
  }
  return report;
}

bool NotificationPass::RunBatch(PassReport& report) {
  const int64_t now = clock_.NowSeconds();
  const std::string today = UtcDate(now);
  storage::Connection connection = database_.Acquire();
  storage::Transaction transaction(connection);
  std::string select =
      "SELECT listing_id FROM listing_match_queue WHERE not_before IS NULL OR not_before <= $1 "
      "ORDER BY queued_at, listing_id LIMIT $2";
  if (connection.dialect().has_row_locks) select += " FOR UPDATE SKIP LOCKED";
  std::vector<storage::Row> queued = connection.Query(select, {today, int64_t{options_.batch}});
  if (queued.empty()) return false;

  struct Told {
    const listings::Listing* listing;
    matching::PersonMatch person;
  };
  std::vector<listings::Listing> batch;
  batch.reserve(queued.size());
  for (const storage::Row& row : queued) {
    const int64_t id = row.Int(0);
    connection.Execute("DELETE FROM listing_match_queue WHERE listing_id = $1", {id});
    ++report.listings;
    std::optional<listings::Listing> listing = listings::ListingStore::Get(connection, id);
    if (!listing || listing->StatusOn(today) != listings::kStatusActive) continue;
    batch.push_back(std::move(*listing));
  }
  std::vector<Told> told;
  std::set<int64_t> people;
  for (const listings::Listing& listing : batch) {
    for (const matching::PersonMatch& match : matcher_.Match(listing)) {
      told.push_back({&listing, match});
      people.insert(match.user_id);
    }
  }
  const std::map<int64_t, Recipient> recipients =
      LoadRecipients(connection, std::vector<int64_t>(people.begin(), people.end()));

  // Every pair at once; the ledger keeps the pairs already told out.
  std::vector<NewNotification> rows;
  std::vector<const Told*> row_items;
  for (const Told& item : told) {
    auto recipient = recipients.find(item.person.user_id);
    if (recipient == recipients.end()) continue;  // the account was deleted meanwhile
    // The stored choice decides (an unsubscribe from another process may be newer than
    // the index's copy).
    if (recipient->second.notification == matching::Notification::kNone) continue;
    const bool instant = recipient->second.notification == matching::Notification::kInstant;
    rows.push_back({item.person.user_id, item.listing->id, Reason::kMatch,
                    instant ? Channel::kInstant : Channel::kDigest,
                    instant ? std::optional<int64_t>(now) : std::nullopt, std::nullopt});
    row_items.push_back(&item);
  }
  const std::vector<std::pair<int64_t, int64_t>> recorded =
      NotificationStore::RecordMany(connection, rows, now);
  report.notified += static_cast<int64_t>(recorded.size());
  report.already_told += static_cast<int64_t>(rows.size() - recorded.size());
  const std::set<std::pair<int64_t, int64_t>> new_pairs(recorded.begin(), recorded.end());

  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].channel != Channel::kInstant ||
        !new_pairs.contains({rows[i].user_id, rows[i].listing_id}))
      continue;
    const Recipient& recipient = recipients.at(rows[i].user_id);
    if (!recipient.deliverable) continue;
    const listings::Listing& listing = *row_items[i]->listing;
    nlohmann::json values =
        PersonLinks(options_.public_base_url, options_.secret_key, recipient.user_id);
    values["display_name"] = recipient.display_name;
    values["listing"] = ListingSummary(listing, grid_, options_.public_base_url);
    values["listing_title"] = listing.title;
    Result<mail::OutgoingMessage> message = templates_.RenderNested("listing_instant", values);
    if (!message.ok()) throw std::runtime_error("listing_instant: " + message.status().message());
    message->idempotency_key =
        "instant:" + std::to_string(recipient.user_id) + ":" + std::to_string(listing.id);
    message->to_address = recipient.email;
    mail::AddUnsubscribeHeaders(*message, values["unsubscribe_url"].get<std::string>());
    if (mail::Enqueue(connection, *message, now)) ++report.instant_mails;
  }
  transaction.Commit();
  return true;
}

}  // namespace vivrovert::notifications
