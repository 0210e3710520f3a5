#include "domain/accounts/outbox_account_mailer.hpp"

#include <stdexcept>

#include "domain/mail/outbox.hpp"

namespace vivrovert::accounts {

void OutboxAccountMailer::Send(storage::Connection& connection, const AccountMail& mail,
                               int64_t now) {
  Result<mail::OutgoingMessage> message = templates_.Render(
      AccountMailTemplate(mail.kind), {{"display_name", mail.display_name},
                                       {"link", mail.link},
                                       {"expires_hours", std::to_string(mail.expires_hours)}});
  if (!message.ok()) {
    throw std::runtime_error(std::string("cannot render mail ") + AccountMailTemplate(mail.kind) +
                             ": " + message.status().ToString());
  }
  message->idempotency_key = mail.idempotency_key;
  message->to_address = mail.to_address;
  // A false return means this very message is already queued (same token): nothing to do.
  mail::Enqueue(connection, *message, now);
}

}  // namespace vivrovert::accounts
