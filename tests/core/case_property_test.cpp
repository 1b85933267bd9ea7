// Property: a case's state is a function of the set of its events. Random cases are made by a
// random walk through valid transitions (returns, escalations and sendings back included) with
// notes, refused events and settlements mixed in;
// a model of the walk predicts the state, and every shuffle of the events, with repeats,
// must fold to that same state.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "case_test_support.hpp"
#include "seed.hpp"
#include "weimin/core/case.hpp"

using namespace weimin::core;
using namespace weimin::core::case_test;

namespace {

const std::vector<std::string> kDepartments = {kUrban, kWater, "dept.housing"};
const std::vector<Actor> kStationStaff = {kDirector, kDeputy, kStaff, kGrid, kSocial};

// What the walk expects the fold to give.
struct Model {
  CaseStage stage = CaseStage::Collected;
  std::vector<std::string> whistled;
  std::set<std::string> reported;
  std::set<std::string> returned;
  std::set<std::string> fed_back;
  std::optional<WhistleLevel> level;
  bool sent_back = false;
  int returns = 0, all_returned = 0, escalations = 0, sendings_back = 0;
  std::optional<Rating> rating;
  int reopens = 0;
  int notes = 0;
  int visits = 0;
  CaseWhere where;
  int settled = 0;
  int accepted = 0;
  std::vector<Uuid> open_conflicts;
  std::optional<CaseEvent> late_whistle;  // kept as a conflict; accepted after a reopen
};

class Walk {
 public:
  explicit Walk(std::mt19937_64& rng) : rng_(rng) {
    m_.case_id = make_uuid(kT, rng_());
    CaseEvent collected = m_.collected(pick(kStationStaff));
    // Where: sometimes nothing (a fact of before places), else a place, its grid, an address
    // and perhaps a position.
    if (chance(70)) {
      const std::vector<std::pair<std::string, std::string>> places = {
          {"cuihu.bldg1", "530102001001001"}, {"cuihu.square", "530102001001002"}, {"", ""}};
      const auto& [place, grid] = pick(places);
      model_.where = CaseWhere{grid, place, chance(50) ? "3单元502门口" : "", std::nullopt};
      if (chance(50)) {
        model_.where.point = GeoPoint{25'040'000 + static_cast<std::int32_t>(rng_() % 10000),
                                      102'700'000 + static_cast<std::int32_t>(rng_() % 10000)};
      }
      std::get<CaseCollected>(collected.payload).where = model_.where;
    }
    push(std::move(collected));
  }

  void run() {
    const int steps = 5 + static_cast<int>(rng_() % 40);
    for (int i = 0; i < steps; ++i) step();
  }

  const std::vector<CaseEvent>& events() const { return events_; }
  const Model& model() const { return model_; }

