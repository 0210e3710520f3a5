#include "data/update/data_update.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "data/update/unpack.hpp"

namespace vivrovert::data_update {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string Replace(std::string text, const std::string& key, const std::string& value) {
  for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
    text.replace(at, key.size(), value);
  return text;
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The last segment of a URL's path ("full.csv.gz"), empty when none.
std::string UrlFileName(const std::string& url) {
  std::string path = url.substr(0, url.find_first_of("?#"));
  const size_t scheme = path.find("://");
  if (scheme != std::string::npos) {
    const size_t slash = path.find('/', scheme + 3);
    path = slash == std::string::npos ? std::string() : path.substr(slash);
  }
  const size_t last = path.find_last_of('/');
  return last == std::string::npos ? path : path.substr(last + 1);
}

// One file to fetch, the templates expanded.
struct Planned {
  const FileSpec* spec = nullptr;
  std::string url;    // empty: resolved through data.gouv.fr
  std::string title;  // data.gouv.fr: the resource title's regex
  std::string name;   // local file name
};

std::vector<Planned> Plan(const SourceSpec& source, const UpdateOptions& options) {
  std::vector<Planned> planned;
  for (const FileSpec& spec : source.files) {
    const bool use_national = options.national && !spec.national_url.empty();
    const std::string url = use_national ? spec.national_url : spec.url;
    const bool per_departement = url.find("{departement}") != std::string::npos ||
                                 spec.resource_title.find("{departement}") != std::string::npos;
    std::vector<std::string> departements =
        per_departement ? options.departements : std::vector<std::string>{""};
    std::vector<std::string> years;
    for (int year : spec.years) years.push_back(std::to_string(year));
    if (years.empty()) years.push_back("");
    for (const std::string& year : years) {
      for (const std::string& departement : departements) {
        auto expand = [&](const std::string& text) {
          return Replace(Replace(text, "{year}", year), "{departement}", departement);
        };
        Planned file;
        file.spec = &spec;
        file.url = expand(url);
        file.title = expand(spec.resource_title);
        file.name = expand(spec.name);
        if (file.name.empty()) file.name = UrlFileName(file.url);
        if (file.name.empty()) {
          file.name = source.id + "-" + std::to_string(planned.size() + 1) +
                      (departement.empty() ? "" : "-" + departement);
        }
        planned.push_back(file);
      }
    }
  }
  return planned;
}

// The latest resource of a data.gouv.fr dataset whose title matches `title` (and format
// `format` when given): its address and what the publisher announces of it.
struct Resolved {
  std::string url;
  Expected expected;
  std::string vintage;  // the resource's last modification
  std::string title;
};

Result<Resolved> ResolveDataGouv(const Fetcher& fetcher, const std::string& api,
                                 const FileSpec& spec, const std::string& title) {
  const std::string address = api + "datasets/" + spec.datagouv_dataset + "/";
  VV_ASSIGN_OR_RETURN(std::string text, fetcher.Get(address));
  json dataset = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (dataset.is_discarded() || !dataset.contains("resources") ||
      !dataset["resources"].is_array()) {
    return DataLoss(address + ": not a data.gouv.fr dataset description (no resources)");
  }
  std::regex wanted;
  try {
    wanted = std::regex(title.empty() ? ".*" : title, std::regex::icase);
  } catch (const std::regex_error&) {
    return InvalidArgument("'" + title + "' is not a valid regular expression", "resource_title");
  }
  const json* best = nullptr;
  for (const json& resource : dataset["resources"]) {
    if (!resource.is_object() || !resource.contains("url") || !resource["url"].is_string())
      continue;
    const std::string resource_title = resource.value("title", "");
    if (!std::regex_match(resource_title, wanted)) continue;
    if (!spec.resource_format.empty() &&
        Lower(resource.value("format", "")) != Lower(spec.resource_format))
      continue;
    if (best == nullptr || resource.value("last_modified", "") > best->value("last_modified", ""))
      best = &resource;
  }
  if (best == nullptr) {
    return NotFound(address + ": no resource titled like '" + title + "'" +
                    (spec.resource_format.empty() ? "" : " in " + spec.resource_format));
  }
  Resolved resolved;
  resolved.url = (*best)["url"].get<std::string>();
  resolved.title = best->value("title", "");
  resolved.vintage = best->value("last_modified", "");
  if ((*best).contains("filesize") && (*best)["filesize"].is_number_unsigned())
    resolved.expected.size = (*best)["filesize"].get<uint64_t>();
  if ((*best).contains("checksum") && (*best)["checksum"].is_object()) {
    resolved.expected.checksum_type = Lower((*best)["checksum"].value("type", ""));
    resolved.expected.checksum = (*best)["checksum"].value("value", "");
  }
  return resolved;
}

json ReadState(const std::string& path) {
  std::ifstream in(path);
  if (!in) return json::object();
  json state = json::parse(in, nullptr, /*allow_exceptions=*/false);
  return state.is_object() ? state : json::object();
}

Status WriteState(const json& state, const std::string& path) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    if (!out) return Unavailable("cannot write " + temp);
    out << state.dump(2) << "\n";
    if (!out) return Unavailable("cannot write " + temp + " (disk full?)");
  }
  std::error_code error;
  fs::rename(temp, path, error);
  if (error) return Unavailable("cannot rename " + temp + " to " + path);
  return Status::Ok();
}

