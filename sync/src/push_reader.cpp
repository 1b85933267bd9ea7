// read_push_facts (push_reader.hpp): a push request body read from nlohmann's SAX events.
//
// The handler follows the text with a stack of the objects and the array it reads field by
// field (the root, "entries", each entry, each payload) and keeps their fields in FlatObjects;
// every other array or object (a fact's body, which is kept, and anything refused or unknown,
// which is not) goes to a BoundedBuilder, so repeated keys and nesting are refused at the same
// event, with the same message, as parse_json refuses them. The rules are applied afterwards in
// parse_push_request's order by the same code (push_fields.hpp): each entry and each payload
// when it ends, the envelope and the entries' seqs when the text has been read.
#include "weimin/sync/push_reader.hpp"

#include <array>
#include <optional>
#include <utility>
#include <vector>

#include "bounded_json.hpp"
#include "flat_object.hpp"
#include "push_fields.hpp"

namespace weimin::sync {

namespace {

using nlohmann::json;
using value_t = json::value_t;
using namespace detail;

constexpr std::array<std::string_view, 5> kRootFields = {"schema", "station_id", "stream",
                                                         "base_seq", "entries"};
constexpr std::size_t kEntriesField = 4;
constexpr std::array<std::string_view, 3> kEntryFields = {"seq", "topic", "payload"};
constexpr std::size_t kPayloadField = 2;
constexpr std::array<std::string_view, 8> kFactFields = {"id",  "kind",    "subject", "origin",
                                                         "hlc", "wall_ms", "day",     "body"};
constexpr std::size_t kBodyField = 7;

// An entry as read, before the envelope is: its own fault, its fields and its fact.
struct EntryRead {
  Status status;
  std::int64_t seq = 0;
  std::string topic;
  std::optional<Result<FactPayload>> fact;  // set once its payload, of any type, was read
};

class PushFactsHandler {
 public:
  PushFactsHandler()
      : root_(kRootFields), entry_(kEntryFields), fact_(kFactFields), builder_(scratch_) {
    frames_.reserve(4);
  }

  // [SECTION] nlohmann's SAX interface

  bool null() {
    if (building_) return forwarded(builder_.null());
    return scalar(value_t::null, [](FlatValue&) {});
  }
  bool boolean(bool b) {
    if (building_) return forwarded(builder_.boolean(b));
    return scalar(value_t::boolean, [b](FlatValue& v) { v.boolean = b; });
  }
  bool number_integer(json::number_integer_t n) {
    if (building_) return forwarded(builder_.number_integer(n));
    return scalar(value_t::number_integer, [n](FlatValue& v) { v.signed_number = n; });
  }
  bool number_unsigned(json::number_unsigned_t n) {
    if (building_) return forwarded(builder_.number_unsigned(n));
    return scalar(value_t::number_unsigned, [n](FlatValue& v) { v.unsigned_number = n; });
  }
  bool number_float(json::number_float_t x, const json::string_t& text) {
    if (building_) return forwarded(builder_.number_float(x, text));
    return scalar(value_t::number_float, [](FlatValue&) {});
  }
  bool string(json::string_t& s) {
    if (building_) return forwarded(builder_.string(s));
    return scalar(value_t::string, [&s](FlatValue& v) { v.text = std::move(s); });
  }
  bool binary(json::binary_t& b) {
    if (building_) return forwarded(builder_.binary(b));
    return scalar(value_t::binary, [](FlatValue&) {});
  }
  bool start_object(std::size_t) {
    if (building_) return forwarded(builder_.start_object(0));
    return open(value_t::object);
  }
  bool start_array(std::size_t) {
    if (building_) return forwarded(builder_.start_array(0));
    return open(value_t::array);
  }
  bool end_object() {
    if (building_) return forwarded(builder_.end_object());
    const Frame ended = frames_.back();
    frames_.pop_back();
    if (ended == Frame::Entry) {
      end_entry(value_t::object);
      next_ = Next::Entry;
    } else if (ended == Frame::Payload) {
      end_payload(value_t::object);
    }
    return true;
  }
  bool end_array() {
    if (building_) return forwarded(builder_.end_array());
    frames_.pop_back();  // the entries
    return true;
  }
  bool key(json::string_t& k) {
    if (building_) return forwarded(builder_.key(k));
    bool repeated = false;
    switch (frames_.back()) {
      case Frame::Root:
        field(root_, k, repeated, kEntriesField, Next::Entries);
        break;
      case Frame::Entry:
        field(entry_, k, repeated, kPayloadField, Next::Payload);
        break;
      case Frame::Payload:
        field(fact_, k, repeated, kBodyField, Next::Body);
        break;
      case Frame::Entries:
        break;  // an array has no keys
    }
    if (repeated) error_ = repeated_key_error(k);
    return !repeated;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    error_ = malformed_json_error(e);
    return false;
  }

  // [SECTION] After the text

  const std::string& error() const { return error_; }

