#include "domain/listings/listing_service.hpp"

#include "core/common/text.hpp"

namespace vivrovert::listings {

namespace {

using nlohmann::json;

// Fields stored in their own columns; the others go to `details`.
constexpr const char* kColumnFields[] = {
    "external_id",     "title",        "description",   kFieldAddress, kFieldPostcode,
    kFieldCommuneCode, kFieldLatitude, kFieldLongitude, "valid_from",  "valid_until"};

std::string TextOr(const json& fields, const char* key) {
  auto found = fields.find(key);
  return found == fields.end() ? std::string() : found->get<std::string>();
}

std::optional<std::string> OptionalText(const json& fields, const char* key) {
  auto found = fields.find(key);
  if (found == fields.end()) return std::nullopt;
  return found->get<std::string>();
}

}  // namespace

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kCreated:
      return "created";
    case Outcome::kUpdated:
      return "updated";
    case Outcome::kUnchanged:
      return "unchanged";
  }
  return "created";
}

std::string ContentHash(Kind kind, const json& fields) {
  // nlohmann::json objects keep their keys sorted, so dump() is canonical.
  return Sha256Hex(std::string(KindName(kind)) + "\n" + fields.dump());
}

json BatchReport::ToJson() const {
  json items_json = json::array();
  for (const ItemReport& item : items) {
    json entry = {{"line", item.line}};
    if (item.external_id) entry["external_id"] = *item.external_id;
    if (item.id) entry["id"] = *item.id;
    if (item.outcome) entry["outcome"] = OutcomeName(*item.outcome);
    if (!item.errors.empty()) {
      json errors = json::array();
      for (const FieldError& error : item.errors) {
        json entry_error = {{"field", error.field}, {"message", error.message}};
        if (auto column = columns.find(error.field); column != columns.end())
          entry_error["column"] = column->second;
        errors.push_back(std::move(entry_error));
      }
      entry["outcome"] = "rejected";
      entry["errors"] = errors;
    }
    items_json.push_back(entry);
  }
  return {{"applied", applied}, {"dry_run", dry_run},     {"created", created},
          {"updated", updated}, {"unchanged", unchanged}, {"rejected", rejected},
          {"items", items_json}};
}

ListingService::ListingService(storage::Database& database, const engine::GridFile* grid,
                               const Clock& clock)
    : database_(database), grid_(grid), clock_(clock) {}

std::string ListingService::Today() const { return UtcDate(clock_.NowSeconds()); }

Prepared ListingService::Prepare(const Publisher& publisher, Kind kind, const json& input) const {
  Prepared prepared;
  Normalised normalised = NormaliseListing(kind, input, {"kind", "id"});
  prepared.errors = std::move(normalised.errors);
  if (!prepared.ok()) return prepared;
  const json& fields = normalised.fields;
  if (grid_ == nullptr) {
    prepared.errors.push_back({kFieldCommuneCode,
                               "La grille des dalles n'est pas construite : impossible de placer "
                               "l'annonce (vivrovert grid build)."});
    return prepared;
  }
  LocationInput location;
  if (fields.contains(kFieldLatitude)) {
    location.latitude = fields[kFieldLatitude].get<double>();
    location.longitude = fields[kFieldLongitude].get<double>();
  }
  location.commune_code = TextOr(fields, kFieldCommuneCode);
  location.postcode = TextOr(fields, kFieldPostcode);
  location.address = TextOr(fields, kFieldAddress);
  Result<Placement> placement = Place(*grid_, location);
  if (!placement.ok()) {
    prepared.errors.push_back({placement.status().field(), placement.status().message()});
    return prepared;
  }
  if (publisher.territory != nullptr && !publisher.territory->ContainsCommune(placement->commune)) {
    const engine::CommuneRef& commune = grid_->communes()[placement->commune];
    prepared.errors.push_back(
        {location.latitude ? kFieldLatitude : kFieldCommuneCode,
         "L'annonce est à " + commune.name + " (" + commune.code + "), hors de votre territoire" +
             (publisher.territory_name.empty() ? std::string()
                                               : " (" + publisher.territory_name + ")") +
             "."});
    return prepared;
  }
  Listing& listing = prepared.listing;
  listing.source_key = publisher.source_key;
  listing.partner_id = publisher.partner_id;
  listing.external_id = OptionalText(fields, "external_id");
  listing.kind = kind;
  listing.title = TextOr(fields, "title");
  listing.description = TextOr(fields, "description");
  listing.commune_code = placement->commune_code;
  listing.address = location.address;
  listing.postcode = location.postcode;
  listing.latitude = placement->latitude;
  listing.longitude = placement->longitude;
  listing.precision = placement->precision;
  listing.tile_1km = placement->tile_1km.ToString();
  listing.tile_5km = placement->tile_5km.ToString();
  listing.valid_from = OptionalText(fields, "valid_from");
  listing.valid_until = OptionalText(fields, "valid_until");
  listing.details = json::object();
  for (const auto& [key, value] : fields.items()) {
    if (std::find(std::begin(kColumnFields), std::end(kColumnFields), key) ==
        std::end(kColumnFields)) {
      listing.details[key] = value;
    }
  }
  listing.content_hash = ContentHash(kind, fields);
  listing.is_demo = publisher.is_demo;
  return prepared;
}

