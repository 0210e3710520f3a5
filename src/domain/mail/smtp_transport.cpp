#include "domain/mail/smtp_transport.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/StringPartSource.h>
#include <Poco/SHA2Engine.h>
#include <Poco/Timespan.h>

#include <memory>
#include <sstream>

namespace vivrovert::mail {

namespace {

using Poco::Net::MailMessage;

constexpr std::string_view kFallbackDomain = "vivrovert.localhost";
constexpr size_t kMessageIdHashHexChars = 32;  // 128 bits of SHA-256: no collisions in practice

bool IsAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) > 127) return false;
  }
  return true;
}

std::string Trimmed(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\"");
  if (first == std::string_view::npos) return {};
  size_t last = text.find_last_not_of(" \t\"");
  return std::string(text.substr(first, last - first + 1));
}

// "Équipe VivroVert <x@y>" must travel as an encoded word; Poco then still finds the
// envelope address after '<'.
std::string FromHeader(const std::string& from_address) {
  size_t open = from_address.find('<');
  if (open == std::string::npos || IsAscii(from_address)) return from_address;
  return MailMessage::encodeWord(Trimmed(from_address.substr(0, open))) + " " +
         from_address.substr(open);
}

Status TransactionFailure(const Poco::Net::SMTPException& error) {
  const int code = error.code();
  if (code >= 500 && code <= 599) {
    return FailedPrecondition("SMTP relay refused the message (permanent): " + error.displayText());
  }
  return Unavailable("SMTP relay deferred the message: " + error.displayText());
}

std::string Base64(const std::string& text) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder << text;
  encoder.close();
  return out.str();
}

// AUTH LOGIN (RFC draft-murchison-sasl-login): user name, then password, each after a 334.
// Poco 1.11's AUTH_LOGIN only answers prompts spelled "Username:" or "Password:" and
// silently returns on any other (aiosmtpd says "User Name"), leaving the relay waiting
// for credentials; the prompts carry no information, so this follows the reply codes.
void LoginWithAuthLogin(Poco::Net::SMTPClientSession& session, const SmtpConfig& config) {
  std::string response;
  int status = session.sendCommand("AUTH LOGIN", response);
  if (status != 334) throw Poco::Net::SMTPException("AUTH LOGIN not accepted", response, status);
  status = session.sendCommand(Base64(config.username), response);
  if (status != 334)
    throw Poco::Net::SMTPException("AUTH LOGIN user name refused", response, status);
  status = session.sendCommand(Base64(config.password), response);
  if (status / 100 != 2) throw Poco::Net::SMTPException("AUTH LOGIN refused", response, status);
}

void BuildMail(const OutgoingMessage& message, const SmtpConfig& config, MailMessage& mail) {
  mail.setSender(FromHeader(config.from_address));
  mail.addRecipient(
      Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, message.to_address));
  mail.setSubject(MailMessage::encodeWord(message.subject, "UTF-8"));
  mail.set("Message-ID", MessageIdFor(message.idempotency_key, config.from_address));
  for (const auto& [name, value] : message.headers) mail.set(name, value);
  if (message.body_html.empty()) {
    mail.setContentType("text/plain; charset=UTF-8");
    mail.setContent(message.body_text, MailMessage::ENCODING_QUOTED_PRINTABLE);
    return;
  }
  // Set before adding parts: Poco keeps a multipart type that is already there, and
  // would otherwise pick multipart/mixed. Readers show the last alternative they can.
  mail.setContentType("multipart/alternative");
  mail.addContent(new Poco::Net::StringPartSource(message.body_text, "text/plain; charset=UTF-8"),
                  MailMessage::ENCODING_QUOTED_PRINTABLE);
  mail.addContent(new Poco::Net::StringPartSource(message.body_html, "text/html; charset=UTF-8"),
                  MailMessage::ENCODING_QUOTED_PRINTABLE);
}

// One client context for the process: system CAs, peer certificate checked (chain and
// host name), TLS 1.2 at least.
Poco::Net::Context::Ptr ClientTlsContext() {
  static const Poco::Net::Context::Ptr context = [] {
    Poco::Net::initializeSSL();
    Poco::Net::Context::Ptr created = new Poco::Net::Context(
        Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_RELAXED, 9,
        true /* load the system's CA certificates */);
    created->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    return created;
  }();
  return context;
}

}  // namespace

