#include "domain/listings/listing_file.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/common/json_input.hpp"
#include "core/common/text.hpp"
#include "data/csv/csv_reader.hpp"

namespace vivrovert::listings {

namespace {

using nlohmann::json;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr const char* kKindColumn = "kind";

// Latin-1 letters (U+00C0–U+00FF) without their accents, lower case; '\0' for the
// signs that are no letters (×, ÷).
constexpr char kLatin1Folded[] =
    "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
    "aaaaaaaceeeeiiiidnooooo\0ouuuuyty";

// The key a header cell or a label is compared by: ASCII letters and digits only, lower
// case, accents dropped ("Surface habitable (m²)" → "surfacehabitablem2").
std::string MatchKey(std::string_view text) {
  std::string key;
  for (size_t index = 0; index < text.size(); ++index) {
    const auto byte = static_cast<unsigned char>(text[index]);
    if (byte < 0x80) {
      if (std::isalnum(byte)) key += static_cast<char>(std::tolower(byte));
      continue;
    }
    if (index + 1 >= text.size()) break;
    const auto next = static_cast<unsigned char>(text[index + 1]);
    const unsigned code = ((byte & 0x1Fu) << 6) | (next & 0x3Fu);
    if ((byte & 0xE0u) == 0xC0u) {
      ++index;
      if (code >= 0xC0 && code <= 0xFF && kLatin1Folded[code - 0xC0] != '\0') {
        key += kLatin1Folded[code - 0xC0];
        if (code == 0xC6 || code == 0xE6) key += 'e';  // æ
        if (code == 0xDF) key += 's';                  // ß
      } else if (code == 0x152 || code == 0x153) {
        key += "oe";
      } else if (code == 0xB2) {
        key += '2';
      } else if (code == 0xB3) {
        key += '3';
      }
    }
    // Other multi-byte characters (€, quotes, dashes) are punctuation here: skipped.
  }
  return key;
}

// `label` without its parenthesised parts and anything after a comma: "Prix (€), loyer
// mensuel pour une location" → "Prix".
std::string ShortLabel(std::string_view label) {
  std::string out;
  int depth = 0;
  for (char c : label) {
    if (c == ',' && depth == 0) break;
    if (c == '(')
      ++depth;
    else if (c == ')' && depth > 0)
      --depth;
    else if (depth == 0)
      out += c;
  }
  return out;
}

// MatchKey → field name, for every name and label of every kind. A key that two
// different fields share is dropped (ambiguous), so it is reported as unknown.
const std::map<std::string, std::string>& HeaderTable() {
  static const std::map<std::string, std::string> table = [] {
    std::map<std::string, std::string> keys;
    std::set<std::string> ambiguous;
    auto add = [&](const std::string& key, const std::string& name) {
      if (key.empty() || ambiguous.contains(key)) return;
      auto [at, inserted] = keys.emplace(key, name);
      if (!inserted && at->second != name) {
        keys.erase(at);
        ambiguous.insert(key);
      }
    };
    for (Kind kind : kAllKinds) {
      for (const FieldSpec* spec : AllFields(kind)) {
        add(MatchKey(spec->name), spec->name);
        add(MatchKey(spec->label), spec->name);
        add(MatchKey(ShortLabel(spec->label)), spec->name);
      }
    }
    for (const char* alias :
         {"kind", "type", "type d'annonce", "type de l'annonce", "nature de l'annonce"}) {
      add(MatchKey(alias), kKindColumn);
    }
    for (const std::string& column : ExportOnlyColumns()) add(MatchKey(column), "");
    return keys;
  }();
  return table;
}

std::string KindList() {
  std::string list;
  for (Kind kind : kAllKinds) {
    list += list.empty() ? "" : ", ";
    list += KindName(kind);
  }
  return list;
}

// The kind of a row: its kind cell, else the file's kind. Adds the reason to `errors`
// when there is none or it contradicts the file's.
std::optional<Kind> RowKind(const std::string& cell, std::optional<Kind> file_kind,
                            std::vector<FieldError>& errors) {
  if (cell.empty()) {
    if (!file_kind) {
      errors.push_back(
          {kKindColumn, "Type d'annonce manquant : indiquez-le dans la colonne « kind » (" +
                            KindList() + ") ou choisissez-le à l'import."});
    }
    return file_kind;
  }
  std::optional<Kind> kind = ParseKind(cell);
  if (!kind) {
    errors.push_back({kKindColumn, "« " + cell.substr(0, 40) + " » n'est pas un type d'annonce (" +
                                       KindList() + ")."});
    return std::nullopt;
  }
  if (file_kind && *kind != *file_kind) {
    errors.push_back(
        {kKindColumn, std::string("Ce fichier est importé comme « ") + KindLabel(*file_kind) +
                          " » ; cette ligne est une annonce « " + KindLabel(*kind) + " »."});
    return std::nullopt;
  }
  return kind;
}

// Refuses what is not a text file: spreadsheets, UTF-16, binary junk.
Status CheckIsText(std::string_view bytes) {
  if (bytes.starts_with("PK\x03\x04")) {
    return InvalidArgument(
        "Ce fichier est un classeur (.xlsx ou .ods), pas un CSV : enregistrez-le au format "
        "« CSV UTF-8 (délimité par des points-virgules) » puis importez ce fichier.",
        "file");
  }
  if (bytes.starts_with("\xD0\xCF\x11\xE0")) {
    return InvalidArgument(
        "Ce fichier est un classeur Excel 97-2003 (.xls), pas un CSV : enregistrez-le au format "
        "« CSV UTF-8 (délimité par des points-virgules) ».",
        "file");
  }
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    return InvalidArgument(
        "Ce fichier est en UTF-16 : enregistrez-le en « CSV UTF-8 » (ou Windows-1252).", "file");
  }
  size_t controls = 0;
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == 0) {
      return InvalidArgument(
          "Ce fichier contient des données binaires : un fichier texte CSV ou JSON est attendu.",
          "file");
    }
    if (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') ++controls;
  }
  if (controls * 100 > bytes.size()) {
    return InvalidArgument(
        "Ce fichier contient des données binaires : un fichier texte CSV ou JSON est attendu.",
        "file");
  }
  return Status::Ok();
}