 private:
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[rng_() % v.size()];
  }
  bool chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }

  // Appends an event; sometimes at the previous event's wall time with the next counter.
  void push(CaseEvent e) {
    if (!events_.empty() && chance(20)) {
      const HlcTimestamp last = events_.back().hlc;
      e.hlc = {last.wall_ms, last.logical + 1};
    }
    events_.push_back(std::move(e));
  }
  void push_conflict(CaseEvent e) {
    model_.open_conflicts.push_back(e.id);
    push(std::move(e));
  }

  void step() {
    const int r = static_cast<int>(rng_() % 100);
    if (r < 15) {
      push(m_.note(pick(kEveryone)));
      ++model_.notes;
    } else if (r < 20 && chance(50)) {
      push(m_.make(pick(kStationStaff), CaseVisited{"上门查看，已拍照"}));  // 走访
      ++model_.visits;
    } else if (r < 25) {
      refused();
    } else if (r < 30 && !model_.open_conflicts.empty()) {
      const std::size_t i = rng_() % model_.open_conflicts.size();
      const Uuid id = model_.open_conflicts[i];
      model_.open_conflicts.erase(model_.open_conflicts.begin() + static_cast<long>(i));
      if (model_.late_whistle && model_.late_whistle->id == id) model_.late_whistle.reset();
      push(m_.settle(id, SettleDecision::Dismiss, chance(50) ? kDirector : kDeputy));
      ++model_.settled;
    } else {
      advance();
    }
  }

  // An event that cannot be applied where it falls.
  void refused() {
    switch (rng_() % 4) {
      case 0:
        push_conflict(m_.whistled(kStaff));  // staff may not whistle
        break;
      case 1:
        if (model_.stage == CaseStage::Verified) return refused();
        push_conflict(m_.closed());  // only a verified case closes
        break;
      case 2:
        push_conflict(m_.reported("dept.police"));  // never whistled
        break;
      default: {
        Maker other;
        other.case_id = make_uuid(kT, 1);
        other.next = m_.next + 100000;
        other.t = m_.t;
        push_conflict(other.note());  // belongs to another case
        m_.t = other.t;
        break;
      }
    }
  }

  std::string unreported() {
    std::vector<std::string> left;
    for (const auto& d : model_.whistled) {
      if (!model_.reported.count(d) && !model_.returned.count(d)) left.push_back(d);
    }
    return left.empty() ? std::string() : pick(left);
  }
  // A department that may still return the whistle: in the round, no feedback, not returned.
  std::string may_return() {
    std::vector<std::string> left;
    for (const auto& d : model_.whistled) {
      if (!model_.fed_back.count(d) && !model_.returned.count(d)) left.push_back(d);
    }
    return left.empty() ? std::string() : pick(left);
  }
  void new_round(std::vector<std::string> departments, WhistleLevel level) {
    model_.whistled = std::move(departments);
    model_.reported.clear();
    model_.returned.clear();
    model_.fed_back.clear();
    model_.level = level;
    model_.sent_back = false;
  }

  // A department's response, itself or by phone through station staff.
  CaseEvent respond(const std::string& d, CasePayload p) {
    if (chance(30)) return m_.make(chance(50) ? kStaff : kDeputy, std::move(p), d);
    return m_.make(dept(d), std::move(p));
  }

  void set(CaseStage s) { model_.stage = s; }

  void advance() {
    switch (model_.stage) {
      case CaseStage::Collected:
      case CaseStage::Reopened:
      case CaseStage::Returned:
        if (chance(20)) {
          // The street office sends it back; a second time while the first stands is refused.
          if (model_.sent_back) return push_conflict(m_.sent_back());
          model_.sent_back = true;
          ++model_.sendings_back;
          return push(m_.sent_back());
        }
        if (model_.late_whistle && model_.stage == CaseStage::Reopened) {
          const CaseEvent& w = *model_.late_whistle;
          std::erase(model_.open_conflicts, w.id);
          new_round(std::get<CaseWhistled>(w.payload).departments, WhistleLevel::District);
          push(m_.settle(w.id, SettleDecision::Accept));
          model_.late_whistle.reset();
          ++model_.settled;
          ++model_.accepted;
          return set(CaseStage::Whistled);
        }
        if (chance(30)) {
          model_.sent_back = false;
          return push(m_.resolved(pick(kStationStaff))), set(CaseStage::Resolved);
        }
        {
          std::vector<std::string> d = kDepartments;
          std::shuffle(d.begin(), d.end(), rng_);
          d.resize(1 + rng_() % d.size());
          const Actor& by = chance(30) ? kStreet : (chance(50) ? kDirector : kDeputy);
          push(m_.whistled(by, d, static_cast<WhistleKind>(rng_() % 3)));
          new_round(
              d, by.role == Role::StreetOffice ? WhistleLevel::District : WhistleLevel::Community);
        }
        return set(CaseStage::Whistled);
      case CaseStage::Resolved:
        return push(m_.verified(pick(kStationStaff))), set(CaseStage::Verified);
      case CaseStage::Whistled:
      case CaseStage::Reported:
      case CaseStage::Feedback: {
        if (chance(15)) {
          if (model_.level != WhistleLevel::Community) return push_conflict(m_.escalated());
          std::vector<std::string> added;
          for (const std::string& d : {std::string("dept.fire"), std::string("dept.gas")}) {
            if (std::find(model_.whistled.begin(), model_.whistled.end(), d) ==
                    model_.whistled.end() &&
                chance(50)) {
              added.push_back(d);
            }
          }
          push(m_.escalated(added, kStreet));
          model_.whistled.insert(model_.whistled.end(), added.begin(), added.end());
          model_.level = WhistleLevel::District;
          ++model_.escalations;
          return;
        }
        if (const std::string d = may_return(); !d.empty() && chance(20)) {
          push(respond(d, CaseReturned{"不属本部门职责"}));
          model_.returned.insert(d);
          ++model_.returns;
          if (model_.returned.size() == model_.whistled.size()) {
            ++model_.all_returned;
            return set(CaseStage::Returned);
          }
          if (model_.stage == CaseStage::Reported) {
            bool any = false;
            for (const auto& r : model_.reported) any = any || !model_.returned.count(r);
            if (!any) set(CaseStage::Whistled);
          }
          return;
        }
        const std::string d = unreported();
        const int r = static_cast<int>(rng_() % 3);
        if (!d.empty() && (r == 0 || model_.stage == CaseStage::Whistled)) {
          push(respond(d, CaseReported{}));
          model_.reported.insert(d);
          if (model_.stage == CaseStage::Whistled) set(CaseStage::Reported);
        } else if (r == 1 || model_.stage == CaseStage::Reported) {
          std::vector<std::string> done;
          for (const auto& x : model_.reported) {
            if (!model_.returned.count(x)) done.push_back(x);
          }
          const std::string who = pick(done);
          push(respond(who, CaseFeedback{"处理完毕"}));
          model_.fed_back.insert(who);
          set(CaseStage::Feedback);
        } else {
          push(m_.verified());
          set(CaseStage::Verified);
        }
        return;
      }
      case CaseStage::Verified:
        return push(m_.closed(chance(50) ? kDirector : kStaff)), set(CaseStage::Closed);
      case CaseStage::Closed:
        if (!model_.late_whistle && chance(30)) {
          // A street office whistles offline while the station closes: kept as a conflict.
          CaseEvent w = m_.whistled(kStreet, {kWater}, WhistleKind::Key);
          model_.late_whistle = w;
          return push_conflict(std::move(w));
        }
        if (chance(60)) {
          const auto rating = static_cast<Rating>(rng_() % 3);
          push(m_.evaluated(rating, chance(50) ? kResident : kGrid));
          model_.rating = rating;
          return set(CaseStage::Evaluated);
        }
        [[fallthrough]];
      case CaseStage::Evaluated:
        if (model_.stage == CaseStage::Evaluated && model_.rating != Rating::Dissatisfied) {
          push(m_.note());
          ++model_.notes;
          return;
        }
        push(m_.reopened(chance(50) ? kDirector : kDeputy));
        ++model_.reopens;
        new_round({}, WhistleLevel::Community);
        model_.level.reset();
        model_.rating.reset();
        return set(CaseStage::Reopened);
      case CaseStage::None:
        return;
    }
  }

  std::mt19937_64& rng_;
  Maker m_;
  Model model_;
  std::vector<CaseEvent> events_;
};

}  // namespace