std::string UnpackedName(const Planned& file) {
  if (file.spec->unpack == "gz" && file.name.ends_with(".gz"))
    return file.name.substr(0, file.name.size() - 3);
  if (file.spec->unpack == "gz") return file.name + ".unpacked";
  if (file.spec->unpack == "zip") {
    std::string base =
        file.name.ends_with(".zip") ? file.name.substr(0, file.name.size() - 4) : file.name;
    return base + ".unpacked";
  }
  return file.name;
}

}  // namespace

Result<SourcesFile> LoadSourcesFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot read the sources file " + path);
  json root = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object() || !root.contains("sources") ||
      !root["sources"].is_array()) {
    return InvalidArgument(path + ": a JSON object with a \"sources\" array was expected");
  }
  SourcesFile file;
  file.datagouv_api = root.value("datagouv_api", "https://www.data.gouv.fr/api/1/");
  if (!file.datagouv_api.ends_with("/")) file.datagouv_api += "/";
  std::set<std::string> ids;
  try {
    for (const json& entry : root["sources"]) {
      SourceSpec source;
      source.id = entry.at("id").get<std::string>();
      source.import = entry.value("import", source.id);
      source.note = entry.value("note", "");
      source.covers = entry.value("covers", "");
      if (!ids.insert(source.id).second)
        return InvalidArgument(path + ": source '" + source.id + "' is listed twice", "id");
      for (const json& item : entry.value("files", json::array())) {
        FileSpec spec;
        spec.url = item.value("url", "");
        spec.national_url = item.value("national_url", "");
        spec.datagouv_dataset = item.value("datagouv_dataset", "");
        spec.resource_title = item.value("resource_title", "");
        spec.resource_format = item.value("resource_format", "");
        spec.name = item.value("name", "");
        spec.years = item.value("years", std::vector<int>{});
        spec.optional = item.value("optional", false);
        spec.unpack = item.value("unpack", "");
        spec.member = item.value("member", ".*");
        spec.checksum_url = item.value("checksum_url", "");
        spec.checksum_type = item.value("checksum_type", "md5");
        const std::string where = path + ": source '" + source.id + "', a file";
        if (spec.url.empty() == spec.datagouv_dataset.empty())
          return InvalidArgument(where + " needs either url or datagouv_dataset", "url");
        if (!spec.unpack.empty() && spec.unpack != "gz" && spec.unpack != "zip")
          return InvalidArgument(where + ": unpack is \"gz\" or \"zip\"", "unpack");
        source.files.push_back(std::move(spec));
      }
      file.sources.push_back(std::move(source));
    }
  } catch (const json::exception& error) {
    return InvalidArgument(path + ": " + error.what());
  }
  return file;
}