// ';' or ',' — whichever the header line (up to the first line break outside quotes)
// has more of; ';' when it has neither (a one-column file) or as many of each.
char DetectDelimiter(std::string_view text) {
  size_t semicolons = 0, commas = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') {
      if (semicolons + commas > 0) break;
      continue;
    }
    if (c == ';') ++semicolons;
    if (c == ',') ++commas;
  }
  return commas > semicolons ? ',' : ';';
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool LooksLikeJson(std::string_view text, std::string_view file_name) {
  const std::string name = Lower(file_name);
  if (name.ends_with(".json")) return true;
  if (name.ends_with(".csv") || name.ends_with(".txt")) return false;
  const size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (text[first] == '[' || text[first] == '{');
}

Result<ListingFile> ReadJson(std::string_view text, std::optional<Kind> file_kind) {
  ListingFile file;
  file.format = "json";
  file.encoding = "utf-8";
  VV_ASSIGN_OR_RETURN(json document, ParseUntrustedJson(text, "file"));
  const json* listings = &document;
  if (document.is_object()) {
    auto found = document.find("listings");
    if (found == document.end() || !found->is_array()) {
      return InvalidArgument(
          "Un tableau d'annonces, ou un objet {\"listings\": [...]}, est attendu.", "file");
    }
    listings = &*found;
  }
  if (!listings->is_array()) {
    return InvalidArgument("Un tableau d'annonces, ou un objet {\"listings\": [...]}, est attendu.",
                           "file");
  }
  if (listings->empty()) return InvalidArgument("Le fichier ne contient aucune annonce.", "file");
  int64_t index = 0;
  for (const json& object : *listings) {
    BatchItem item;
    item.line = ++index;
    item.fields = json::object();
    if (!object.is_object()) {
      item.read_errors.push_back({"", "Un objet JSON est attendu pour chaque annonce."});
      file.items.push_back(std::move(item));
      continue;
    }
    std::string kind_text;
    if (auto kind = object.find(kKindColumn); kind != object.end() && !kind->is_null()) {
      if (kind->is_string()) {
        kind_text = Trim(kind->get<std::string>());
      } else {
        item.read_errors.push_back(
            {kKindColumn, "Le type d'annonce doit être un texte (" + KindList() + ")."});
      }
    }
    if (item.read_errors.empty()) {
      if (std::optional<Kind> kind = RowKind(kind_text, file_kind, item.read_errors))
        item.kind = *kind;
    }
    for (const auto& [key, value] : object.items()) {
      if (key != kKindColumn) item.fields[key] = value;
    }
    file.items.push_back(std::move(item));
  }
  return file;
}