TEST_CASE("any order of a case's events, with repeats, folds to the state the walk predicts") {
  const std::uint64_t seed = weimin::test::seed_from_env();
  MESSAGE("WEIMIN_SEED=" << seed);
  std::mt19937_64 rng(seed);
  const long walks = weimin::test::env_int("WEIMIN_CASE_WALKS", 300);
  int conflicts = 0, accepted = 0, dismissed = 0, reopens = 0;
  int returns = 0, all_returned = 0, escalations = 0, sendings_back = 0;
  for (long w = 0; w < walks; ++w) {
    Walk walk(rng);
    walk.run();
    const Model& model = walk.model();
    const std::vector<CaseEvent>& events = walk.events();
    const CaseState state = fold_case(events.front().case_id, events);
    INFO("walk " << w << " of " << events.size() << " events");

    CHECK(state.stage == model.stage);
    CHECK(state.reopen_count == model.reopens);
    CHECK(state.notes.size() == static_cast<std::size_t>(model.notes));
    CHECK(state.visits.size() == static_cast<std::size_t>(model.visits));
    CHECK(state.where == model.where);
    CHECK(state.settled.size() == static_cast<std::size_t>(model.settled));
    std::set<Uuid> open;
    for (const CaseConflict& c : state.conflicts) open.insert(c.event.id);
    CHECK(open == std::set<Uuid>(model.open_conflicts.begin(), model.open_conflicts.end()));
    std::vector<std::string> departments;
    for (const DepartmentProgress& d : state.departments) departments.push_back(d.department);
    CHECK(departments == model.whistled);
    std::set<std::string> returned;
    for (const DepartmentProgress& d : state.departments) {
      if (d.returned) returned.insert(d.department);
    }
    CHECK(returned == model.returned);
    CHECK(state.level == model.level);
    CHECK(state.sent_back.has_value() == model.sent_back);
    // Nothing is dropped: every event is a step, an open conflict or a settled one.
    std::size_t own_steps = 0;
    for (const CaseStep& s : state.timeline) own_steps += s.accepted_by ? 0 : 1;
    CHECK(own_steps + state.conflicts.size() + state.settled.size() == events.size());

    for (int round = 0; round < 4; ++round) {
      std::vector<CaseEvent> shuffled = events;
      const std::size_t repeats = rng() % 6;
      for (std::size_t i = 0; i < repeats; ++i) shuffled.push_back(events[rng() % events.size()]);
      std::shuffle(shuffled.begin(), shuffled.end(), rng);
      CHECK(fold_case(state.case_id, shuffled) == state);
    }
    for (const CaseEvent& e : events) {
      const auto back = parse_case_event(to_json(e).dump());
      REQUIRE_MESSAGE(back.is_ok(), back.status().to_string());
      CHECK(*back == e);
    }
    conflicts += static_cast<int>(model.open_conflicts.size()) + model.settled;
    accepted += model.accepted;
    dismissed += model.settled - model.accepted;
    reopens += model.reopens;
    returns += model.returns;
    all_returned += model.all_returned;
    escalations += model.escalations;
    sendings_back += model.sendings_back;
  }
  MESSAGE("returns " << returns << " (all of a round " << all_returned << "), escalations "
                     << escalations << ", sendings back " << sendings_back);
  MESSAGE("conflicts " << conflicts << ", accepted " << accepted << ", dismissed " << dismissed
                       << ", reopens " << reopens);
  if (walks >= 100) {
    CHECK(conflicts > 0);
    CHECK(accepted > 0);
    CHECK(dismissed > 0);
    CHECK(reopens > 0);
    CHECK(all_returned > 0);
    CHECK(escalations > 0);
    CHECK(sendings_back > 0);
  }
}