bool IsLocalRelay(std::string_view host) {
  if (host == "localhost" || host.ends_with(".localhost")) return true;
  Poco::Net::IPAddress address;
  if (!Poco::Net::IPAddress::tryParse(std::string(host), address)) return false;
  return address.isLoopback();
}

bool RelayNeedsStartTls(const SmtpConfig& config) {
  switch (config.tls) {
    case SmtpTls::kRequired:
      return true;
    case SmtpTls::kNone:
      return false;
    case SmtpTls::kAuto:
      return !IsLocalRelay(config.host);
  }
  return true;
}

std::string MessageIdFor(std::string_view idempotency_key, std::string_view from_address) {
  Poco::SHA2Engine sha256(Poco::SHA2Engine::SHA_256);
  sha256.update(idempotency_key.data(), static_cast<unsigned>(idempotency_key.size()));
  std::string hash = Poco::DigestEngine::digestToHex(sha256.digest());
  hash.resize(kMessageIdHashHexChars);

  std::string domain;
  if (size_t at = from_address.rfind('@'); at != std::string_view::npos) {
    std::string_view rest = from_address.substr(at + 1);
    domain = Trimmed(rest.substr(0, rest.find('>')));
  }
  if (domain.empty() || domain.find_first_of(" <>\r\n") != std::string::npos) {
    domain = kFallbackDomain;
  }
  return "<" + hash + "@" + domain + ">";
}

PocoSmtpTransport::PocoSmtpTransport(SmtpConfig config) : config_(std::move(config)) {}

Status PocoSmtpTransport::Send(const OutgoingMessage& message) {
  if (message.to_address.empty() ||
      message.to_address.find_first_of("\r\n<>") != std::string::npos ||
      message.subject.find_first_of("\r\n") != std::string::npos) {
    return InvalidArgument("malformed recipient or subject, not sent", "to_address");
  }
  const std::string relay = config_.host + ":" + std::to_string(config_.port);
  const Poco::Timespan timeout(config_.timeout_seconds, 0);

  // Phase 1: reach the relay and open the session. Nothing here concerns this message.
  std::unique_ptr<Poco::Net::SMTPClientSession> session;
  try {
    if (RelayNeedsStartTls(config_)) {
      // Built from the host name, which the certificate is checked against.
      auto secure =
          std::make_unique<Poco::Net::SecureSMTPClientSession>(config_.host, config_.port);
      secure->setTimeout(timeout);
      secure->login();  // EHLO
      if (!secure->startTLS(ClientTlsContext())) {
        return Unavailable("the SMTP relay " + relay +
                           " does not offer STARTTLS, which smtp.tls requires (set smtp.tls = none "
                           "only for a relay on a trusted network): nothing sent");
      }
      secure->login();  // EHLO again, inside TLS (RFC 3207)
      session = std::move(secure);
    } else {
      Poco::Net::StreamSocket socket;
      socket.connect(Poco::Net::SocketAddress(config_.host, config_.port), timeout);
      session = std::make_unique<Poco::Net::SMTPClientSession>(socket);
      session->setTimeout(timeout);
      session->login();  // EHLO
    }
    if (!config_.username.empty()) LoginWithAuthLogin(*session, config_);
  } catch (const Poco::Exception& error) {
    return Unavailable("cannot open an SMTP session with " + relay + ": " + error.displayText());
  } catch (const std::exception& error) {
    return Unavailable("cannot open an SMTP session with " + relay + ": " + error.what());
  }

  // Phase 2: the mail transaction (MAIL FROM, RCPT TO, DATA). Replies here are about
  // this message, so their class decides between retrying and giving up.
  try {
    MailMessage mail;
    BuildMail(message, config_, mail);
    session->sendMessage(mail);
  } catch (const Poco::Net::SMTPException& error) {
    return TransactionFailure(error);
  } catch (const Poco::Exception& error) {
    return Unavailable("SMTP delivery through " + relay + " interrupted: " + error.displayText());
  } catch (const std::exception& error) {
    return Unavailable("SMTP delivery through " + relay + " interrupted: " + error.what());
  }

  // The relay has accepted the message: a failing QUIT must not turn that into a retry.
  try {
    session->close();
  } catch (const Poco::Exception&) {
  }
  return Status::Ok();
}

}  // namespace vivrovert::mail
