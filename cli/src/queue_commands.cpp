// weimin ticket take | queue show | call | recall | noshow | finish | transfer
#include "context.hpp"
#include "weimin/core/civil_time.hpp"
#include "weimin/station/queue.hpp"

namespace weimin::cli {
namespace {

nlohmann::json ticket_json(const core::Ticket& t) {
  return {{"ticket_id", t.id.to_string()},
          {"number", t.label},
          {"line", t.line},
          {"state", core::to_string(t.state)},
          {"priority", core::to_string(t.priority)},
          {"window", t.window},
          {"taken_at", core::local_date_time(t.taken_ms)}};
}

void add_ticket(CLI::App& app, Context& ctx) {
  auto* ticket = app.add_subcommand("ticket", "queue tickets (取号)");
  ticket->require_subcommand(1);
  struct Options {
    int line = 0;
    std::string item, priority = "none", reason;
  };
  auto o = std::make_shared<Options>();
  auto* take = ticket->add_subcommand("take", "take a number; prints it with the people ahead");
  take->add_option("--line", o->line, "service line 1-10");
  take->add_option("--item", o->item, "service item id (its line is used)");
  take->add_option("--priority", o->priority, "none, elderly, disability, pregnancy or appointment")
      ->capture_default_str();
  take->add_option("--reason", o->reason, "why the priority (e.g. 80岁)");
  take->callback([&ctx, o] {
    ctx.action = [&ctx, o] {
      if (o->line == 0 && o->item.empty()) {
        return ctx.refuse(
            Status(ErrorCode::Invalid, "say which line (--line 1-10) or service item (--item)"));
      }
      auto priority = core::parse_priority(o->priority);
      if (!priority.is_ok()) return ctx.refuse(priority.status());
      return with_station(ctx, [&](station::Station& station) {
        station::Queue queue(station);
        std::string reason = o->reason;
        if (core::is_priority(*priority) && reason.empty())
          reason = std::string(core::to_string(*priority));
        auto receipt = queue.take({o->line, o->item, *priority, reason, std::nullopt});
        if (!receipt.is_ok()) return ctx.refuse(receipt.status());
        auto j = ticket_json(receipt->ticket);
        j["people_ahead"] = receipt->wait.people_ahead;
        j["wait_minutes"] = receipt->wait.minutes;
        return ctx.print(j, receipt->ticket.label + "  (" +
                                std::to_string(receipt->wait.people_ahead) + " ahead, about " +
                                std::to_string(receipt->wait.minutes) + " min)");
      });
    };
  });
}

// `weimin queue ACTION --window W --as NO`
void add_window_action(
    CLI::App* queue, Context& ctx, const std::string& name, const std::string& help,
    std::function<Result<core::Ticket>(station::Queue&, const station::Session&, int,
                                       std::optional<int>, std::optional<int>)>
        fn) {
  struct Options {
    int window = 0, to_line = 0, to_window = 0;
    std::string as;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = queue->add_subcommand(name, help);
  cmd->add_option("--window", o->window, "your window number")->required();
  cmd->add_option("--as", o->as, "your staff number")->required();
  if (name == "transfer") {
    cmd->add_option("--to-line", o->to_line, "line to send the ticket to");
    cmd->add_option("--to-window", o->to_window, "window to send the ticket to");
  }
  cmd->callback([&ctx, o, fn] {
    ctx.action = [&ctx, o, fn] {
      return with_staff(ctx, o->as, [&](station::Station& station, const station::Session& s) {
        station::Queue queue(station);
        std::optional<int> to_line, to_window;
        if (o->to_line) to_line = o->to_line;
        if (o->to_window) to_window = o->to_window;
        auto t = fn(queue, s, o->window, to_line, to_window);
        if (!t.is_ok()) return ctx.refuse(t.status());
        return ctx.print(ticket_json(*t), t->label + "  " + std::string(core::to_string(t->state)) +
                                              "  window " + std::to_string(o->window));
      });
    };
  });
}

void add_queue(CLI::App& app, Context& ctx) {
  auto* queue = app.add_subcommand("queue", "the windows' queue");
  queue->require_subcommand(1);
  add_window_action(queue, ctx, "call", "call the next number to your window",
                    [](auto& q, auto& s, int w, auto, auto) { return q.call_next(s, w); });
  add_window_action(queue, ctx, "recall", "call your window's number again",
                    [](auto& q, auto& s, int w, auto, auto) { return q.recall(s, w); });
  add_window_action(queue, ctx, "noshow", "the called resident did not come",
                    [](auto& q, auto& s, int w, auto, auto) { return q.no_show(s, w); });
  add_window_action(queue, ctx, "finish", "the service at your window is done",
                    [](auto& q, auto& s, int w, auto, auto) { return q.finish(s, w); });
  add_window_action(
      queue, ctx, "transfer", "send your window's ticket to another line or window",
      [](auto& q, auto& s, int w, auto l, auto to) { return q.transfer(s, w, l, to); });
  auto* show = queue->add_subcommand(
      "show", "today's tickets: waiting, at windows, done (staff only: --as STAFF_NO)");
  auto show_as = std::make_shared<std::string>();
  show->add_option("--as", *show_as, "your staff number");
  show->callback([&ctx, show_as] {
    ctx.action = [&ctx, show_as] {
      return with_permission(ctx, "weimin queue show", *show_as, core::Permission::ViewRecords,
                             [&](station::Station& station, const station::Session&) {
                               station::Queue queue(station);
                               auto state = queue.today();
                               if (!state.is_ok()) return ctx.refuse(state.status());
                               std::vector<core::Ticket> tickets;
                               for (const auto& [id, t] : state->tickets) tickets.push_back(t);
                               std::sort(tickets.begin(), tickets.end(), core::queue_precedes);
                               nlohmann::json j = nlohmann::json::array();
                               std::string text;
                               for (const auto& t : tickets) {
                                 j.push_back(ticket_json(t));
                                 text +=
                                     t.label + "  " + std::string(core::to_string(t.state)) +
                                     (t.window ? "  window " + std::to_string(t.window) : "") +
                                     (core::is_priority(t.priority)
                                          ? "  priority " + std::string(core::to_string(t.priority))
                                          : "") +
                                     "\n";
                               }
                               return ctx.print(j, text.empty() ? "no tickets today" : text);
                             });
    };
  });
}

}  // namespace

void add_queue_commands(CLI::App& app, Context& ctx) {
  add_ticket(app, ctx);
  add_queue(app, ctx);
}

}  // namespace weimin::cli
