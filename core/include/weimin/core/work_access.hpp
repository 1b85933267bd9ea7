// Work access (社区工作准入): whether a task a department pushes onto the station is on the
// district's community work list, or needs work-access approval (社区工作准入审批) first.
// Staff type or paste the task; the check matches it against the catalog's work list by
// keywords and by overlap of Chinese character pairs, and explains its verdict.
// Thread-safety: pure functions of their arguments; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weimin/core/catalog.hpp"
#include "weimin/core/result.hpp"

namespace weimin::core {

enum class WorkAccessVerdict {
  OnList,         // the station does it as of right
  NeedsApproval,  // needs work-access approval before the station takes it on
  Approved,       // the station's leading group approved this task (its catalogue of approved
                  // items, 准入目录); only the check against the register says so
};
// "on_list", "needs_approval", "approved".
std::string_view to_string(WorkAccessVerdict verdict);

// Why the verdict was reached.
enum class WorkAccessReason {
  MatchesWorkList,         // a work-list item matches closely enough
  NoCloseMatch,            // no work-list item matches closely enough
  AbolishedWork,           // the task is work abolished for communities (ExcludedWork)
  CertificateNotIssuable,  // it asks for a certificate (证明) or a stamp (盖章) the committee may
                           // no longer issue; only issuable certificates are allowed
  // The two below come only from the check against the station's register
  // (work_access_register.hpp); facts never carry them.
  ApprovedApplication,  // an approved application in the register is this task
  RefusedApplication,   // a refused application in the register is this task
};
// "matches_work_list", "no_close_match", "abolished_work", "certificate_not_issuable",
// "approved_application", "refused_application".
std::string_view to_string(WorkAccessReason reason);

// A work-list item that resembles the task.
struct WorkListMatch {
  std::string item_id;
  Text name;
  double score = 0;  // 0 < score ≤ 1; kOnListScore or more counts as on the list
  std::vector<std::string> matched_keywords;  // the item's keywords found in the task
};

// A decided work-access application in the station's register whose task is the checked one.
struct RegisteredTaskMatch {
  std::string application;  // its id
  std::string department;   // catalog department id
  std::string task;         // as recorded
  bool approved = false;
  std::string decided_by;  // the leading group
  std::string decided_on;  // YYYY-MM-DD
  double score = 0;        // task_similarity, ≥ kSameTaskScore
};

struct WorkAccessDecision {
  WorkAccessVerdict verdict = WorkAccessVerdict::NeedsApproval;
  WorkAccessReason reason = WorkAccessReason::NoCloseMatch;
  std::vector<WorkListMatch> matches;  // best first, at most kMaxWorkListMatches, all score > 0
  std::string excluded_id;             // the ExcludedWork found, when reason is AbolishedWork
  std::vector<std::string> excluded_keywords;  // its keywords found in the task
  Text explanation;  // one or two sentences for staff, Chinese and English
  // Set only by the check against the register, when a decided application is this task.
  std::optional<RegisteredTaskMatch> registered;
};

// The score from which a work-list item counts as a match.
inline constexpr double kOnListScore = 0.5;
inline constexpr std::size_t kMaxWorkListMatches = 3;
// From this task_similarity two task texts count as the same task.
inline constexpr double kSameTaskScore = 0.6;
// Longer text is refused: the check is meant for a task's title and main request.
inline constexpr std::size_t kMaxTaskTextBytes = 4000;

// Decides whether task_text is on the catalog's community work list.
// - Abolished work (招商引资 quotas, the community as the body responsible for law enforcement,
//   demolition …) needs approval whatever else matches.
// - A request for a certificate or a stamp other than an issuable one (经济困难证明 in Yunnan)
//   needs approval.
// - Otherwise the best work-list item with score ≥ kOnListScore puts the task on the list.
// Fails with Invalid when the text is empty or blank, longer than kMaxTaskTextBytes, or not
// valid UTF-8.
Result<WorkAccessDecision> check_work_access(const Catalog& catalog, std::string_view task_text);

// How alike two task texts are, 0 to 1: 1 when, after folding case, width and punctuation,
// one holds the other whole (and the shorter has at least 4 characters), otherwise the
// overlap of their character pairs with the common words of pushed tasks (社区, 协助 …) left
// out. Text that is not valid UTF-8 scores 0.
double task_similarity(std::string_view a, std::string_view b);

}  // namespace weimin::core