struct HeaderColumn {
  std::string name;  // field name, "kind", or "" (ignored)
  std::string cell;  // as written in the file
};

Result<ListingFile> ReadCsv(const std::string& text, std::optional<Kind> file_kind,
                            std::string encoding) {
  ListingFile file;
  file.format = "csv";
  file.encoding = std::move(encoding);
  file.delimiter = DetectDelimiter(text);
  std::vector<HeaderColumn> header;
  size_t kind_column = std::string::npos;

  importers::CsvOptions options;
  options.delimiter = file.delimiter;
  options.on_header = [&](const std::vector<std::string>& cells) -> Status {
    std::map<std::string, size_t> seen;
    for (size_t index = 0; index < cells.size(); ++index) {
      const std::string column_number = std::to_string(index + 1);
      const std::string& cell = cells[index];
      if (cell.empty()) {
        header.push_back({"", cell});
        continue;
      }
      auto found = HeaderTable().find(MatchKey(cell));
      if (found == HeaderTable().end()) {
        return InvalidArgument(
            "Colonne " + column_number + " « " + cell.substr(0, 60) +
                " » : ce n'est pas un champ d'annonce. Les noms de colonnes sont ceux du modèle "
                "(ex. title, price_eur) ou leurs libellés (Titre, Prix).",
            cell.substr(0, 60));
      }
      const std::string& name = found->second;
      if (!name.empty()) {
        auto [at, inserted] = seen.emplace(name, index);
        if (!inserted) {
          return InvalidArgument("Les colonnes " + std::to_string(at->second + 1) + " et " +
                                     column_number + " désignent le même champ « " + name + " ».",
                                 name);
        }
      }
      if (name == kKindColumn) kind_column = index;
      header.push_back({name, cell});
    }
    // Without a kind column, every column must be a field of the file's kind.
    if (kind_column == std::string::npos && file_kind) {
      for (size_t index = 0; index < header.size(); ++index) {
        const std::string& name = header[index].name;
        if (!name.empty() && FindField(*file_kind, name) == nullptr) {
          return InvalidArgument(
              "Colonne " + std::to_string(index + 1) + " « " + header[index].cell.substr(0, 60) +
                  " » : ce n'est pas un champ d'une annonce « " + KindLabel(*file_kind) + " ».",
              name);
        }
      }
    }
    for (const HeaderColumn& column : header) {
      file.columns.push_back(column.name);
      file.headers.push_back(column.cell);
    }
    return Status::Ok();
  };

  Status status =
      importers::ReadCsvText(text, "fichier", options, [&](const importers::CsvRow& row) -> Status {
        std::vector<std::string> cells;
        cells.reserve(row.size());
        bool blank = true;
        for (size_t index = 0; index < row.size(); ++index) {
          cells.push_back(UnprotectCell(Trim(row.field(index))));
          blank = blank && cells.back().empty();
        }
        if (blank) return Status::Ok();  // ";;;;" rows spreadsheets leave behind

        BatchItem item;
        item.line = row.line_number();
        item.fields = json::object();
        if (cells.size() < header.size()) {
          item.read_errors.push_back({header[cells.size()].name.empty() ? header[cells.size()].cell
                                                                        : header[cells.size()].name,
                                      "La ligne a " + std::to_string(cells.size()) +
                                          " cellules, l'en-tête " + std::to_string(header.size()) +
                                          " colonnes : vérifiez le séparateur et les guillemets."});
        }
        for (size_t index = header.size(); index < cells.size(); ++index) {
          if (cells[index].empty()) continue;  // trailing separators
          item.read_errors.push_back(
              {"", "La ligne a " + std::to_string(cells.size()) + " cellules, l'en-tête " +
                       std::to_string(header.size()) + " colonnes : cellule en trop en colonne " +
                       std::to_string(index + 1) + " (« " + cells[index].substr(0, 40) +
                       " ») ; vérifiez le séparateur et les guillemets."});
          break;
        }
        const std::string kind_cell =
            kind_column < cells.size() ? cells[kind_column] : std::string();
        std::optional<Kind> kind = RowKind(kind_cell, file_kind, item.read_errors);
        if (kind) item.kind = *kind;
        for (size_t index = 0; index < std::min(cells.size(), header.size()); ++index) {
          const std::string& name = header[index].name;
          if (cells[index].empty() || index == kind_column) continue;
          if (name.empty()) {
            if (header[index].cell.empty()) {
              item.read_errors.push_back({"", "Cellule remplie dans la colonne " +
                                                  std::to_string(index + 1) +
                                                  ", qui n'a pas de nom dans l'en-tête."});
            }
            continue;  // an export-only column (id, status…)
          }
          if (kind && FindField(*kind, name) == nullptr) {
            item.read_errors.push_back(
                {name, std::string("Ce champ n'existe pas pour une annonce « ") + KindLabel(*kind) +
                           " »."});
            continue;
          }
          item.fields[name] = cells[index];
        }
        file.items.push_back(std::move(item));
        return Status::Ok();
      });
  if (!status.ok()) {
    if (status.message().find("empty file") != std::string::npos) {
      return InvalidArgument(
          "Le fichier est vide : une ligne d'en-tête (les noms des colonnes) est attendue.",
          "file");
    }
    if (status.message().find("malformed CSV") != std::string::npos) {
      // libcsv's reason is English and technical; the line is what people need.
      const std::string& message = status.message();
      const size_t colon = message.find(':');
      const size_t second = colon == std::string::npos ? colon : message.find(':', colon + 1);
      const std::string line =
          second == std::string::npos ? "" : message.substr(colon + 1, second - colon - 1);
      return InvalidArgument("CSV mal formé" +
                                 (line.empty() ? std::string() : " vers la ligne " + line) +
                                 " : un guillemet (\") ouvert n'est pas refermé, ou est mal placé.",
                             "file");
    }
    return status;
  }
  if (header.empty() || std::all_of(header.begin(), header.end(),
                                    [](const HeaderColumn& c) { return c.name.empty(); })) {
    return InvalidArgument(
        "La première ligne doit être l'en-tête : les noms des colonnes (title, commune_code…).",
        "file");
  }
  if (file.items.empty())
    return InvalidArgument("Le fichier ne contient aucune annonce sous l'en-tête.", "file");
  return file;
}

}  // namespace

