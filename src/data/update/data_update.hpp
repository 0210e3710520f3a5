// `vivrovert data update`: fetches the national sources from the addresses a sources file
// names (config/data-sources.json by default), unpacks them, and hands the files of each
// source that changed to an importer; the caller rebuilds the grid when one did.
//
// Sources file (JSON): {"datagouv_api": "https://www.data.gouv.fr/api/1/", "sources": [
//   {"id": "dvf", "import": "dvf", "note": "…", "files": [{
//      "url": "https://…/{year}/departements/{departement}.csv.gz"   a stable address, or
//      "datagouv_dataset": "slug or id", "resource_title": "regex", "resource_format": "csv"
//                                            the latest matching resource of a data.gouv.fr
//                                            dataset, with its announced size and checksum
//      "national_url": "…"                   used instead of url for a national update
//      "name": "dvf-{year}-{departement}.csv.gz"   local file name (default: the URL's)
//      "years": [2021, 2022],                 expands {year}
//      "optional": true,                      a 404 skips the file instead of failing
//      "unpack": "gz" | "zip", "member": "regex of the zip member",
//      "checksum_url": "…md5", "checksum_type": "md5"   a checksum published beside it
//   }]}]}
// {departement} expands over the départements of the update; a file with {departement}
// and no national_url is fetched per département even for a national update.
//
// A source whose download, unpacking or import fails keeps its previous files and layer:
// its downloads go to .part files, its unpacked files are renamed only when whole, and the
// importer writes its layer atomically. The state (ETag, Last-Modified, sha256, the
// publisher's vintage, what was last imported) is kept in a JSON file beside the downloads.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "data/update/http_fetch.hpp"

namespace vivrovert::data_update {

struct FileSpec {
  std::string url, national_url;
  std::string datagouv_dataset, resource_title, resource_format;
  std::string name;
  std::vector<int> years;
  bool optional = false;
  std::string unpack, member;
  std::string checksum_url, checksum_type;
};

struct SourceSpec {
  std::string id;
  std::string import;  // the `vivrovert import` source reading the files
  std::string note;    // why no address is given, or what to know
  std::string covers;  // osm: "france" for a national extract; empty: the update's départements
  std::vector<FileSpec> files;
};

struct SourcesFile {
  std::string datagouv_api;
  std::vector<SourceSpec> sources;
};

// Reads and checks a sources file. Errors name the file, the source and the field.
Result<SourcesFile> LoadSourcesFile(const std::string& path);

struct UpdateOptions {
  std::vector<std::string> sources;       // ids to update; empty: every source
  std::vector<std::string> departements;  // expansion of {departement}
  bool national = true;                   // national_url where a file has one
  std::string download_dir;               // downloads, unpacked files and the state file
};

enum class Outcome { kUnchanged, kImported, kFailed, kNoAddress };

struct SourceOutcome {
  std::string id;
  Outcome outcome = Outcome::kUnchanged;
  std::string message;             // why it failed, or what was fetched
  std::vector<std::string> files;  // the files handed to the importer
};

// Reads `files` into the layer of `source` (written atomically); an error leaves the
// previous layer in force.
using ImportFn =
    std::function<Status(const SourceSpec& source, const std::vector<std::string>& files)>;

// Updates each selected source in turn (see above), printing one line per file on `log`.
// Unknown ids in options.sources: InvalidArgument before anything is fetched.
Result<std::vector<SourceOutcome>> UpdateSources(const SourcesFile& sources,
                                                 const UpdateOptions& options,
                                                 const FetchOptions& fetch_options,
                                                 const ImportFn& import_files, std::ostream& log);

}  // namespace vivrovert::data_update
