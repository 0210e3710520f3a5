// The production AccountMailer: renders the French mail templates (verify_email,
// reset_password, change_email, see templates/mail/) and queues the message in the mail
// outbox on the caller's connection, so it is sent if and only if the account change
// commits. MailSender delivers it later.
//
// Thread safety: shared by all threads (MailTemplates is immutable once loaded).
// Errors: a template that fails to render (a missing variable, an unknown name) is a
// deployment fault: std::runtime_error, which rolls the caller's transaction back;
// storage::StorageError on database faults.
#pragma once

#include "domain/accounts/account_mailer.hpp"
#include "domain/mail/templates.hpp"

namespace vivrovert::accounts {

class OutboxAccountMailer final : public AccountMailer {
 public:
  // Keeps a reference to `templates`, which must outlive the mailer.
  explicit OutboxAccountMailer(const mail::MailTemplates& templates) : templates_(templates) {}

  void Send(storage::Connection& connection, const AccountMail& mail, int64_t now) override;

 private:
  const mail::MailTemplates& templates_;
};

}  // namespace vivrovert::accounts
