// A snapshot of the matching index in a file, so that a node starts matching in seconds
// instead of reading every person from the database (a million people: 40 s to minutes).
//
// The leader writes it after its start and then periodically (Matcher::WriteSnapshot); a
// starting node reads it (Matcher::Start), checks that it still describes this database
// and grid, and replays the people changed and the accounts deleted since (the change log
// of change_log.hpp and accounts/deletion_log.hpp), as a running node follows them; it
// rebuilds from the database when the snapshot is missing, unreadable or too old.
//
// File layout (host byte order; a file of another byte order is refused by its marker):
//   magic "VVMATCH1", format version, byte-order marker,
//   stamp (see SnapshotStamp), counts,
//   people slots (user id, notification, wishes, sorted place keys), free slots,
//   commune codes with their key numbers, posting lists (key, postings),
//   CRC-32 of every byte before it, end magic "VVMEND01".
// It is written to a temporary file beside the target (named after the writing process),
// flushed and renamed over it, so a reader sees the previous snapshot or the new one,
// never half of one.
//
// Bump kSnapshotFormat whenever the layout or what the index derives from the database
// (Wishes::FromProfile, the places read) changes: older snapshots are then refused.
//
// Thread safety: functions on the caller's values; the caller keeps `index` unchanged
// while it is written. Errors: a Status (file I/O: Unavailable; a damaged, truncated or
// foreign file: DataLoss; another format: FailedPrecondition).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/common/status.hpp"
#include "domain/matching/match_index.hpp"

namespace vivrovert::matching {

inline constexpr uint32_t kSnapshotFormat = 1;

// What a snapshot reflects.
struct SnapshotStamp {
  // Changes of the log (matching_changes.changed_at) at or after this time may be missing
  // from the index: a reader replays them. Everything before is in it.
  int64_t follow_since = 0;
  int64_t written_at = 0;
  // The grid the saved searches' green tiles come from (GridStamp), 0 without a grid.
  int64_t grid_stamp = 0;
  // The database the people were read from (its redacted URL).
  std::string database;
  // The change log's newest row before follow_since (0: none then), which must still be
  // there when the snapshot is read: then no change the reader replays has been purged.
  int64_t anchor_change_id = 0;
  // The change log's highest id when written: a database whose log ends before it was
  // restored from an older backup, and the snapshot knows people it does not.
  int64_t last_change_id = 0;
};

// `bytes_written`, when given, is called once every byte of `index` has been handed to the
// system and before the file is flushed to disk and renamed: the caller may let `index`
// change from then on (the flush of a million people's file takes seconds).
Status WriteIndexSnapshot(const std::string& path, const MatchIndex& index,
                          const SnapshotStamp& stamp,
                          const std::function<void()>& bytes_written = {});

struct LoadedSnapshot {
  std::unique_ptr<MatchIndex> index;
  SnapshotStamp stamp;
};
Result<LoadedSnapshot> ReadIndexSnapshot(const std::string& path);

}  // namespace vivrovert::matching
