#include "domain/listings/listing_store.hpp"

#include "core/storage/batch.hpp"

namespace vivrovert::listings {

namespace {

using nlohmann::json;
using storage::SqlValue;

constexpr const char* kColumns =
    "id, source_key, partner_id, external_id, kind, status, title, description, commune_code, "
    "address, postcode, "
    "latitude, longitude, location_precision, tile_1km, tile_5km, valid_from, valid_until, "
    "details, content_hash, "
    "is_demo, created_at, updated_at, withdrawn_at";

SqlValue Optional(const std::optional<std::string>& value) {
  return value ? SqlValue(*value) : SqlValue(nullptr);
}
SqlValue Optional(const std::optional<int64_t>& value) {
  return value ? SqlValue(*value) : SqlValue(nullptr);
}

Precision ParsePrecision(const std::string& text) {
  if (text == "commune") return Precision::kCommune;
  if (text == "postcode") return Precision::kPostcode;
  return Precision::kExact;
}

Listing FromRow(const storage::Row& row) {
  Listing listing;
  listing.id = row.Int(0);
  listing.source_key = row.Text(1);
  listing.partner_id = row.OptionalInt(2);
  listing.external_id = row.OptionalText(3);
  listing.kind = ParseKind(row.Text(4)).value_or(Kind::kPoi);
  listing.title = row.Text(6);
  listing.description = row.Text(7);
  listing.commune_code = row.Text(8);
  listing.address = row.Text(9);
  listing.postcode = row.Text(10);
  listing.latitude = row.Double(11);
  listing.longitude = row.Double(12);
  listing.precision = ParsePrecision(row.Text(13));
  listing.tile_1km = row.Text(14);
  listing.tile_5km = row.Text(15);
  listing.valid_from = row.OptionalText(16);
  listing.valid_until = row.OptionalText(17);
  listing.details = json::parse(row.Text(18), nullptr, false);
  if (listing.details.is_discarded()) listing.details = json::object();
  listing.content_hash = row.Text(19);
  listing.is_demo = row.Int(20) != 0;
  listing.created_at = row.Int(21);
  listing.updated_at = row.Int(22);
  listing.withdrawn_at = row.OptionalInt(23);
  return listing;
}

std::vector<SqlValue> ValuesOf(const Listing& listing) {
  return {listing.source_key,
          Optional(listing.partner_id),
          Optional(listing.external_id),
          std::string(KindName(listing.kind)),
          std::string(listing.withdrawn_at ? kStatusWithdrawn : kStatusActive),
          listing.title,
          listing.description,
          listing.commune_code,
          listing.address,
          listing.postcode,
          listing.latitude,
          listing.longitude,
          std::string(PrecisionName(listing.precision)),
          listing.tile_1km,
          listing.tile_5km,
          Optional(listing.valid_from),
          Optional(listing.valid_until),
          listing.details.dump(),
          listing.content_hash,
          static_cast<int64_t>(listing.is_demo ? 1 : 0),
          listing.created_at,
          listing.updated_at,
          Optional(listing.withdrawn_at)};
}

}  // namespace

std::string Listing::StatusOn(const std::string& today) const {
  if (withdrawn_at) return kStatusWithdrawn;
  if (valid_from && *valid_from > today) return kStatusScheduled;
  if (valid_until && *valid_until < today) return kStatusExpired;
  return kStatusActive;
}

json Listing::Fields() const {
  json fields = details.is_object() ? details : json::object();
  if (external_id) fields["external_id"] = *external_id;
  fields["title"] = title;
  if (!description.empty()) fields["description"] = description;
  if (!address.empty()) fields[kFieldAddress] = address;
  if (!postcode.empty()) fields[kFieldPostcode] = postcode;
  fields[kFieldCommuneCode] = commune_code;
  if (precision == Precision::kExact) {
    fields[kFieldLatitude] = latitude;
    fields[kFieldLongitude] = longitude;
  }
  if (valid_from) fields["valid_from"] = *valid_from;
  if (valid_until) fields["valid_until"] = *valid_until;
  return fields;
}

json Listing::ToJson(const std::string& today) const {
  json out = Fields();
  out.erase(kFieldLatitude);
  out.erase(kFieldLongitude);
  out["id"] = id;
  out["kind"] = KindName(kind);
  out["status"] = StatusOn(today);
  out["source"] = source_key;
  if (is_demo) out["demo"] = true;
  out["location"] = {{"commune_code", commune_code}, {"latitude", latitude},
                     {"longitude", longitude},       {"precision", PrecisionName(precision)},
                     {"tile_1km", tile_1km},         {"tile_5km", tile_5km}};
  out["created_at"] = created_at;
  out["updated_at"] = updated_at;
  return out;
}

std::optional<Listing> ListingStore::Get(storage::Connection& connection, int64_t id) {
  auto row =
      connection.QueryOne(std::string("SELECT ") + kColumns + " FROM listings WHERE id = $1", {id});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

std::map<int64_t, Listing> ListingStore::GetMany(storage::Connection& connection,
                                                 const std::vector<int64_t>& ids) {
  std::map<int64_t, Listing> found;
  for (const storage::Row& row : storage::QueryIdsIn(
           connection, std::string("SELECT ") + kColumns + " FROM listings WHERE id IN ", ids)) {
    Listing listing = FromRow(row);
    const int64_t id = listing.id;
    found.emplace(id, std::move(listing));
  }
  return found;
}

std::optional<Listing> ListingStore::FindByExternalId(storage::Connection& connection,
                                                      const std::string& source_key,
                                                      const std::string& external_id) {
  auto row = connection.QueryOne(std::string("SELECT ") + kColumns +
                                     " FROM listings WHERE source_key = $1 AND external_id = $2",
                                 {source_key, external_id});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

int64_t ListingStore::Insert(storage::Connection& connection, const Listing& listing) {
  auto row = connection.QueryOne(
      "INSERT INTO listings (source_key, partner_id, external_id, kind, status, title, "
      "description, commune_code, "
      "address, postcode, latitude, longitude, location_precision, tile_1km, tile_5km, valid_from, "
      "valid_until, "
      "details, content_hash, is_demo, created_at, updated_at, withdrawn_at) VALUES ($1, $2, $3, "
      "$4, $5, $6, $7, $8, "
      "$9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) RETURNING id",
      ValuesOf(listing));
  if (!row) throw storage::StorageError("listing insert returned no id");
  QueueForMatching(connection, row->Int(0), listing.updated_at, listing.valid_from);
  return row->Int(0);
}

std::vector<int64_t> ListingStore::TakeForMatching(storage::Connection& connection,
                                                   const std::string& today, int limit) {
  std::vector<int64_t> ids;
  for (const storage::Row& row : storage::ClaimBatch(
           connection,
           "SELECT listing_id FROM listing_match_queue WHERE not_before IS NULL OR not_before <= "
           "$1 ORDER BY queued_at, listing_id LIMIT $2",
           {today, int64_t{limit}})) {
    ids.push_back(row.Int(0));
  }
  if (!ids.empty()) {
    connection.Execute(
        "DELETE FROM listing_match_queue WHERE listing_id IN " + storage::InList(ids.size()),
        storage::BoundIds(ids));
  }
  return ids;
}

void ListingStore::QueueForMatching(storage::Connection& connection, int64_t id, int64_t now,
                                    const std::optional<std::string>& valid_from) {
  connection.Execute(
      "INSERT INTO listing_match_queue (listing_id, queued_at, not_before) VALUES ($1, $2, $3) "
      "ON CONFLICT (listing_id) DO UPDATE SET queued_at = excluded.queued_at, not_before = "
      "excluded.not_before",
      {id, now, Optional(valid_from)});
}

std::pair<int64_t, int64_t> ListingStore::MatchQueueDepth(storage::Connection& connection,
                                                          int64_t now) {
  std::optional<storage::Row> row =
      connection.QueryOne("SELECT COUNT(*), MIN(queued_at) FROM listing_match_queue");
  if (!row) return {0, 0};
  const std::optional<int64_t> oldest = row->OptionalInt(1);
  return {row->Int(0), oldest ? now - *oldest : 0};
}

void ListingStore::Update(storage::Connection& connection, const Listing& listing) {
  std::vector<SqlValue> values = ValuesOf(listing);
  values.push_back(listing.id);
  connection.Execute(
      "UPDATE listings SET source_key = $1, partner_id = $2, external_id = $3, kind = $4, status = "
      "$5, title = $6, "
      "description = $7, commune_code = $8, address = $9, postcode = $10, latitude = $11, "
      "longitude = $12, "
      "location_precision = $13, tile_1km = $14, tile_5km = $15, valid_from = $16, valid_until = "
      "$17, details = $18, "
      "content_hash = $19, is_demo = $20, created_at = $21, updated_at = $22, withdrawn_at = $23 "
      "WHERE id = $24",
      values);
  if (!listing.withdrawn_at)
    QueueForMatching(connection, listing.id, listing.updated_at, listing.valid_from);
}

std::string PersonSourceKey(int64_t user_id) { return "user:" + std::to_string(user_id); }

int64_t ListingStore::DeleteBySource(storage::Connection& connection,
                                     const std::string& source_key) {
  return connection.Execute("DELETE FROM listings WHERE source_key = $1", {source_key});
}

bool ListingStore::Withdraw(storage::Connection& connection, int64_t id, int64_t now) {
  return connection.Execute(
             "UPDATE listings SET status = 'withdrawn', withdrawn_at = $1, updated_at = $2 "
             "WHERE id = $3 AND withdrawn_at IS NULL",
             {now, now, id}) > 0;
}

std::vector<Listing> ListingStore::List(storage::Connection& connection,
                                        const ListingFilter& filter) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM listings WHERE id > $1";
  std::vector<SqlValue> params = {filter.after_id};
  auto add = [&](const std::string& condition, SqlValue value) {
    params.push_back(std::move(value));
    std::string text = condition;
    const std::string placeholder = "$" + std::to_string(params.size());
    for (size_t at = text.find('?'); at != std::string::npos;
         at = text.find('?', at + placeholder.size())) {
      text.replace(at, 1, placeholder);
    }
    sql += " AND " + text;
  };
  if (filter.partner_id) add("partner_id = ?", *filter.partner_id);
  if (filter.source_key) add("source_key = ?", *filter.source_key);
  if (filter.kind) add("kind = ?", std::string(KindName(*filter.kind)));
  if (filter.commune_code) add("commune_code = ?", *filter.commune_code);
  if (filter.tile) {
    add(filter.tile->find("RES5000m") != std::string::npos ? "tile_5km = ?" : "tile_1km = ?",
        *filter.tile);
  }
  if (filter.within) {
    add("latitude >= ?", filter.within->south);
    add("latitude <= ?", filter.within->north);
    add("longitude >= ?", filter.within->west);
    add("longitude <= ?", filter.within->east);
  }
  if (filter.updated_since) add("updated_at >= ?", *filter.updated_since);
  if (filter.text) add("title LIKE ?", "%" + *filter.text + "%");
  if (filter.status) {
    const std::string& status = *filter.status;
    if (status == kStatusWithdrawn) {
      sql += " AND withdrawn_at IS NOT NULL";
    } else {
      sql += " AND withdrawn_at IS NULL";
      if (status == kStatusActive) {
        add("(valid_from IS NULL OR valid_from <= ?)", filter.today);
        add("(valid_until IS NULL OR valid_until >= ?)", filter.today);
      } else if (status == kStatusScheduled) {
        add("valid_from > ?", filter.today);
      } else if (status == kStatusExpired) {
        add("valid_until < ?", filter.today);
      }
    }
  } else if (!filter.include_withdrawn) {
    sql += " AND withdrawn_at IS NULL";
  }
  params.push_back(static_cast<int64_t>(filter.limit));
  sql += " ORDER BY id LIMIT $" + std::to_string(params.size());
  std::vector<Listing> listings;
  for (const storage::Row& row : connection.Query(sql, params)) listings.push_back(FromRow(row));
  return listings;
}

std::map<std::pair<std::string, std::string>, int64_t> ListingStore::Counts(
    storage::Connection& connection, int64_t partner_id, const std::string& today) {
  std::map<std::pair<std::string, std::string>, int64_t> counts;
  const auto rows = connection.Query(
      "SELECT kind, CASE WHEN withdrawn_at IS NOT NULL THEN 'withdrawn' "
      "WHEN valid_from IS NOT NULL AND valid_from > $1 THEN 'scheduled' "
      "WHEN valid_until IS NOT NULL AND valid_until < $2 THEN 'expired' ELSE 'active' END AS "
      "state, COUNT(*) "
      "FROM listings WHERE partner_id = $3 GROUP BY kind, state",
      {today, today, partner_id});
  for (const storage::Row& row : rows) counts[{row.Text(0), row.Text(1)}] = row.Int(2);
  return counts;
}

std::map<std::string, std::map<std::string, int64_t>> ListingStore::ActiveCountsByTile(
    storage::Connection& connection, const std::vector<std::string>& tiles,
    const std::string& today) {
  std::map<std::string, std::map<std::string, int64_t>> counts;
  // Each level has its own indexed column; an id names its level ("…RES1000m…").
  for (const auto& [column, level] :
       {std::pair{"tile_1km", "RES1000m"}, std::pair{"tile_5km", "RES5000m"}}) {
    std::vector<SqlValue> params = {today, today};
    std::string in;
    for (const std::string& tile : tiles) {
      if (tile.find(level) == std::string::npos) continue;
      params.push_back(tile);
      in += (in.empty() ? "$" : ", $") + std::to_string(params.size());
    }
    if (in.empty()) continue;
    const std::string sql =
        std::string("SELECT ") + column +
        ", kind, COUNT(*) FROM listings "
        "WHERE withdrawn_at IS NULL AND (valid_from IS NULL OR valid_from <= $1) "
        "AND (valid_until IS NULL OR valid_until >= $2) AND " +
        column + " IN (" + in +
        ") "
        "GROUP BY " +
        column + ", kind";
    for (const storage::Row& row : connection.Query(sql, params))
      counts[row.Text(0)][row.Text(1)] = row.Int(2);
  }
  return counts;
}

}  // namespace vivrovert::listings
