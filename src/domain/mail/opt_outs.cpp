#include "domain/mail/opt_outs.hpp"

#include "domain/profiles/profile.hpp"

namespace vivrovert::mail {

namespace {

// The value of mail_opt_outs.list (its CHECK constraint lists them).
constexpr const char* kLeadReportsRow = "lead_reports";
constexpr const char* kNoNotification = "none";
constexpr const char* kDefaultNotification = "daily";

}  // namespace

bool IsOptedOut(storage::Connection& connection, int64_t user_id, MailList list) {
  switch (list) {
    case MailList::kListings:
      return profiles::ProfileStore::Get(connection, user_id).notification == kNoNotification;
    case MailList::kLeadReports:
      return connection
          .QueryOne("SELECT 1 FROM mail_opt_outs WHERE user_id = $1 AND list = $2",
                    {user_id, std::string(kLeadReportsRow)})
          .has_value();
    case MailList::kCampaigns:
      return profiles::ProfileStore::Granted(connection, profiles::kCampaignsConsent, {user_id})
          .empty();
  }
  return false;
}

void OptOut(storage::Connection& connection, int64_t user_id, MailList list, int64_t now) {
  switch (list) {
    case MailList::kListings:
      profiles::ProfileStore::SetNotification(connection, user_id, kNoNotification, now);
      return;
    case MailList::kLeadReports:
      connection.Execute(
          "INSERT INTO mail_opt_outs (user_id, list, created_at) VALUES ($1, $2, $3) "
          "ON CONFLICT (user_id, list) DO NOTHING",
          {user_id, std::string(kLeadReportsRow), now});
      return;
    case MailList::kCampaigns:
      profiles::ProfileStore::SetConsents(connection, user_id,
                                          {{profiles::kCampaignsConsent, false}}, now);
      return;
  }
}

void OptIn(storage::Connection& connection, int64_t user_id, MailList list, int64_t now) {
  switch (list) {
    case MailList::kListings:
      if (IsOptedOut(connection, user_id, list)) {
        profiles::ProfileStore::SetNotification(connection, user_id, kDefaultNotification, now);
      }
      return;
    case MailList::kLeadReports:
      connection.Execute("DELETE FROM mail_opt_outs WHERE user_id = $1 AND list = $2",
                         {user_id, std::string(kLeadReportsRow)});
      return;
    case MailList::kCampaigns:
      profiles::ProfileStore::SetConsents(connection, user_id,
                                          {{profiles::kCampaignsConsent, true}}, now);
      return;
  }
}

std::vector<OptOutRecord> OptOutsOf(storage::Connection& connection, int64_t user_id) {
  std::vector<OptOutRecord> records;
  for (const storage::Row& row : connection.Query("SELECT list, created_at FROM mail_opt_outs "
                                                  "WHERE user_id = $1 ORDER BY created_at, list",
                                                  {user_id})) {
    records.push_back({row.Text(0), row.Int(1)});
  }
  return records;
}

}  // namespace vivrovert::mail