const std::vector<std::string>& ExportOnlyColumns() {
  static const std::vector<std::string> columns = {"id",        "status",   "commune",
                                                   "precision", "tile_1km", "tile_5km"};
  return columns;
}

std::optional<std::string> FieldForHeader(std::string_view header) {
  auto found = HeaderTable().find(MatchKey(header));
  if (found == HeaderTable().end() || found->second.empty()) return std::nullopt;
  return found->second;
}

std::string UnprotectCell(std::string_view cell) {
  if (cell.size() >= 2 && cell[0] == '\'' &&
      std::string_view("=+-@\t\r").find(cell[1]) != std::string_view::npos) {
    cell.remove_prefix(1);
  }
  return std::string(cell);
}

Result<ListingFile> ReadListingFile(std::string_view bytes, std::string_view file_name,
                                    std::optional<Kind> kind) {
  if (bytes.size() > kMaxListingFileBytes) {
    return ResourceExhausted("Fichier trop volumineux (" +
                             std::to_string(bytes.size() / (1024 * 1024)) +
                             " Mo) : 10 Mo au plus. Découpez-le en plusieurs fichiers.");
  }
  if (Trim(bytes).empty() || Trim(bytes) == kUtf8Bom) {
    return InvalidArgument("Le fichier est vide.", "file");
  }
  VV_RETURN_IF_ERROR(CheckIsText(bytes));
  std::string text;
  std::string encoding = "utf-8";
  if (bytes.starts_with(kUtf8Bom)) {
    text.assign(bytes.substr(kUtf8Bom.size()));
    if (!IsValidUtf8(text)) {
      return InvalidArgument(
          "Le fichier s'annonce en UTF-8 mais contient des caractères invalides.", "file");
    }
  } else if (IsValidUtf8(bytes)) {
    text.assign(bytes);
  } else {
    text = Windows1252ToUtf8(bytes);
    encoding = "windows-1252";
  }
  if (LooksLikeJson(text, file_name)) {
    if (encoding != "utf-8") return InvalidArgument("Un fichier JSON doit être en UTF-8.", "file");
    return ReadJson(text, kind);
  }
  return ReadCsv(text, kind, std::move(encoding));
}

}  // namespace vivrovert::listings
