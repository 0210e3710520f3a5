#include "domain/relocation/relocation_mail.hpp"

#include "domain/mail/outbox.hpp"

namespace vivrovert::relocation {

std::string InvitationPath(const std::string& token) { return "/entreprise/invitation/" + token; }

Result<bool> QueueInvitation(storage::Connection& connection, const mail::MailTemplates& templates,
                             const Invitation& invitation, const Employer& employer,
                             const Project& project, const std::string& site,
                             const std::string& public_base_url, int64_t now) {
  VV_ASSIGN_OR_RETURN(
      mail::OutgoingMessage message,
      templates.Render("relocation_invitation",
                       {{"employer", employer.name},
                        {"project", project.name},
                        {"site", site},
                        {"link", public_base_url + InvitationPath(invitation.token)}}));
  message.idempotency_key = "relocation_invitation:" + std::to_string(invitation.member.id);
  message.to_address = invitation.member.email;
  return mail::Enqueue(connection, message, now);
}

}  // namespace vivrovert::relocation
