#include "core/config/config.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/IniFileConfiguration.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "core/common/env.hpp"
#include "core/common/private_file.hpp"

#ifndef VIVROVERT_SOURCE_ROOT
#define VIVROVERT_SOURCE_ROOT "."
#endif

namespace vivrovert {

namespace {

std::string EnvName(const std::string& key) {
  std::string name = "VIVROVERT_";
  for (char c : key)
    name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

Status ParseInt(const std::string& key, const std::string& text, int64_t min, int64_t max,
                int64_t& out) {
  try {
    size_t used = 0;
    long long value = std::stoll(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
    if (value < min || value > max) {
      return InvalidArgument(key + " must be between " + std::to_string(min) + " and " +
                                 std::to_string(max) + " (got " + text + ")",
                             key);
    }
    out = value;
    return Status::Ok();
  } catch (const std::exception&) {
    return InvalidArgument(key + " must be an integer (got '" + text + "')", key);
  }
}

}  // namespace

Result<Config> Config::Load(const std::string& path) {
  Config config;
  Poco::AutoPtr<Poco::Util::IniFileConfiguration> file;
  if (!path.empty()) {
    if (!std::filesystem::exists(path)) {
      return InvalidArgument("configuration file not found: " + path, "config");
    }
    try {
      file = new Poco::Util::IniFileConfiguration(path);
    } catch (const Poco::Exception& error) {
      return InvalidArgument("cannot read configuration file " + path + ": " + error.displayText(),
                             "config");
    }
    config.source_file = path;
  }

  // Each key: how to apply its text. The environment wins over the file.
  using Setter = std::function<Status(const std::string& key, const std::string& text)>;
  auto text_setter = [](std::string& field) -> Setter {
    return [&field](const std::string&, const std::string& text) {
      field = text;
      return Status::Ok();
    };
  };
  auto int_setter = [](auto& field, int64_t min, int64_t max) -> Setter {
    return [&field, min, max](const std::string& key, const std::string& text) {
      int64_t value = 0;
      VV_RETURN_IF_ERROR(ParseInt(key, text, min, max, value));
      field = static_cast<std::remove_reference_t<decltype(field)>>(value);
      return Status::Ok();
    };
  };
  auto bool_setter = [](bool& field) -> Setter {
    return [&field](const std::string& key, const std::string& text) {
      if (text == "true" || text == "1" || text == "yes") {
        field = true;
      } else if (text == "false" || text == "0" || text == "no" || text.empty()) {
        field = false;
      } else {
        return InvalidArgument(key + " must be true or false (got '" + text + "')", key);
      }
      return Status::Ok();
    };
  };
  Setter smtp_tls_setter = [&config](const std::string& key, const std::string& text) {
    if (text == "auto") {
      config.smtp.tls = SmtpTls::kAuto;
    } else if (text == "starttls") {
      config.smtp.tls = SmtpTls::kRequired;
    } else if (text == "none") {
      config.smtp.tls = SmtpTls::kNone;
    } else {
      return InvalidArgument(key + " must be auto, starttls or none (got '" + text + "')", key);
    }
    return Status::Ok();
  };
  const std::map<std::string, Setter> setters = {
      {"database.url", text_setter(config.database_url)},
      {"database.pool_size", int_setter(config.database_pool_size, 1, 256)},
      {"database.replica_url", text_setter(config.database_replica_url)},
      {"http.host", text_setter(config.listen_host)},
      {"http.port", int_setter(config.listen_port, 0, 65535)},
      {"http.threads", int_setter(config.http_threads, 1, 512)},
      {"http.trusted_proxies", text_setter(config.trusted_proxies)},
      {"http.request_deadline_seconds", int_setter(config.request_deadline_seconds, 1, 3600)},
      {"http.max_body_bytes", int_setter(config.max_body_bytes, 1024, int64_t{1} << 32)},
      {"http.public_base_url", text_setter(config.public_base_url)},
      {"api.rate_limit", int_setter(config.api_rate_limit, 0, int64_t{1} << 40)},
      {"api.rate_window_seconds", int_setter(config.api_rate_window_seconds, 1, 86400)},
      {"api.map_rate_limit", int_setter(config.api_map_rate_limit, 0, int64_t{1} << 40)},
      {"api.click_rate_limit", int_setter(config.api_click_rate_limit, 0, int64_t{1} << 40)},
      {"smtp.host", text_setter(config.smtp.host)},
      {"smtp.port", int_setter(config.smtp.port, 1, 65535)},
      {"smtp.username", text_setter(config.smtp.username)},
      {"smtp.password", text_setter(config.smtp.password)},
      {"smtp.from", text_setter(config.smtp.from_address)},
      {"smtp.timeout_seconds", int_setter(config.smtp.timeout_seconds, 1, 600)},
      {"smtp.tls", smtp_tls_setter},
      {"publisher.name", text_setter(config.publisher.name)},
      {"publisher.legal_form", text_setter(config.publisher.legal_form)},
      {"publisher.siret", text_setter(config.publisher.siret)},
      {"publisher.address", text_setter(config.publisher.address)},
      {"publisher.email", text_setter(config.publisher.email)},
      {"publisher.publication_director", text_setter(config.publisher.publication_director)},
      {"publisher.dpo_email", text_setter(config.publisher.dpo_email)},
      {"publisher.host_name", text_setter(config.publisher.host_name)},
      {"publisher.host_address", text_setter(config.publisher.host_address)},
      {"publisher.host_phone", text_setter(config.publisher.host_phone)},
      {"publisher.vat_number", text_setter(config.publisher.vat_number)},
      {"publisher.iban", text_setter(config.publisher.iban)},
      {"publisher.bic", text_setter(config.publisher.bic)},
      {"publisher.late_penalty_rate", text_setter(config.publisher.late_penalty_rate)},
      {"demo.enabled", bool_setter(config.demo_mode)},
      {"audience.count_operators", bool_setter(config.audience_count_operators)},
      {"barometer.raw_retention_days", int_setter(config.barometer_raw_retention_days, 30, 1827)},
      {"skills.alerts_per_job", int_setter(config.skills_alerts_per_job, 1, 100000)},
      {"skills.alerts_per_person_week", int_setter(config.skills_alerts_per_person_week, 1, 100)},
      {"webhooks.allow_private_addresses", bool_setter(config.webhooks_allow_private_addresses)},
      {"webhooks.ca_file", text_setter(config.webhooks_ca_file)},
      {"paths.data_dir", text_setter(config.data_dir)},
      {"paths.var_dir", text_setter(config.var_dir)},
      {"paths.resource_dir", text_setter(config.resource_dir)},
      {"paths.grid_file", text_setter(config.grid_file)},
      {"security.secret_key", text_setter(config.secret_key)},
      {"nightly.hour", int_setter(config.nightly_hour, -1, 23)},
      {"map.base_url", text_setter(config.map.base_url)},
      {"map.base_attribution", text_setter(config.map.base_attribution)},
      {"map.base_subdomains", text_setter(config.map.base_subdomains)},
      {"map.base_min_zoom", int_setter(config.map.base_min_zoom, 0, 22)},
      {"map.base_max_zoom", int_setter(config.map.base_max_zoom, 0, 22)},
      {"data.update_day", int_setter(config.data_update_day, -1, 7)},
      {"data.update_hour", int_setter(config.data_update_hour, 0, 23)},
  };

  if (file) {
    Poco::Util::AbstractConfiguration::Keys sections;
    file->keys(sections);
    for (const std::string& section : sections) {
      Poco::Util::AbstractConfiguration::Keys names;
      file->keys(section, names);
      for (const std::string& name : names) {
        std::string key = section + "." + name;
        auto setter = setters.find(key);
        if (setter == setters.end()) {
          return InvalidArgument("unknown configuration key '" + key + "' in " + path, key);
        }
        VV_RETURN_IF_ERROR(setter->second(key, file->getString(key)));
      }
    }
  }
  for (const auto& [key, setter] : setters) {
    if (const char* value = std::getenv(EnvName(key).c_str())) {
      VV_RETURN_IF_ERROR(setter(key, value));
    }
  }

  if (config.resource_dir.empty()) config.resource_dir = VIVROVERT_SOURCE_ROOT;
  if (config.data_dir.empty()) {
    // Development machines and CI keep the open data beside the checkout.
    std::filesystem::path shared =
        std::filesystem::path(config.resource_dir) / ".." / "shared" / "data";
    config.data_dir = std::filesystem::exists(shared)
                          ? std::filesystem::weakly_canonical(shared).string()
                          : (std::filesystem::path(config.resource_dir) / "data").string();
  }
  if (config.grid_file.empty()) config.grid_file = config.var_dir + "/grid/vivrovert.grid";
  while (config.public_base_url.ends_with('/')) config.public_base_url.pop_back();
  if (!config.public_base_url.starts_with("http://") &&
      !config.public_base_url.starts_with("https://")) {
    return InvalidArgument("http.public_base_url must start with http:// or https://",
                           "http.public_base_url");
  }
  VV_RETURN_IF_ERROR(BaseMapOrigin(config.map).status());
  return config;
}

Result<std::string> BaseMapOrigin(const MapConfig& map) {
  if (map.base_url.empty()) return std::string();
  const std::string& url = map.base_url;
  const size_t scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "https" && scheme != "http")
    return InvalidArgument("map.base_url must start with https:// (or http://)", "map.base_url");
  const size_t host_begin = scheme_end + 3;
  const size_t host_end = url.find('/', host_begin);
  if (host_end == std::string::npos || host_end == host_begin)
    return InvalidArgument("map.base_url needs a host and a path", "map.base_url");
  std::string host = url.substr(host_begin, host_end - host_begin);
  if (host.starts_with("{s}.")) host = "*." + host.substr(4);
  if (host.find_first_of("{}/?#@ ") != std::string::npos)
    return InvalidArgument("map.base_url: only {s}, first in the host name, may stand in the host",
                           "map.base_url");
  for (const char* placeholder : {"{z}", "{x}", "{y}"}) {
    if (url.find(placeholder, host_end) == std::string::npos)
      return InvalidArgument(std::string("map.base_url must hold ") + placeholder + " in its path",
                             "map.base_url");
  }
  if (map.base_attribution.empty())
    return InvalidArgument("map.base_attribution must name the tiles' source and licence",
                           "map.base_attribution");
  if (map.base_attribution.find_first_of("<>") != std::string::npos)
    return InvalidArgument("map.base_attribution is plain text (no < or >)",
                           "map.base_attribution");
  if (map.base_min_zoom > map.base_max_zoom)
    return InvalidArgument("map.base_min_zoom must not exceed map.base_max_zoom",
                           "map.base_min_zoom");
  for (char c : map.base_subdomains) {
    if (!std::isalnum(static_cast<unsigned char>(c)))
      return InvalidArgument("map.base_subdomains holds letters and digits only",
                             "map.base_subdomains");
  }
  return scheme + "://" + host;
}

Result<std::string> Config::SecretKey() const {
  if (!secret_key.empty()) {
    if (secret_key.size() < 32) {
      return InvalidArgument("security.secret_key must be at least 32 characters",
                             "security.secret_key");
    }
    return secret_key;
  }
  std::filesystem::path key_file = std::filesystem::path(var_dir) / "secret.key";
  std::error_code error;
  std::filesystem::create_directories(var_dir, error);
  if (std::ifstream in(key_file); in) {
    std::string key;
    std::getline(in, key);
    if (key.size() >= 32) return key;
  }
  std::string key = SecureRandom::Instance().Token(48);
  // Write a temporary file, created private (0600) at once, then hard-link it into place:
  // link() fails when the key file exists, so two processes starting together end up
  // reading the same key.
  std::filesystem::path temp = key_file;
  temp += ".tmp" + SecureRandom::Instance().Token(6);
  VV_RETURN_IF_ERROR(CreatePrivateFile(temp.string(), key + "\n"));
  std::filesystem::create_hard_link(temp, key_file, error);
  std::error_code ignored;
  std::filesystem::remove(temp, ignored);
  if (error) {
    if (std::filesystem::exists(key_file)) {
      std::ifstream in(key_file);
      std::string existing;
      std::getline(in, existing);
      if (existing.size() >= 32) return existing;
      return FailedPrecondition(key_file.string() + " holds a key shorter than 32 characters");
    }
    return Unavailable("cannot write " + key_file.string() + ": " + error.message());
  }
  return key;
}

}  // namespace vivrovert
