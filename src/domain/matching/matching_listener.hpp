// The matcher as a listener of the interests API (domain/interests/interest_listener.hpp): a saved
// search's new version gets its green tiles computed and stored, and its author's places
// refreshed; a signed-in click adds the tile to its author's places.
//
// Called inside the transaction that stores the event, on its connection: the stored
// green tiles commit (or roll back) with the event. The in-memory index is updated at
// once; if that transaction then rolls back, the index keeps the place until the person's
// next change or the next start (a rebuild reads only what was committed).
//
// Favourites and deleted searches arrive through InterestsChanged (the person is read
// again). Profile changes do not pass through this interface: the profile pages call
// Matcher::PersonChanged after committing.
//
// Thread safety: as Matcher. Errors: a search this grid cannot run is left out of the
// person's places (the interests API has already validated it against the same grid).
#pragma once

#include "domain/interests/interest_listener.hpp"
#include "domain/matching/matcher.hpp"

namespace vivrovert::matching {

class MatchingListener : public interests::InterestListener {
 public:
  explicit MatchingListener(Matcher& matcher) : matcher_(matcher) {}

  void SearchSaved(storage::Connection& connection, const interests::SavedSearch& search,
                   int64_t now) override;
  void TileClicked(storage::Connection& connection, int64_t click_id,
                   std::optional<int64_t> user_id, const std::string& tile, bool linked,
                   int64_t at) override;
  void InterestsChanged(storage::Connection& connection, int64_t user_id, int64_t now) override;

 private:
  Matcher& matcher_;
};

}  // namespace vivrovert::matching
