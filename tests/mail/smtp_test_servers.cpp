#include "smtp_test_servers.hpp"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/PipeStream.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/common/env.hpp"

namespace vivrovert::mail::testing {

namespace {

constexpr const char* kPython = "/usr/bin/python3";

std::string Script(const char* name) { return std::string(VIVROVERT_MAIL_TEST_DIR) + "/" + name; }

std::string RequiredEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(
        std::string(name) +
        " is not set: run the mail tests through scripts/with-test-services.sh");
  }
  return value;
}

std::string RandomSuffix() {
  std::string token = SecureRandom::Instance().Token(9);
  for (char& c : token) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = 'x';
  }
  return token;
}

}  // namespace

uint16_t SharedSmtpPort() {
  return static_cast<uint16_t>(std::stoi(RequiredEnv("VIVROVERT_TEST_SMTP_PORT")));
}

std::string SharedMaildir() { return RequiredEnv("VIVROVERT_TEST_MAILDIR"); }

uint16_t UnusedPort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  uint16_t port = socket.address().port();
  socket.close();
  return port;
}

std::string UniqueAddress(const std::string& prefix) {
  return prefix + "-" + RandomSuffix() + "@example.test";
}

std::vector<ReceivedMail> ReadMaildir(const std::string& folder) {
  const std::string command =
      std::string(kPython) + " '" + Script("maildir_dump.py") + "' '" + folder + "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
  std::string output;
  char buffer[4096];
  while (size_t read = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, read);
  if (pclose(pipe) != 0) throw std::runtime_error(command + " failed");

  std::vector<ReceivedMail> mails;
  auto text = [](const nlohmann::json& entry, const char* key) {
    return entry[key].is_string() ? entry[key].get<std::string>() : std::string();
  };
  for (const nlohmann::json& entry : nlohmann::json::parse(output)) {
    ReceivedMail mail{text(entry, "to"),
                      text(entry, "from"),
                      text(entry, "subject"),
                      text(entry, "message_id"),
                      text(entry, "content_type"),
                      text(entry, "rcpt_to"),
                      text(entry, "text"),
                      text(entry, "text_charset"),
                      text(entry, "html"),
                      text(entry, "html_charset"),
                      text(entry, "list_unsubscribe"),
                      text(entry, "list_unsubscribe_post"),
                      {}};
    for (const nlohmann::json& pair : entry["headers"]) {
      mail.headers.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    }
    mails.push_back(std::move(mail));
  }
  return mails;
}

std::optional<std::string> ReceivedMail::Header(std::string_view name) const {
  auto lower = [](std::string_view name_or_header) {
    std::string out;
    for (char c : name_or_header)
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return out;
  };
  for (const auto& [header, value] : headers) {
    if (lower(header) == lower(name)) return value;
  }
  return std::nullopt;
}

std::vector<ReceivedMail> MailTo(const std::string& folder, const std::string& address) {
  std::vector<ReceivedMail> matching;
  for (ReceivedMail& mail : ReadMaildir(folder)) {
    if (mail.rcpt_to == address) matching.push_back(std::move(mail));
  }
  return matching;
}

FaultSmtpServer::FaultSmtpServer(const std::string& auth, uint16_t port) {
  folder_ = (std::filesystem::temp_directory_path() / ("vivrovert-fault-smtp-" + RandomSuffix()))
                .string();
  std::filesystem::create_directories(folder_);
  maildir_ = folder_ + "/maildir";
  Poco::Process::Args args{Script("fault_smtp.py"), maildir_};
  if (!auth.empty()) {
    args.push_back("--auth");
    args.push_back(auth);
  }
  if (port != 0) {
    args.push_back("--port");
    args.push_back(std::to_string(port));
  }
  Poco::Pipe stdout_pipe;
  process_ = std::make_unique<Poco::ProcessHandle>(
      Poco::Process::launch(kPython, args, &stdin_, &stdout_pipe, nullptr));
  // The server prints its port once it listens; reading blocks until then.
  Poco::PipeInputStream out(stdout_pipe);
  std::string word;
  int listening = 0;
  out >> word >> listening;
  if (word != "PORT" || listening <= 0) {
    stdin_.close(Poco::Pipe::CLOSE_WRITE);
    Poco::Process::wait(*process_);
    throw std::runtime_error("fault_smtp.py did not start");
  }
  port_ = static_cast<uint16_t>(listening);
}

FaultSmtpServer::~FaultSmtpServer() {
  stdin_.close(Poco::Pipe::CLOSE_WRITE);
  Poco::Process::wait(*process_);
  std::error_code error;
  std::filesystem::remove_all(folder_, error);
}

}  // namespace vivrovert::mail::testing