  // The request, checked as parse_push_request checks it. Precondition: the text was read
  // without an error.
  Result<PushFactsRequest> finish() {
    PushFactsRequest m;
    BasicObjectReader<FlatView<kRootFields.size()>> r({&root_, root_type_}, "$");
    struct {
      std::vector<EntryRead>& entries;
      PushFactsRequest& m;
      std::size_t count(const FlatValue&) const { return entries.size(); }
      Result<std::int64_t> read(const FlatValue&, std::size_t i) const {
        EntryRead& e = entries[i];
        if (!e.status.is_ok()) return e.status;
        m.entries.push_back(PushFactEntry{e.seq, std::move(e.topic), std::move(*e.fact)});
        return e.seq;
      }
    } entries{entries_, m};
    read_push_fields(r, m, entries);
    WEIMIN_TRY(r.finish());
    return m;
  }

 private:
  // The containers read field by field, and what the next value is to them.
  enum class Frame { Root, Entries, Entry, Payload };
  enum class Next {
    Root,     // the whole text
    Field,    // a field kept by value (a container only by its type)
    Entries,  // the root's "entries": an array is read element by element
    Entry,    // an element of the entries: an object is read field by field
    Payload,  // an entry's "payload": an object is read field by field as a fact
    Body,     // a fact's "body": an object is built whole
    Skip,     // an unknown field's value: only checked (repeated keys, depth)
  };

  template <std::size_t N>
  void field(FlatObject<N>& object, const std::string& k, bool& repeated, std::size_t special,
             Next special_next) {
    const std::size_t i = object.add_key(k, repeated);
    slot_ = i < N ? &object.value(i) : nullptr;
    next_ = i == special ? special_next : i < N ? Next::Field : Next::Skip;
  }

  template <class Fill>
  bool scalar(value_t type, Fill&& fill) {
    switch (next_) {
      case Next::Root:
        root_type_ = type;
        break;
      case Next::Entry:
        entries_.emplace_back();
        end_entry(type);
        break;
      case Next::Skip:
        break;
      case Next::Field:
      case Next::Entries:
      case Next::Payload:
      case Next::Body:
        slot_->type = type;
        fill(*slot_);
        if (next_ == Next::Payload) end_payload(type);
        break;
    }
    return true;
  }

  bool open(value_t type) {
    const bool object = type == value_t::object;
    switch (next_) {
      case Next::Root:
        root_type_ = type;
        if (object) return enter(Frame::Root);
        break;
      case Next::Entry:
        entries_.emplace_back();
        if (object) {
          entry_.clear();
          return enter(Frame::Entry);
        }
        end_entry(type);
        break;
      case Next::Skip:
        break;
      case Next::Field:
      case Next::Entries:
      case Next::Payload:
      case Next::Body:
        slot_->type = type;
        if (next_ == Next::Entries && type == value_t::array) return enter(Frame::Entries);
        if (next_ == Next::Payload) {
          if (object) {
            fact_.clear();
            return enter(Frame::Payload);
          }
          end_payload(type);
        }
        if (next_ == Next::Body && object) return build(slot_->whole, type);
        break;
    }
    return build(scratch_, type);  // not kept: only checked
  }

  bool enter(Frame f) {
    if (frames_.size() >= static_cast<std::size_t>(kMaxJsonDepth)) {
      error_ = too_deep_error();
      return false;
    }
    frames_.push_back(f);
    next_ = f == Frame::Entries ? Next::Entry : Next::Field;
    return true;
  }

  // Hands the container opening now, and all inside it, to the builder.
  bool build(json& into, value_t type) {
    builder_.reset(into, frames_.size());
    building_ = true;
    return forwarded(type == value_t::object ? builder_.start_object(0) : builder_.start_array(0));
  }
  bool forwarded(bool ok) {
    if (!ok) {
      error_ = builder_.error();
    } else if (builder_.idle()) {
      building_ = false;
      scratch_ = nullptr;
    }
    return ok;
  }

  // The entry just read (its value of type `type`): its own checks.
  void end_entry(value_t type) {
    EntryRead& e = entries_.back();
    BasicObjectReader<FlatView<kEntryFields.size()>> er({&entry_, type},
                                                        push_entry_path(entries_.size() - 1));
    e.status = read_push_entry(er, e.seq, e.topic, [](FlatValue&) {});
  }
  // The payload of the current entry just read (its value of type `type`): its fact.
  void end_payload(value_t type) {
    const std::string path = push_entry_path(entries_.size() - 1) + ".payload";
    BasicObjectReader<FlatView<kFactFields.size()>> r({&fact_, type}, path);
    entries_.back().fact = read_fact(r);
  }

  FlatObject<kRootFields.size()> root_;
  value_t root_type_ = value_t::null;
  FlatObject<kEntryFields.size()> entry_;  // the entry being read
  FlatObject<kFactFields.size()> fact_;    // the payload being read
  std::vector<EntryRead> entries_;
  std::vector<Frame> frames_;
  Next next_ = Next::Root;
  FlatValue* slot_ = nullptr;  // the field the next value fills (Field, Entries, Payload, Body)
  json scratch_;               // what is built only to be checked
  BoundedBuilder builder_;
  bool building_ = false;  // the builder has the current container
  std::string error_;
};

}  // namespace

Result<PushFactsRequest> read_push_facts(std::string_view text) {
  PushFactsHandler handler;
  if (!json::sax_parse(text, &handler, json::input_format_t::json, /*strict=*/true)) {
    return json_refusal(kPushRequestWhat, handler.error());
  }
  return handler.finish();
}

}  // namespace weimin::sync
