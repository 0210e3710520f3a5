// The skills alerts' people in memory (option 3, docs/SKILLS.md): for every ROME code, the
// people who hold it in their profile (`work_rome_codes`) or in a CV of theirs that is not
// withdrawn, with what the rule needs of each person without a database read: whether they
// granted the consent "unvisited_jobs" and whether they chose no notification. A job's
// candidates are then one pass over one posting list instead of a scan of `profiles`.
//
// Kept in step like the matching index (domain/matching/matcher.hpp): built at start
// (Rebuild), reloaded for one person by whoever changed their profile, consent,
// notification choice or CV (PersonChanged, after the change, in this process), and by the
// other processes from the matching change log (FollowChanges, every couple of seconds:
// the pages that change these facts also call Matcher::PersonChanged, which records the
// change). Deleted accounts: PersonDeleted (the accounts' deletion log). The partners each
// person is a lead of (contact or prospect) are kept too, so that a job needs no read of
// its partner's leads: they follow the person's saved searches and clicks
// (SkillIndexListener here, the change log elsewhere) and the partners' territories.
//
// A CV's dates are kept, not judged at load: whether a CV is active is decided on the day
// of the job (Candidates), as the database path does.
//
// Thread safety: every method may be called from any thread; Candidates() calls run
// together, an edit waits for them (std::shared_mutex). Errors: database faults throw
// storage::StorageError.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/storage/database.hpp"
#include "domain/interests/interest_listener.hpp"

namespace vivrovert::skills {

// What the index keeps of one person.
struct PersonSkillFacts {
  int64_t user_id = 0;
  std::vector<uint32_t> profile_codes;  // matching::RomeCodeNumber values
  struct Cv {
    std::vector<uint32_t> codes;
    std::optional<std::string> valid_from;  // AAAA-MM-JJ
    std::optional<std::string> valid_until;
  };
  std::vector<Cv> cvs;                   // not withdrawn
  bool consented = false;                // "unvisited_jobs" granted now
  bool silent = false;                   // chose no notification
  std::vector<int64_t> looked_partners;  // a contact or prospect of them, ascending
};

// One person from the database (profile, consent, CVs, leads at `now`); no code anywhere:
// no entry.
std::optional<PersonSkillFacts> LoadSkillFacts(storage::Connection& connection, int64_t user_id,
                                               int64_t now);

// The candidates of one job, each list ascending.
struct SkillCandidates {
  std::vector<int64_t> people;     // the code in their profile or in a CV active today
  std::vector<int64_t> consented;  // of them, "unvisited_jobs" granted
  std::vector<int64_t> silent;     // of them, no notification wanted
  std::vector<int64_t> looked;     // of them, contacts and prospects of the partner asked
};

class LiveSkillIndex {
 public:
  // `database` must outlive the index.
  explicit LiveSkillIndex(storage::Database& database) : database_(database) {}

  struct BuildStats {
    int64_t people = 0;    // with at least one code
    int64_t postings = 0;  // (code, person) pairs
    double seconds = 0;
  };
  // Replaces the index by one read from the database, page by page of accounts.
  BuildStats Rebuild(int64_t now);
  // Replaces the index by these people, of distinct ids (benchmarks, tests).
  void Replace(std::vector<PersonSkillFacts> people);

  // Reads the person again from the database (after a change to their profile, consent,
  // notification choice, CV, saved searches or clicks).
  void PersonChanged(storage::Connection& connection, int64_t user_id, int64_t now);
  // The same for a person already indexed only (their searches or clicks changed: only
  // their leads may differ, and they matter only to people holding a code).
  void LeadsChanged(storage::Connection& connection, int64_t user_id, int64_t now);
  void PersonDeleted(int64_t user_id);

  // Changes recorded in the matching change log since the last call (with the matcher's
  // overlap): reloads each such person once. Every row is read, this process's own too (a
  // second reload is harmless). When the partners' territories changed (their
  // fingerprint), everyone's leads are read again. Returns how many were reloaded.
  // Rebuild() starts over.
  int64_t FollowChanges(int64_t now);

  // The people holding `rome_code` (matching::RomeCodeNumber) on `today` (AAAA-MM-JJ);
  // `looked` holds those who are leads of `partner_id`.
  SkillCandidates Candidates(uint32_t rome_code, const std::string& today,
                             int64_t partner_id = 0) const;

  size_t person_count() const;

 private:
  // A posting: one person under one code, with the person's flags copied (a change of the
  // flags rewrites the person's postings).
  struct Entry {
    int64_t user_id = 0;
    uint8_t flags = 0;
  };
  static constexpr uint8_t kConsented = 1;
  static constexpr uint8_t kSilent = 2;
  static constexpr uint8_t kThroughDatedCv = 4;  // only through CVs with dates: check the day

  static std::vector<std::pair<uint32_t, Entry>> PostingsOf(const PersonSkillFacts& person);
  // Under the unique lock.
  void RemoveLocked(int64_t user_id);
  void PutLocked(PersonSkillFacts person);

  // Every partner's leads among the indexed people (at start, and when territories change).
  void ReadAllLeads(storage::Connection& connection, int64_t now,
                    std::vector<PersonSkillFacts>& people);

  storage::Database& database_;
  std::mutex follow_mutex_;
  std::string territories_;  // the partners' territories' fingerprint the leads were read at
  int64_t follow_since_ = 0;
  std::map<int64_t, int64_t> followed_;  // change ids already read → their changed_at
  mutable std::shared_mutex mutex_;
  std::unordered_map<uint32_t, std::vector<Entry>> postings_;  // by ascending user id
  std::unordered_map<int64_t, PersonSkillFacts> people_;
  std::unordered_map<int64_t, std::vector<int64_t>> looked_;  // partner → ascending people
};

// The index as a listener of the interests API (domain/interests/interest_listener.hpp),
// after the lead recorder: a saved search or a click may make a person a lead of a
// partner. Inside the event's transaction, on its connection.
class SkillIndexListener : public interests::InterestListener {
 public:
  explicit SkillIndexListener(LiveSkillIndex& index) : index_(index) {}
  void SearchSaved(storage::Connection& connection, const interests::SavedSearch& search,
                   int64_t now) override;
  void TileClicked(storage::Connection& connection, int64_t click_id,
                   std::optional<int64_t> user_id, const std::string& tile, bool linked,
                   int64_t at) override;
  void InterestsChanged(storage::Connection& connection, int64_t user_id, int64_t now) override;

 private:
  LiveSkillIndex& index_;
};

}  // namespace vivrovert::skills
