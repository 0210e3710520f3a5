// "Territoire semblable" campaigns (option 3, domain/campaigns) and signed webhooks
// (domain/webhooks) as partners, operators and people see them:
//
//   /partenaire/{slug}/campagnes          the partner (option 3): its campaigns with their
//                                         status and counts (reached, opened since), and
//                                         the form to write one (editors)
//   /operateur/campagnes                  operators: the campaigns waiting, approve (sends
//                                         them) or refuse with a reason
//   /partenaire/{slug}/webhooks           the partner (option 3): its endpoints, the
//                                         deliveries with their status, the form to add an
//                                         endpoint (administrators; the secret is shown
//                                         once), replay of a delivery (administrators and
//                                         operators)
//   /compte/applications                  a person: the partners' apps they may link their
//                                         account to, what each link shares, link / unlink
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "domain/campaigns/campaigns.hpp"
#include "web/http/app.hpp"

namespace vivrovert::campaigns {

// Everything borrowed must outlive the app.
struct CampaignPagesEnv {
  storage::Database& database;
  const Clock& clock;
  const CampaignSender& sender;
  std::string secret_key;  // seals the webhook secrets (Config::SecretKey)
  bool allow_private_addresses = false;
  // Called after a campaign is approved (nudges the mail worker).
  std::function<void()> mail_queued;
};
void RegisterCampaignPages(web::App& app, const CampaignPagesEnv& env);

}  // namespace vivrovert::campaigns
