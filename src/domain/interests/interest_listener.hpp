// Who else must know when a person shows interest: leads (contacts, prospects) and, later,
// the matching of listings to people follow saved searches and clicks through this
// interface, so that interests/ does not depend on them.
//
// Contract: called by the interests API inside the transaction that stores the event,
// after it is stored; a listener writes on the same connection, so the event and what
// derives from it commit together (or neither does). A listener must not throw for
// expected outcomes; database faults (storage::StorageError) roll the whole event back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/database.hpp"
#include "domain/interests/interest_store.hpp"

namespace vivrovert::interests {

class InterestListener {
 public:
  virtual ~InterestListener() = default;

  // A saved search was created or changed: `search` is its new version.
  virtual void SearchSaved(storage::Connection& connection, const SavedSearch& search,
                           int64_t now) = 0;

  // A tile panel was opened; `user_id` is empty for an anonymous visitor.
  virtual void TileClicked(storage::Connection& connection, int64_t click_id,
                           std::optional<int64_t> user_id, const std::string& tile, bool linked,
                           int64_t at) = 0;

  // Something else of the person's interests changed (a favourite added or removed, a saved
  // search deleted). Called after the change is stored, on the connection that stored it.
  virtual void InterestsChanged(storage::Connection& connection, int64_t user_id, int64_t now) {
    (void)connection, (void)user_id, (void)now;
  }
};

// Several listeners as one (leads and matching both follow interests). Null entries are
// skipped; calls go to each in order.
class InterestListeners final : public InterestListener {
 public:
  explicit InterestListeners(std::vector<InterestListener*> listeners)
      : listeners_(std::move(listeners)) {}

  void SearchSaved(storage::Connection& connection, const SavedSearch& search,
                   int64_t now) override {
    for (InterestListener* listener : listeners_) {
      if (listener != nullptr) listener->SearchSaved(connection, search, now);
    }
  }
  void TileClicked(storage::Connection& connection, int64_t click_id,
                   std::optional<int64_t> user_id, const std::string& tile, bool linked,
                   int64_t at) override {
    for (InterestListener* listener : listeners_) {
      if (listener != nullptr)
        listener->TileClicked(connection, click_id, user_id, tile, linked, at);
    }
  }
  void InterestsChanged(storage::Connection& connection, int64_t user_id, int64_t now) override {
    for (InterestListener* listener : listeners_) {
      if (listener != nullptr) listener->InterestsChanged(connection, user_id, now);
    }
  }

 private:
  std::vector<InterestListener*> listeners_;
};

}  // namespace vivrovert::interests
