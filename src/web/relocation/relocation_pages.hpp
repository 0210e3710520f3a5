// Relocation projects (issue #23, docs/RELOCATION.md), as each side sees them:
//
//   /entreprise                          a signed-in person: their employers, registering
//                                        one (name, SIRET), the projects they were invited to
//   /entreprise/{id}                     the employer's staff: projects, new project, staff
//   /entreprise/{id}/projets/{project}   the project: members (invited, joined, answered),
//                                        invitations, consent to partners, and the team's
//                                        answer as aggregates only (how many members each
//                                        tile suits, criteria that exclude most); a member's
//                                        answer only when that member shares it
//   /entreprise/{id}/projets/{project}/synthese   the same as JSON
//   /entreprise/invitation/{token}       the invitation link: join the project, signed in
//   /entreprise/membre/{project}         the member: their private answer (criteria and
//                                        places, or one of their saved searches), their own
//                                        tiles, "share with the employer", "save as a search"
//   /partenaire/{slug}/entreprises       a partner: projects whose answer reaches its
//                                        territory, when the employer consented (size and
//                                        needs, no names)
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include <functional>
#include <string>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "domain/interests/interest_listener.hpp"
#include "domain/mail/templates.hpp"
#include "engine/engine.hpp"
#include "web/http/app.hpp"

namespace vivrovert::relocation {

// All must outlive the app; `listener` may be null (saved searches then notify nobody).
struct RelocationPagesEnv {
  storage::Database& database;
  const Clock& clock;
  Random& random;
  const mail::MailTemplates& templates;
  std::string public_base_url;
  const engine::SearchBackend& search;
  interests::InterestListener* listener;
  std::function<void()> mail_queued;  // nudges the mail worker; may be empty
};

// Each route keeps a copy of `env`.
void RegisterRelocationPages(web::App& app, const RelocationPagesEnv& env);

}  // namespace vivrovert::relocation
