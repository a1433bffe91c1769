#include "api/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <istream>
#include <map>
#include <optional>
#include <streambuf>

#include "api/json_builder.h"
#include "api/yaml_scalar.h"

namespace labctl::api {

namespace {

using json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

std::atomic<bool> g_stopped{false};

// Thrown through yaml-cpp to end a parse; carries the answer.
struct Abort {
  Status status;
};

std::string Where(const YAML::Mark& m) {
  return "line " + std::to_string(m.line + 1) + ", column " + std::to_string(m.column + 1);
}

std::string LineOf(const std::string& text, size_t offset) {
  size_t line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n';
  return "line " + std::to_string(line);
}

// Serves the text to yaml-cpp in small chunks; every refill is a chance to stop it.
class GuardedInput : public std::streambuf {
 public:
  GuardedInput(const std::string& text, const ParseLimits& limits)
      : text_(text), limits_(limits), deadline_(SteadyClock::now() + limits.max_yaml_time) {}

  // Bytes handed to yaml-cpp so far.
  size_t consumed() const { return served_ - static_cast<size_t>(egptr() - gptr()); }
  // An event was produced: yaml-cpp holds no unfinished token before this point.
  void Progress() { progress_ = consumed(); }
  Status CheckTimeAndStop() const {
    if (g_stopped.load(std::memory_order_relaxed))
      return Status::Unavailable("parsing stopped: labd is shutting down");
    if (SteadyClock::now() > deadline_)
      return Status::BadRequest("invalid YAML: parsing took longer than " +
                                std::to_string(limits_.max_yaml_time.count()) + " ms");
    return Status::Ok();
  }
  const std::optional<Status>& failure() const { return failure_; }

 protected:
  int_type underflow() override {
    if (served_ >= text_.size()) return traits_type::eof();
    Status st = CheckTimeAndStop();
    if (st.ok() && consumed() - progress_ > limits_.max_yaml_scan_ahead)
      st = Status::BadRequest("invalid YAML after " + LineOf(text_, progress_) +
                              ": a scalar or flow collection " + "([...] or {...}) longer than " +
                              std::to_string(limits_.max_yaml_scan_ahead) + " bytes");
    if (!st.ok()) {
      failure_ = st;
      throw Abort{st};
    }
    const size_t n = std::min(kChunk, text_.size() - served_);
    char* begin = const_cast<char*>(text_.data()) + served_;
    setg(begin, begin, begin + n);
    served_ += n;
    return traits_type::to_int_type(*begin);
  }

 private:
  static constexpr size_t kChunk = 4096;
  const std::string& text_;
  const ParseLimits& limits_;
  const SteadyClock::time_point deadline_;
  size_t served_ = 0;
  size_t progress_ = 0;
  std::optional<Status> failure_;
};

// A completed anchored value, copied where an alias names it.
struct Anchor {
  json value;
  size_t nodes = 0;
  size_t string_bytes = 0;
  size_t height = 0;
  std::optional<std::string> key;  // a scalar's text, usable as a mapping key
};

// yaml-cpp events -> one JsonBuilder per document.
class YamlEvents : public YAML::EventHandler {
 public:
  YamlEvents(GuardedInput& input, const ParseLimits& limits)
      : input_(input),
        limits_(limits),
        builder_(JsonBuilder::Options{limits, /*duplicate_keys_are_errors=*/true}) {}

