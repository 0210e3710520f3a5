#include "domain/matching/matching_listener.hpp"

namespace vivrovert::matching {

void MatchingListener::SearchSaved(storage::Connection& connection,
                                   const interests::SavedSearch& search, int64_t now) {
  // A request the grid refuses was refused by the API before it was stored; the status
  // only reports a grid changed in between, and the person keeps their other places.
  (void)matcher_.SearchSaved(connection, search.user_id, search.id, now);
}

void MatchingListener::TileClicked(storage::Connection& connection, int64_t /*click_id*/,
                                   std::optional<int64_t> user_id, const std::string& /*tile*/,
                                   bool /*linked*/, int64_t at) {
  if (user_id) matcher_.PersonChanged(connection, *user_id, at);
}

void MatchingListener::InterestsChanged(storage::Connection& connection, int64_t user_id,
                                        int64_t now) {
  matcher_.PersonChanged(connection, user_id, now);
}

}  // namespace vivrovert::matching
