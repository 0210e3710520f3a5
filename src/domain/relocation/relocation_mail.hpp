// The invitation e-mail of a relocation project's member (template
// `relocation_invitation`), queued in the outbox in the caller's transaction with the
// idempotency key "relocation_invitation:<member id>": one mail per invitation, however
// often it is queued.
//
// Thread safety: a stateless function on the caller's connection.
#pragma once

#include <string>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/mail/templates.hpp"
#include "domain/relocation/relocation_store.hpp"

namespace vivrovert::relocation {

// "/entreprise/invitation/<token>".
std::string InvitationPath(const std::string& token);

// Renders and queues the invitation; returns whether it was queued now (false: it was
// already). `site` is how the new site is named ("Cahors (46042)").
Result<bool> QueueInvitation(storage::Connection& connection, const mail::MailTemplates& templates,
                             const Invitation& invitation, const Employer& employer,
                             const Project& project, const std::string& site,
                             const std::string& public_base_url, int64_t now);

}  // namespace vivrovert::relocation