  std::vector<json>& documents() { return documents_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    Step(mark);
    // yaml-cpp 0.7 can return the same empty document forever without reading on (",").
    if (last_document_ && last_document_->pos == mark.pos)
      Fail("unexpected character, not the start of a document");
    last_document_ = mark;
    if (++document_count_ > limits_.max_yaml_documents)
      Fail("more than " + std::to_string(limits_.max_yaml_documents) + " documents");
    builder_.Reset();
    anchors_.clear();
    open_.clear();
  }
  void OnDocumentEnd() override {
    Step(mark_);
    if (!builder_.done()) return;
    json root = builder_.TakeRoot();
    if (!root.is_null()) documents_.push_back(std::move(root));
  }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Step(mark);
    if (builder_.ExpectsKey()) Fail("mapping keys must be scalars");
    Check(builder_.Scalar(nullptr));
    Remember(anchor, 1, std::nullopt);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& text) override {
    Step(mark);
    // Tag "!" marks a quoted (non-plain) scalar; an explicit !!str tag also forces a string.
    json value =
        tag == "!" || tag == "tag:yaml.org,2002:str" ? json(text) : ResolvePlainScalar(text);
    if (builder_.ExpectsKey()) {
      Check(builder_.Key(text));
      if (anchor) Keep(anchor, {std::move(value), 1, text.size(), 0, text});
      return;
    }
    Check(builder_.Scalar(std::move(value)));
    Remember(anchor, 1, text);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Step(mark);
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) Fail("alias to an anchor that is not complete");
    const Anchor& a = it->second;
    if (builder_.ExpectsKey()) {
      if (!a.key) Fail("mapping keys must be scalars");
      Check(builder_.Key(*a.key));
      return;
    }
    Check(builder_.Copy(a.value, a.nodes, a.string_bytes, a.height));
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(mark, anchor, false);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(mark, anchor, true);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct OpenValue {
    YAML::anchor_t anchor;
    size_t nodes;
    size_t string_bytes;
  };

  [[noreturn]] void Fail(const std::string& message) {
    throw Abort{Status::BadRequest("invalid YAML at " + Where(mark_) + ": " + message)};
  }
  void Check(const Status& st) {
    if (!st.ok()) Fail(st.message());
  }
  void Step(const YAML::Mark& mark) {
    mark_ = mark;
    input_.Progress();
    Status st = input_.CheckTimeAndStop();
    if (!st.ok()) throw Abort{st};
  }
  void Open(const YAML::Mark& mark, YAML::anchor_t anchor, bool map) {
    Step(mark);
    open_.push_back({anchor, builder_.nodes(), builder_.string_bytes()});
    Check(map ? builder_.BeginObject() : builder_.BeginArray());
  }
  void Close() {
    Step(mark_);
    Check(builder_.End());
    OpenValue o = open_.back();
    open_.pop_back();
    if (o.anchor)
      Keep(o.anchor,
           {builder_.last(), builder_.nodes() - o.nodes, builder_.string_bytes() - o.string_bytes,
            builder_.last_height(), std::nullopt});
  }
  // The copy an anchor keeps counts like values in the tree: nested anchors would otherwise
  // keep one copy per level.
  void Keep(YAML::anchor_t anchor, Anchor a) {
    Check(builder_.Count(a.nodes, a.string_bytes));
    anchors_[anchor] = std::move(a);
  }
  // A scalar value just placed: remember it under its anchor.
  void Remember(YAML::anchor_t anchor, size_t nodes, std::optional<std::string> key) {
    if (!anchor) return;
    const json& v = builder_.last();
    size_t bytes = v.is_string() ? v.get_ref<const std::string&>().size() : 0;
    Keep(anchor, {v, nodes, bytes, 0, std::move(key)});
  }

  GuardedInput& input_;
  const ParseLimits& limits_;
  JsonBuilder builder_;  // one for the stream: its limits hold for all documents together
  std::map<YAML::anchor_t, Anchor> anchors_;
  std::vector<OpenValue> open_;
  std::vector<json> documents_;
  std::optional<YAML::Mark> last_document_;
  YAML::Mark mark_ = YAML::Mark::null_mark();
  size_t document_count_ = 0;
};

}  // namespace

void StopYamlParsing() { g_stopped.store(true); }

Result<std::vector<json>> ReadYamlDocuments(const std::string& text, const ParseLimits& limits) {
  if (text.size() > limits.max_yaml_bytes)
    return Status::BadRequest("YAML text of " + std::to_string(text.size()) +
                              " bytes is larger than the limit of " +
                              std::to_string(limits.max_yaml_bytes) + " bytes");
  GuardedInput buffer(text, limits);
  std::istream in(&buffer);
  YamlEvents events(buffer, limits);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(events)) {
    }
  } catch (const Abort& abort) {
    return abort.status;
  } catch (const YAML::Exception& e) {
    if (buffer.failure()) return *buffer.failure();  // the stream was cut: yaml-cpp saw bad input
    return Status::BadRequest("invalid YAML at " + Where(e.mark) + ": " + e.msg);
  }
  if (buffer.failure()) return *buffer.failure();
  return std::move(events.documents());
}

}  // namespace labctl::api
