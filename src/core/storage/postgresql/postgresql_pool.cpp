#include "core/storage/postgresql/postgresql_pool.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <mutex>

namespace vivrovert::storage {

namespace {

class PostgresqlSessionPool final : public Poco::Data::SessionPool {
 public:
  PostgresqlSessionPool(const std::string& uri, const PoolOptions& options)
      : Poco::Data::SessionPool(Poco::Data::PostgreSQL::Connector::KEY, uri, options.min_sessions,
                                options.max_sessions, options.idle_seconds) {}

 protected:
  void customizeSession(Poco::Data::Session& session) override {
    using namespace Poco::Data::Keywords;
    // Timestamps are stored as epoch seconds; UTC keeps any SQL date function honest.
    session << "SET TIME ZONE 'UTC'", now;
    session << "SET client_min_messages = warning", now;
  }
};

// Poco's connector takes libpq's `key=value` form only; we accept the URI form people
// write in configuration and convert it (values quoted, as libpq requires for spaces).
Result<std::string> ToKeywordValue(const std::string& uri_text) {
  try {
    Poco::URI uri(uri_text);
    std::string out;
    auto add = [&out](const std::string& key, const std::string& value) {
      if (value.empty()) return;
      std::string quoted;
      for (char c : value) {
        if (c == '\\' || c == '\'') quoted += '\\';
        quoted += c;
      }
      out += key + "='" + quoted + "' ";
    };
    add("host", uri.getHost());
    if (uri.getPort() != 0) add("port", std::to_string(uri.getPort()));
    std::string user_info = uri.getUserInfo();
    size_t colon = user_info.find(':');
    add("user", user_info.substr(0, colon));
    if (colon != std::string::npos) add("password", user_info.substr(colon + 1));
    std::string path = uri.getPath();
    add("dbname", path.starts_with('/') ? path.substr(1) : path);
    for (const auto& [key, value] : uri.getQueryParameters()) add(key, value);
    return out;
  } catch (const Poco::Exception& error) {
    return InvalidArgument("malformed PostgreSQL URL: " + error.displayText(), "database.url");
  }
}

}  // namespace

Result<std::unique_ptr<Poco::Data::SessionPool>> OpenPostgresqlPool(const std::string& uri,
                                                                    const PoolOptions& options) {
  static std::once_flag registered;
  std::call_once(registered, [] { Poco::Data::PostgreSQL::Connector::registerConnector(); });
  VV_ASSIGN_OR_RETURN(std::string connection_string, ToKeywordValue(uri));
  return std::unique_ptr<Poco::Data::SessionPool>(
      new PostgresqlSessionPool(connection_string, options));
}

}  // namespace vivrovert::storage
