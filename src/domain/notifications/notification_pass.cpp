#include "domain/notifications/notification_pass.hpp"

#include <map>
#include <set>

#include "core/common/text.hpp"
#include "core/storage/batch.hpp"
#include "domain/accounts/user_store.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/mail/bounces.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/mail/unsubscribe.hpp"
#include "domain/notifications/listing_summary.hpp"
#include "domain/notifications/notification_store.hpp"
#include "domain/profiles/profile.hpp"

namespace vivrovert::notifications {

std::map<int64_t, Recipient> LoadRecipients(storage::Connection& connection,
                                            const std::vector<int64_t>& user_ids) {
  // Through the owners' batch reads: accounts (address, name), mail (bounces), profiles
  // (the notification preference).
  const std::map<int64_t, accounts::UserContact> contacts =
      accounts::UserStore::Contacts(connection, user_ids);
  std::vector<std::string> addresses;
  std::vector<int64_t> present;
  for (const auto& [id, contact] : contacts) {
    addresses.push_back(contact.email);
    present.push_back(id);
  }
  const std::set<std::string> bouncing = mail::BouncingAmong(connection, addresses);
  const std::map<int64_t, std::string> notifications =
      profiles::ProfileStore::Notifications(connection, present);
  std::map<int64_t, Recipient> recipients;
  for (const auto& [id, contact] : contacts) {
    auto notification = notifications.find(id);
    recipients.emplace(
        id, Recipient{id, contact.email, contact.display_name,
                      contact.email_verified && !bouncing.contains(contact.email),
                      matching::ParseNotification(
                          notification != notifications.end() ? notification->second : "daily")});
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
  const std::vector<int64_t> queued =
      listings::ListingStore::TakeForMatching(connection, today, options_.batch);
  if (queued.empty()) return false;

  struct Told {
    const listings::Listing* listing;
    matching::PersonMatch person;
    const nlohmann::json* extra = nullptr;  // an extra audience's mail values
  };
  std::vector<listings::Listing> batch;
  batch.reserve(queued.size());
  report.listings += static_cast<int64_t>(queued.size());
  if (options_.one_at_a_time) {
    for (const int64_t id : queued) {
      std::optional<listings::Listing> listing = listings::ListingStore::Get(connection, id);
      if (!listing || listing->StatusOn(today) != listings::kStatusActive) continue;
      batch.push_back(std::move(*listing));
    }
  } else {
    std::map<int64_t, listings::Listing> found =
        listings::ListingStore::GetMany(connection, queued);
    for (const int64_t id : queued) {
      auto listing = found.find(id);
      if (listing == found.end() || listing->second.StatusOn(today) != listings::kStatusActive)
        continue;
      batch.push_back(std::move(listing->second));
    }
  }
  std::vector<Told> told;
  std::set<int64_t> people;
  // The extra audience's people of each listing (kept alive for the mails' values).
  std::vector<std::vector<ExtraAudience::Person>> extras(batch.size());
  for (size_t listing_idx = 0; listing_idx < batch.size(); ++listing_idx) {
    const listings::Listing& listing = batch[listing_idx];
    std::set<int64_t> matched;
    for (const matching::PersonMatch& match : matcher_.Match(listing)) {
      told.push_back({&listing, match, nullptr});
      people.insert(match.user_id);
      matched.insert(match.user_id);
    }
    if (extra_ == nullptr) continue;
    extras[listing_idx] = extra_->PeopleFor(connection, listing, matched, now);
    for (const ExtraAudience::Person& person : extras[listing_idx]) {
      if (matched.contains(person.user_id)) continue;
      matching::PersonMatch match;
      match.user_id = person.user_id;
      told.push_back({&listing, match, &person.mail_values});
      people.insert(person.user_id);
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
  if (extra_ != nullptr) {
    std::map<const listings::Listing*, std::vector<int64_t>> extra_told;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (row_items[i]->extra != nullptr &&
          new_pairs.contains({rows[i].user_id, rows[i].listing_id}))
        extra_told[row_items[i]->listing].push_back(rows[i].user_id);
    }
    for (const auto& [listing, user_ids] : extra_told)
      extra_->Told(connection, *listing, user_ids, now);
  }

  if (match_listener_ != nullptr) {
    std::map<const listings::Listing*, std::vector<int64_t>> newly_told;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (new_pairs.contains({rows[i].user_id, rows[i].listing_id}))
        newly_told[row_items[i]->listing].push_back(rows[i].user_id);
    }
    for (const auto& [listing, user_ids] : newly_told)
      match_listener_->Matched(connection, *listing, user_ids, now);
  }

  std::vector<mail::OutgoingMessage> messages;
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
    std::string template_name = "listing_instant";
    if (const nlohmann::json* extra = row_items[i]->extra) {
      template_name = extra_->MailTemplate();
      for (const auto& [key, value] : extra->items()) values[key] = value;
    }
    Result<mail::OutgoingMessage> message = templates_.RenderNested(template_name, values);
    if (!message.ok()) throw std::runtime_error(template_name + ": " + message.status().message());
    message->idempotency_key =
        "instant:" + std::to_string(recipient.user_id) + ":" + std::to_string(listing.id);
    message->to_address = recipient.email;
    mail::AddUnsubscribeHeaders(*message, values["unsubscribe_url"].get<std::string>());
    if (options_.one_at_a_time) {
      if (mail::Enqueue(connection, *message, now)) ++report.instant_mails;
    } else {
      messages.push_back(std::move(*message));
    }
  }
  report.instant_mails += mail::EnqueueMany(connection, messages, now);
  transaction.Commit();
  return true;
}

}  // namespace vivrovert::notifications
