// check_work_access against the lists and the station's register (promises in
// work_access_register.hpp): the leading group's decision on this very task outranks the lists.
#include <string>

#include "weimin/core/work_access_register.hpp"

namespace weimin::core {

namespace {

// "…1a2b3c4d": the last 8 of an id, as staff give it to `weimin access decide`.
std::string short_ref(const Uuid& id) {
  const std::string text = id.to_string();
  return "…" + text.substr(text.size() - 8);
}

// Whether (score, decided_on) of a beats b: the closer task, then the later decision.
bool better(double score, const AccessApplication& a, double best_score,
            const AccessApplication* best) {
  if (!best) return true;
  if (score != best_score) return score > best_score;
  return best->decision->decided_on < a.decision->decided_on;
}

Text explain_registered(const AccessApplication& a) {
  const AccessDecided& d = *a.decision;
  const std::string ref = short_ref(a.id);
  const std::string on = d.decided_on.to_string();
  Text t;
  if (d.approved) {
    t.zh = d.decided_by + "已于 " + on + " 批准此事项（准入申请 " + ref + "：「" + a.applied.task +
           "」），已列入本站社区工作准入目录。";
    t.en = "Approved on " + on + " by " + d.decided_by + " (application " + ref + ": \"" +
           a.applied.task + "\"); it is in the station's catalogue of approved items.";
  } else {
    t.zh = d.decided_by + "已于 " + on + " 不予准入此事项（准入申请 " + ref + "：「" +
           a.applied.task + "」），社区不承接。";
    t.en = "Refused on " + on + " by " + d.decided_by + " (application " + ref + ": \"" +
           a.applied.task + "\"); the station does not take it on.";
  }
  if (!d.note.empty()) {
    t.zh += "说明：" + d.note + "。";
    t.en += " Note: " + d.note + ".";
  }
  return t;
}

}  // namespace

Result<WorkAccessDecision> check_work_access(const Catalog& catalog, const RegisterState& state,
                                             std::string_view task_text) {
  WEIMIN_ASSIGN_OR_RETURN(WorkAccessDecision d, check_work_access(catalog, task_text));
  const AccessApplication* best = nullptr;
  double best_score = 0;
  const AccessApplication* pending = nullptr;
  double pending_score = 0;
  for (const auto& [id, a] : state.applications) {
    const double score = task_similarity(task_text, a.applied.task);
    if (score < kSameTaskScore) continue;
    if (!a.decision) {
      if (score > pending_score) {
        pending = &a;
        pending_score = score;
      }
      continue;
    }
    if (better(score, a, best_score, best)) {
      best = &a;
      best_score = score;
    }
  }
  if (!best) {
    if (pending) {
      d.explanation.zh += "准入申请 " + short_ref(pending->id) + "（「" + pending->applied.task +
                          "」）待领导小组决定。";
      d.explanation.en += " Application " + short_ref(pending->id) + " (\"" +
                          pending->applied.task + "\") awaits the leading group's decision.";
    }
    return d;
  }
  const AccessDecided& decided = *best->decision;
  d.verdict = decided.approved ? WorkAccessVerdict::Approved : WorkAccessVerdict::NeedsApproval;
  d.reason = decided.approved ? WorkAccessReason::ApprovedApplication
                              : WorkAccessReason::RefusedApplication;
  d.registered = RegisteredTaskMatch{
      best->id.to_string(), best->applied.department,       best->applied.task, decided.approved,
      decided.decided_by,   decided.decided_on.to_string(), best_score};
  Text lists = d.explanation;
  d.explanation = explain_registered(*best);
  d.explanation.zh += "（清单核对：" + lists.zh + "）";
  d.explanation.en += " (The lists: " + lists.en + ")";
  return d;
}

}  // namespace weimin::core
