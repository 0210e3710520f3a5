#include "domain/audience/audience_store.hpp"

namespace vivrovert::audience {

void AudienceStore::Add(storage::Connection& connection, const std::vector<DailyViews>& batch) {
  for (const DailyViews& row : batch) {
    connection.Execute(
        "INSERT INTO audience_daily (day, page, source, views) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (day, page, source) DO UPDATE SET views = audience_daily.views + "
        "excluded.views",
        {row.day, row.page, row.source, row.views});
  }
}

std::vector<DailyViews> AudienceStore::Since(storage::Connection& connection,
                                             const std::string& first_day) {
  std::vector<DailyViews> rows;
  for (const storage::Row& row :
       connection.Query("SELECT day, page, source, views FROM audience_daily WHERE day >= $1 "
                        "ORDER BY day, page, source",
                        {first_day})) {
    rows.push_back({row.Text(0), row.Text(1), row.Text(2), row.Int(3)});
  }
  return rows;
}

std::vector<ViewTotal> AudienceStore::Totals(storage::Connection& connection,
                                             const std::string& first_day,
                                             AudienceDimension dimension) {
  // The column comes from the enum, never from input.
  const char* sql = nullptr;
  switch (dimension) {
    case AudienceDimension::kDay:
      sql =
          "SELECT day, CAST(SUM(views) AS BIGINT) FROM audience_daily WHERE day >= $1 GROUP BY day "
          "ORDER BY day";
      break;
    case AudienceDimension::kPage:
      sql =
          "SELECT page, CAST(SUM(views) AS BIGINT) AS total FROM audience_daily WHERE day >= $1 "
          "GROUP BY page ORDER BY total DESC, page";
      break;
    case AudienceDimension::kSource:
      sql =
          "SELECT source, CAST(SUM(views) AS BIGINT) AS total FROM audience_daily WHERE day >= $1 "
          "GROUP BY source ORDER BY total DESC, source";
      break;
  }
  std::vector<ViewTotal> totals;
  for (const storage::Row& row : connection.Query(sql, {first_day})) {
    totals.push_back({row.Text(0), row.Int(1)});
  }
  return totals;
}

}  // namespace vivrovert::audience