Result<std::vector<SourceOutcome>> UpdateSources(const SourcesFile& sources,
                                                 const UpdateOptions& options,
                                                 const FetchOptions& fetch_options,
                                                 const ImportFn& import_files, std::ostream& log) {
  for (const std::string& id : options.sources) {
    const bool known = std::any_of(sources.sources.begin(), sources.sources.end(),
                                   [&](const SourceSpec& source) { return source.id == id; });
    if (!known) {
      std::string names;
      for (const SourceSpec& source : sources.sources)
        names += (names.empty() ? "" : ", ") + source.id;
      return InvalidArgument("unknown source '" + id + "' (" + names + ")", "sources");
    }
  }
  std::error_code error;
  fs::create_directories(options.download_dir, error);
  const std::string state_path = (fs::path(options.download_dir) / "state.json").string();
  json state = ReadState(state_path);
  if (!state.contains("files")) state["files"] = json::object();
  if (!state.contains("imported")) state["imported"] = json::object();
  const Fetcher fetcher(fetch_options);
  std::vector<SourceOutcome> outcomes;
  for (const SourceSpec& source : sources.sources) {
    if (!options.sources.empty() && std::find(options.sources.begin(), options.sources.end(),
                                              source.id) == options.sources.end())
      continue;
    SourceOutcome outcome;
    outcome.id = source.id;
    const std::vector<Planned> planned = Plan(source, options);
    if (planned.empty()) {
      outcome.outcome = Outcome::kNoAddress;
      outcome.message = source.note.empty() ? "no address configured" : source.note;
      log << source.id << ": skipped, " << outcome.message << "\n";
      outcomes.push_back(outcome);
      continue;
    }
    log << source.id << ": " << planned.size() << " file(s)\n";
    const fs::path folder = fs::path(options.download_dir) / source.id;
    fs::create_directories(folder, error);
    Status failure = Status::Ok();
    json fetched = json::object();  // this run's state of the source's files
    for (const Planned& file : planned) {
      const std::string key = source.id + "/" + file.name;
      std::string url = file.url;
      Expected expected;
      std::string vintage;
      if (url.empty()) {
        auto resolved = ResolveDataGouv(fetcher, sources.datagouv_api, *file.spec, file.title);
        if (!resolved.ok()) {
          failure = resolved.status();
          break;
        }
        url = resolved->url;
        expected = resolved->expected;
        vintage = resolved->vintage;
      }
      if (!file.spec->checksum_url.empty()) {
        auto published = fetcher.Get(file.spec->checksum_url);
        if (!published.ok()) {
          failure = published.status();
          break;
        }
        std::string digest = published->substr(0, published->find_first_of(" \t\r\n"));
        expected.checksum_type = file.spec->checksum_type;
        expected.checksum = digest;
      }
      const std::string target = (folder / file.name).string();
      const FetchState previous = FetchState::FromJson(state["files"].value(key, json::object()));
      auto result = fetcher.Fetch(url, target, previous, expected);
      if (!result.ok()) {
        if (file.spec->optional && result.status().code() == StatusCode::kNotFound) {
          log << "  " << file.name << ": not published (" << result.status().message()
              << "), skipped\n";
          continue;
        }
        failure = result.status();
        break;
      }
      std::string unpacked = target;
      if (!file.spec->unpack.empty()) {
        unpacked = (folder / UnpackedName(file)).string();
        if (result->changed || !fs::exists(unpacked)) {
          Status status = file.spec->unpack == "gz" ? Gunzip(target, unpacked)
                                                    : Unzip(target, file.spec->member, unpacked);
          if (!status.ok()) {
            failure = status;
            break;
          }
        }
      }
      json entry = result->state.ToJson();
      if (vintage.empty()) vintage = result->state.last_modified;
      entry["vintage"] = vintage;
      entry["file"] = unpacked;
      fetched[key] = entry;
      outcome.files.push_back(unpacked);
      if (!vintage.empty()) log << "  " << file.name << ": publisher's date " << vintage << "\n";
    }
    // What was fetched is remembered even when the source fails later: the next run then
    // asks the server about the same versions.
    for (auto& [key, entry] : fetched.items()) state["files"][key] = entry;
    if (failure.ok() && outcome.files.empty())
      failure = NotFound("none of its files is published at the configured addresses");
    if (!failure.ok()) {
      outcome.outcome = Outcome::kFailed;
      outcome.message = failure.message() + "; the previous files and layer stay in force";
      log << source.id << ": FAILED, " << outcome.message << "\n";
      outcomes.push_back(outcome);
      (void)WriteState(state, state_path);
      continue;
    }
    // Import when the set of files differs from what was last imported (a change, or an
    // import that failed last time).
    std::string digest;
    for (const auto& [key, entry] : fetched.items())
      digest += key + "=" + entry.value("sha256", "") + ";";
    if (state["imported"].value(source.id, "") == digest) {
      outcome.outcome = Outcome::kUnchanged;
      outcome.message = "unchanged since the last import";
      log << source.id << ": unchanged, nothing to import\n";
      outcomes.push_back(outcome);
      continue;
    }
    Status imported = import_files(source, outcome.files);
    if (!imported.ok()) {
      outcome.outcome = Outcome::kFailed;
      outcome.message =
          "import failed: " + imported.message() + "; the previous layer stays in force";
      log << source.id << ": FAILED, " << outcome.message << "\n";
    } else {
      state["imported"][source.id] = digest;
      outcome.outcome = Outcome::kImported;
      outcome.message = "imported " + std::to_string(outcome.files.size()) + " file(s)";
      log << source.id << ": " << outcome.message << "\n";
    }
    if (Status written = WriteState(state, state_path); !written.ok()) return written;
    outcomes.push_back(outcome);
  }
  if (Status written = WriteState(state, state_path); !written.ok()) return written;
  return outcomes;
}

}  // namespace vivrovert::data_update
