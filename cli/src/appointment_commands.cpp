// weimin appointment slots | book | cancel | checkin, and weimin rate (a service at a window)
#include "context.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/station/appointments.hpp"
#include "weimin/station/evaluations.hpp"

namespace weimin::cli {
namespace {

std::string hhmm(int minute) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60 % 100, minute % 60);
  return buf;
}

nlohmann::json booking_json(const core::Booking& b) {
  nlohmann::json j = {{"booking_id", b.id.to_string()},
                      {"slot", b.slot},
                      {"status", core::to_string(b.status)},
                      {"name", b.resident_name},
                      {"phone", b.phone_masked},
                      {"bumped_to_waitlist", b.bumped},
                      {"promoted", b.promoted}};
  if (b.ticket) j["ticket_id"] = b.ticket->to_string();
  return j;
}

std::string booking_text(const core::Booking& b) {
  return b.id.to_string() + "  " + b.slot + "  " + std::string(core::to_string(b.status)) +
         (b.bumped ? "  (moved to the waitlist: tell the resident)" : "") +
         (b.promoted ? "  (promoted from the waitlist: tell the resident)" : "");
}

// Runs body as staff when --as is given, else as the resident at the kiosk.
int as_resident_or_staff(
    Context& ctx, const std::string& as,
    const std::function<int(station::Station&, const std::optional<station::Session>&)>& body) {
  if (as.empty()) {
    return with_station(ctx, [&](station::Station& st) { return body(st, std::nullopt); });
  }
  return with_staff(ctx, as, [&](station::Station& st, const station::Session& s) {
    return body(st, std::optional<station::Session>(s));
  });
}

}  // namespace

void add_appointment_commands(CLI::App& app, Context& ctx) {
  auto* appt = app.add_subcommand("appointment", "appointments: the legal clinic and other slots");
  appt->require_subcommand(1);

  auto* slots = appt->add_subcommand("slots", "the coming weeks' slots with free seats");
  slots->callback([&ctx] {
    ctx.action = [&ctx] {
      return with_station(ctx, [&](station::Station& station) {
        station::Appointments appointments(station);
        auto all = appointments.slots();
        if (!all.is_ok()) return ctx.refuse(all.status());
        nlohmann::json j = nlohmann::json::array();
        std::string text;
        for (const auto& sb : *all) {
          const auto* item = station.catalog().item_by_id(sb.slot.service_item);
          const std::string name = item ? item->name.zh : sb.slot.service_item;
          j.push_back({{"slot", sb.slot.id},
                       {"service", name},
                       {"date", sb.slot.date.to_string()},
                       {"start", hhmm(sb.slot.start_minute)},
                       {"end", hhmm(sb.slot.end_minute)},
                       {"capacity", sb.slot.capacity},
                       {"free", sb.free_seats()},
                       {"waitlist", sb.waitlist.size()}});
          text += sb.slot.id + "  " + sb.slot.date.to_string() + " " + hhmm(sb.slot.start_minute) +
                  "-" + hhmm(sb.slot.end_minute) + "  " + name + "  " +
                  std::to_string(sb.free_seats()) + "/" + std::to_string(sb.slot.capacity) +
                  " free\n";
        }
        return ctx.print(j, text.empty() ? "no slots in the coming weeks" : text);
      });
    };
  });

  {
    struct Options {
      std::string slot, name, phone, as;
      bool waitlist = false;
    };
    auto o = std::make_shared<Options>();
    auto* book = appt->add_subcommand("book", "book a seat in a slot");
    book->add_option("SLOT", o->slot, "slot id from 'appointment slots'")->required();
    book->add_option("--name", o->name, "the resident's name");
    book->add_option("--phone", o->phone, "the resident's mobile number");
    book->add_flag("--waitlist", o->waitlist, "join the waitlist when the slot is full");
    book->add_option("--as", o->as, "staff taking the booking (default: the resident)");
    book->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        return as_resident_or_staff(ctx, o->as, [&](station::Station& st, const auto& by) {
          station::Appointments appointments(st);
          auto b = appointments.book(by, {o->slot, o->name, o->phone, o->waitlist});
          if (!b.is_ok()) return ctx.refuse(b.status());
          return ctx.print(booking_json(*b), booking_text(*b));
        });
      };
    });
  }
  for (const std::string name : {"cancel", "checkin"}) {
    struct Options {
      std::string booking, reason, as;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = appt->add_subcommand(
        name, name == "cancel" ? "cancel a booking (frees the seat for the waitlist)"
                               : "check a booking in on its day; issues its priority ticket");
    cmd->add_option("BOOKING", o->booking, "booking id")->required();
    if (name == "cancel") cmd->add_option("--reason", o->reason, "why");
    cmd->add_option("--as", o->as, "staff acting (default: the resident)");
    cmd->callback([&ctx, o, name] {
      ctx.action = [&ctx, o, name] {
        auto id = core::Uuid::parse(o->booking);
        if (!id) return ctx.refuse(Status(ErrorCode::Invalid, "'" + o->booking + "' is not a booking id"));
        return as_resident_or_staff(ctx, o->as, [&](station::Station& st, const auto& by) {
          station::Appointments appointments(st);
          if (name == "cancel") {
            auto b = appointments.cancel(by, *id, o->reason);
            if (!b.is_ok()) return ctx.refuse(b.status());
            return ctx.print(booking_json(*b), booking_text(*b));
          }
          auto r = appointments.check_in(by, *id);
          if (!r.is_ok()) return ctx.refuse(r.status());
          auto j = booking_json(r->booking);
          j["number"] = r->ticket.ticket.label;
          j["people_ahead"] = r->ticket.wait.people_ahead;
          return ctx.print(j, "checked in: ticket " + r->ticket.ticket.label + " (called first)");
        });
      };
    });
  }

  {
    struct Options {
      std::string ticket, rating, comment;
      int score = 0;
    };
    auto o = std::make_shared<Options>();
    auto* rate = app.add_subcommand("rate", "a resident rates today's service at a window");
    rate->add_option("TICKET", o->ticket, "the ticket number, e.g. D003")->required();
    rate->add_option("--rating", o->rating, "satisfied, basically_satisfied or dissatisfied")
        ->required();
    rate->add_option("--score", o->score, "1-5 (optional)")->check(CLI::Range(1, 5));
    rate->add_option("--comment", o->comment, "the resident's words");
    rate->callback([&ctx, o] {
      ctx.action = [&ctx, o] {
        auto rating = core::parse_rating(o->rating);
        if (!rating.is_ok()) return ctx.refuse(rating.status());
        return with_station(ctx, [&](station::Station& station) {
          station::Evaluations evaluations(station);
          std::optional<int> score;
          if (o->score > 0) score = o->score;
          auto e = evaluations.rate_ticket(o->ticket, {*rating, score, o->comment});
          if (!e.is_ok()) return ctx.refuse(e.status());
          return ctx.print({{"ticket", o->ticket}, {"rating", o->rating}, {"staff", e->staff}},
                           "thank you: " + o->rating);
        });
      };
    });
  }
}

}  // namespace weimin::cli
