// How the account use cases send their e-mails: an interface, so that AccountService
// does not depend on how mail is rendered and queued. The production implementation,
// OutboxAccountMailer (outbox_account_mailer.hpp), renders the French templates and
// queues the message in the mail outbox; tests record the calls.
//
// Send() is called inside the transaction of the change that causes the mail, on its
// connection, so the mail is queued if and only if the change commits.
//
// Thread safety: implementations are shared by all threads.
// Errors: implementations throw on faults (storage::StorageError, a broken template);
// the caller's transaction then rolls back.
#pragma once

#include <cstdint>
#include <string>

#include "core/storage/database.hpp"

namespace vivrovert::accounts {

enum class AccountMailKind {
  kVerifyEmail,    // confirm the address given at sign-up
  kResetPassword,  // choose a new password (also sent when someone signs up with an
                   // address that already has an account)
  kChangeEmail,    // confirm a new address, sent to that new address
};

// Name of the mail template of `kind`: "verify_email", "reset_password", "change_email".
inline const char* AccountMailTemplate(AccountMailKind kind) {
  switch (kind) {
    case AccountMailKind::kVerifyEmail:
      return "verify_email";
    case AccountMailKind::kResetPassword:
      return "reset_password";
    case AccountMailKind::kChangeEmail:
      return "change_email";
  }
  return "verify_email";
}

struct AccountMail {
  AccountMailKind kind = AccountMailKind::kVerifyEmail;
  std::string to_address;
  std::string display_name;
  std::string link;  // absolute URL carrying the single-use token
  int64_t expires_hours = 0;
  // Unique per message ("<template>:<user id>:<token hash prefix>"): a retried
  // transaction cannot queue the same mail twice.
  std::string idempotency_key;
};

class AccountMailer {
 public:
  virtual ~AccountMailer() = default;
  virtual void Send(storage::Connection& connection, const AccountMail& mail, int64_t now) = 0;
};

}  // namespace vivrovert::accounts