ListingService::Written ListingService::Store(storage::Connection& connection,
                                              const Publisher& publisher, Prepared prepared) {
  Listing& listing = prepared.listing;
  const int64_t now = clock_.NowSeconds();
  std::optional<Listing> existing;
  if (listing.external_id)
    existing =
        ListingStore::FindByExternalId(connection, publisher.source_key, *listing.external_id);
  if (existing) {
    if (existing->content_hash == listing.content_hash && !existing->withdrawn_at &&
        existing->kind == listing.kind) {
      return {*existing, Outcome::kUnchanged};
    }
    listing.id = existing->id;
    listing.created_at = existing->created_at;
    listing.updated_at = now;
    listing.withdrawn_at.reset();
    ListingStore::Update(connection, listing);
    return {listing, Outcome::kUpdated};
  }
  listing.created_at = now;
  listing.updated_at = now;
  listing.id = ListingStore::Insert(connection, listing);
  return {listing, Outcome::kCreated};
}

Result<ListingService::Written> ListingService::Upsert(const Publisher& publisher, Kind kind,
                                                       const json& fields,
                                                       std::vector<FieldError>* errors) {
  Prepared prepared = Prepare(publisher, kind, fields);
  if (!prepared.ok()) {
    if (errors) *errors = prepared.errors;
    return InvalidArgument(prepared.errors.front().message, prepared.errors.front().field);
  }
  storage::Connection connection = database_.Acquire();
  storage::Transaction transaction(connection);
  Written written = Store(connection, publisher, std::move(prepared));
  transaction.Commit();
  return written;
}

Result<ListingService::Written> ListingService::Replace(const Publisher& publisher, int64_t id,
                                                        const json& fields,
                                                        std::vector<FieldError>* errors) {
  storage::Connection connection = database_.Acquire();
  storage::Transaction transaction(connection);
  std::optional<Listing> current = ListingStore::Get(connection, id);
  if (!current || current->source_key != publisher.source_key)
    return NotFound("Annonce introuvable.", "id");
  json input = fields;
  if (!input.contains("external_id") && current->external_id)
    input["external_id"] = *current->external_id;
  Prepared prepared = Prepare(publisher, current->kind, input);
  if (prepared.ok() && prepared.listing.external_id &&
      prepared.listing.external_id != current->external_id) {
    std::optional<Listing> other = ListingStore::FindByExternalId(connection, publisher.source_key,
                                                                  *prepared.listing.external_id);
    if (other && other->id != id) {
      prepared.errors.push_back({"external_id", "Une autre annonce porte déjà cette référence."});
    }
  }
  if (!prepared.ok()) {
    if (errors) *errors = prepared.errors;
    return InvalidArgument(prepared.errors.front().message, prepared.errors.front().field);
  }
  Listing& listing = prepared.listing;
  if (listing.content_hash == current->content_hash && !current->withdrawn_at) {
    return Written{*current, Outcome::kUnchanged};
  }
  listing.id = id;
  listing.created_at = current->created_at;
  listing.updated_at = clock_.NowSeconds();
  ListingStore::Update(connection, listing);
  transaction.Commit();
  return Written{listing, Outcome::kUpdated};
}

Status ListingService::Withdraw(const Publisher& publisher, int64_t id) {
  storage::Connection connection = database_.Acquire();
  storage::Transaction transaction(connection);
  std::optional<Listing> current = ListingStore::Get(connection, id);
  if (!current || current->source_key != publisher.source_key || current->withdrawn_at) {
    return NotFound("Annonce introuvable ou déjà retirée.", "id");
  }
  ListingStore::Withdraw(connection, id, clock_.NowSeconds());
  transaction.Commit();
  return Status::Ok();
}

std::optional<Listing> ListingService::Get(const Publisher& publisher, int64_t id) {
  storage::Connection connection = database_.Acquire();
  std::optional<Listing> listing = ListingStore::Get(connection, id);
  if (!listing || listing->source_key != publisher.source_key) return std::nullopt;
  return listing;
}

BatchReport ListingService::ApplyBatch(const Publisher& publisher,
                                       const std::vector<BatchItem>& items, BatchMode mode,
                                       bool dry_run) {
  BatchReport report;
  report.dry_run = dry_run;
  std::vector<Prepared> prepared;
  prepared.reserve(items.size());
  std::map<std::string, int64_t> seen_external_ids;
  for (const BatchItem& item : items) {
    ItemReport entry;
    entry.line = item.line;
    Prepared one;
    if (item.read_errors.empty()) {
      one = Prepare(publisher, item.kind, item.fields);
    } else {
      one.errors = item.read_errors;
    }
    if (item.fields.is_object() && item.fields.contains("external_id") &&
        item.fields["external_id"].is_string()) {
      entry.external_id = item.fields["external_id"].get<std::string>();
    }
    if (one.ok() && one.listing.external_id) {
      auto [at, inserted] = seen_external_ids.emplace(*one.listing.external_id, item.line);
      if (!inserted) {
        one.errors.push_back(
            {"external_id",
             "Référence déjà utilisée ligne " + std::to_string(at->second) + " de ce même envoi."});
      }
    }
    entry.errors = one.errors;
    if (!one.ok()) report.rejected++;
    report.items.push_back(std::move(entry));
    prepared.push_back(std::move(one));
  }
  if (mode == BatchMode::kAllOrNothing && report.rejected > 0) return report;

  storage::Connection connection = database_.Acquire();
  storage::Transaction transaction(connection);
  for (size_t index = 0; index < prepared.size(); ++index) {
    if (!prepared[index].ok()) continue;
    Written written = Store(connection, publisher, std::move(prepared[index]));
    ItemReport& entry = report.items[index];
    entry.outcome = written.outcome;
    if (written.outcome == Outcome::kCreated) {
      report.created++;
      if (!dry_run) entry.id = written.listing.id;
    } else {
      entry.id = written.listing.id;
      (written.outcome == Outcome::kUpdated ? report.updated : report.unchanged)++;
    }
  }
  report.applied = report.created + report.updated > 0 || report.unchanged > 0;
  if (!dry_run) transaction.Commit();  // a dry run rolls everything back
  return report;
}

}  // namespace vivrovert::listings
