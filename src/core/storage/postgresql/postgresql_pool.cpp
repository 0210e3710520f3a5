#include "core/storage/postgresql/postgresql_pool.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
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

// libpq's multi-host URI, postgresql://user@host1:port1,host2:port2/db (with
// target_session_attrs=read-write: the server accepting writes, e.g. after a standby's
// promotion): Poco::URI reads one host, so the list is taken out of the URI, which keeps
// its first entry, and given as host='host1,host2' port='port1,port2'.
struct HostList {
  std::string uri;  // with one host
  std::string hosts, ports;
};
HostList TakeHostList(const std::string& uri_text) {
  HostList out{uri_text, {}, {}};
  const size_t scheme_end = uri_text.find("://");
  if (scheme_end == std::string::npos) return out;
  const size_t authority_begin = scheme_end + 3;
  const size_t authority_end =
      std::min(uri_text.find_first_of("/?", authority_begin), uri_text.size());
  const size_t at = uri_text.rfind('@', authority_end);
  const size_t list_begin =
      at == std::string::npos || at < authority_begin ? authority_begin : at + 1;
  const std::string list = uri_text.substr(list_begin, authority_end - list_begin);
  if (list.find(',') == std::string::npos) return out;
  std::string first;
  size_t begin = 0;
  while (begin <= list.size()) {
    size_t end = list.find(',', begin);
    if (end == std::string::npos) end = list.size();
    const std::string entry = list.substr(begin, end - begin);
    std::string host = entry, port;
    if (entry.starts_with('[')) {  // [IPv6]:port
      const size_t close = entry.find(']');
      host = entry.substr(1, close == std::string::npos ? std::string::npos : close - 1);
      if (close != std::string::npos && close + 1 < entry.size() && entry[close + 1] == ':')
        port = entry.substr(close + 2);
    } else if (const size_t colon = entry.rfind(':'); colon != std::string::npos) {
      host = entry.substr(0, colon);
      port = entry.substr(colon + 1);
    }
    if (first.empty()) first = entry;
    out.hosts += (begin == 0 ? "" : ",") + host;
    out.ports += (begin == 0 ? "" : ",") + port;
    begin = end + 1;
  }
  out.uri = uri_text.substr(0, list_begin) + first + uri_text.substr(authority_end);
  return out;
}

// Poco's connector takes libpq's `key=value` form only; we accept the URI form people
// write in configuration and convert it (values quoted, as libpq requires for spaces).
Result<std::string> ToKeywordValue(const std::string& uri_text) {
  try {
    const HostList host_list = TakeHostList(uri_text);
    Poco::URI uri(host_list.uri);
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
    if (!host_list.hosts.empty()) {
      add("host", host_list.hosts);
      add("port", host_list.ports);
    } else {
      add("host", uri.getHost());
      if (uri.getPort() != 0) add("port", std::to_string(uri.getPort()));
    }
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
