// Who left which mail list (domain/mail/unsubscribe.hpp names the lists), as producers of list
// mail ask before queueing and as the unsubscribe link and the profile page change it.
//
//  - kListings (instant notifications and digests): governed by the person's profile
//    notification preference (domain/profiles/profile.hpp); leaving sets it to 'none', which the
//    profile page shows and can change back to a frequency.
//  - kLeadReports (a partner staff member's lead reports): a row of `mail_opt_outs`
//    (migration 0010); the profile page of a staff member has a checkbox to opt back in.
//  - kCampaigns (partners' campaigns): the consent 'partner_campaigns'; leaving withdraws it.
//
// Thread safety: stateless functions on the caller's connection, inside the caller's
// transaction if one is open. Database faults throw storage::StorageError (among them a
// user id that does not exist, refused by the foreign keys).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/storage/database.hpp"
#include "domain/mail/unsubscribe.hpp"

namespace vivrovert::mail {

// kListings: the profile's notification is 'none' (no profile: not opted out, the
// default preference is a daily digest). kLeadReports: a mail_opt_outs row exists.
bool IsOptedOut(storage::Connection& connection, int64_t user_id, MailList list);

// Leaves `list` at `now`. Idempotent. kListings sets the profile's notification to 'none'
// (creating the profile, with no fields, when there is none); kLeadReports adds the
// mail_opt_outs row (kept with its first date when already there).
void OptOut(storage::Connection& connection, int64_t user_id, MailList list, int64_t now);

// Joins `list` again. Idempotent. kLeadReports removes the mail_opt_outs row. kListings
// brings a notification of 'none' back to the default, 'daily' (another frequency is
// left as chosen); the profile page is where a person picks one.
void OptIn(storage::Connection& connection, int64_t user_id, MailList list, int64_t now);

// A mail_opt_outs row as the RGPD export shows it.
struct OptOutRecord {
  std::string list;  // "lead_reports"
  int64_t created_at = 0;
};

// The rows of mail_opt_outs of `user_id`, oldest first. (Leaving the listing mails is
// the profile's notification 'none', exported with the profile.)
std::vector<OptOutRecord> OptOutsOf(storage::Connection& connection, int64_t user_id);

}  // namespace vivrovert::mail
