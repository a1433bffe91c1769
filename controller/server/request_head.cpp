#include "controller/server/request_head.h"

#include <algorithm>
#include <charconv>

namespace labctl::server {
namespace {

using api::Status;

// cpp-httplib answers 414 past this request-line length.
constexpr size_t kMaxRequestLine = 8192;

Status Refuse(int code, const std::string& reason, const std::string& message) {
  return Status(static_cast<api::Code>(code), reason, message);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsTokenChar(unsigned char c) {
  return std::isalnum(c) ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return IsTokenChar(c); });
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Splits the head into its request line and header lines (without CRLFs).
std::vector<std::string_view> HeadLines(std::string_view head) {
  std::vector<std::string_view> lines;
  while (!head.empty()) {
    size_t eol = head.find("\r\n");
    if (eol == std::string_view::npos) eol = head.size();
    if (eol == 0) break;  // the blank line ending the head
    lines.push_back(head.substr(0, eol));
    head.remove_prefix(std::min(head.size(), eol + 2));
  }
  return lines;
}

Status ParseRequestLine(std::string_view line, RequestHead& head) {
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return Status::BadRequest("malformed request line");
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(method) || target.empty() || (version != "HTTP/1.1" && version != "HTTP/1.0"))
    return Status::BadRequest("malformed request line");
  head.method = std::string(method);
  size_t q = target.find('?');
  head.path = PercentDecode(target.substr(0, q), false);
  if (q != std::string_view::npos) head.query = std::string(target.substr(q + 1));
  return Status::Ok();
}

// The framing and encoding headers; others are left to cpp-httplib.
struct FramingHeaders {
  std::vector<std::string_view> content_length;
  std::vector<std::string_view> transfer_encoding;
  std::vector<std::string_view> content_encoding;
  std::string_view expect;
};

Status CollectHeader(std::string_view line, FramingHeaders& f) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || !IsToken(line.substr(0, colon)))
    return Status::BadRequest("malformed header line");
  std::string name = Lower(line.substr(0, colon));
  std::string_view value = Trim(line.substr(colon + 1));
  if (name == "content-length") f.content_length.push_back(value);
  if (name == "transfer-encoding") f.transfer_encoding.push_back(value);
  if (name == "content-encoding") f.content_encoding.push_back(value);
  if (name == "expect") f.expect = value;
  return Status::Ok();
}

Status ApplyFraming(const FramingHeaders& f, RequestHead& head) {
  for (std::string_view encoding : f.content_encoding) {
    if (Lower(encoding) != "identity")
      return Refuse(415, "UnsupportedMediaType",
                    "compressed request bodies are not accepted (Content-Encoding: " +
                        std::string(encoding) + ")");
  }
  if (!f.transfer_encoding.empty()) {
    if (!f.content_length.empty())
      return Status::BadRequest("both Content-Length and Transfer-Encoding are set");
    if (f.transfer_encoding.size() != 1 || Lower(f.transfer_encoding[0]) != "chunked")
      return Refuse(501, "NotImplemented", "only Transfer-Encoding: chunked is supported");
    head.body = RequestHead::Body::kChunked;
    return Status::Ok();
  }
  if (f.content_length.empty()) return Status::Ok();  // no body (RFC 9112 6.3)
  for (std::string_view v : f.content_length) {
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc() || end != v.data() + v.size() || (v != f.content_length[0]))
      return Status::BadRequest("invalid Content-Length");
    head.content_length = n;
  }
  head.body = head.content_length > 0 ? RequestHead::Body::kLength : RequestHead::Body::kNone;
  return Status::Ok();
}

// The first value of `name` in a query string, decoded as cpp-httplib decodes parameters.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    if (PercentDecode(pair.substr(0, eq), true) == name)
      return eq == std::string_view::npos ? std::string()
                                          : PercentDecode(pair.substr(eq + 1), true);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace

const char* RequestClassName(RequestClass c) {
  switch (c) {
    case RequestClass::kOrdinary:
      return "ordinary";
    case RequestClass::kWatch:
      return "watch";
    case RequestClass::kLongRunning:
      return "long-running";
  }
  return "?";
}

std::optional<size_t> FindHeadEnd(std::string_view bytes, size_t from) {
  size_t pos = bytes.find("\r\n\r\n", from >= 3 ? from - 3 : 0);
  if (pos == std::string_view::npos) return std::nullopt;
  return pos + 4;
}

api::Result<RequestHead> ParseRequestHead(std::string_view bytes, size_t head_size) {
  RequestHead head;
  head.size = head_size;
  auto lines = HeadLines(bytes.substr(0, head_size));
  if (lines.empty()) return Status::BadRequest("empty request");
  LABCTL_RETURN_IF_ERROR(ParseRequestLine(lines[0], head));
  FramingHeaders framing;
  for (size_t i = 1; i < lines.size(); ++i)
    LABCTL_RETURN_IF_ERROR(CollectHeader(lines[i], framing));
  LABCTL_RETURN_IF_ERROR(ApplyFraming(framing, head));
  head.expect_continue = Lower(framing.expect) == "100-continue";
  return head;
}

api::Status HeadTooLarge(std::string_view bytes, size_t max_head_bytes) {
  size_t eol = bytes.find("\r\n");
  if (eol == std::string_view::npos ? bytes.size() > kMaxRequestLine : eol > kMaxRequestLine)
    return Refuse(414, "URITooLong",
                  "request line longer than " + std::to_string(kMaxRequestLine) + " bytes");
  return Refuse(431, "RequestHeaderFieldsTooLarge",
                "request head (request line and headers) longer than " +
                    std::to_string(max_head_bytes) + " bytes");
}

std::string PercentDecode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 5 < s.size() && s[i + 1] == 'u') {
      int d[4] = {HexValue(s[i + 2]), HexValue(s[i + 3]), HexValue(s[i + 4]), HexValue(s[i + 5])};
      if (d[0] >= 0 && d[1] >= 0 && d[2] >= 0 && d[3] >= 0) {
        AppendUtf8(out, static_cast<unsigned>((d[0] << 12) | (d[1] << 8) | (d[2] << 4) | d[3]));
        i += 5;
        continue;
      }
    }
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else if (s[i] == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

namespace {

// Whether `regex` has an alternation outside any group ("a|b"), whose branches start differently.
bool HasTopLevelAlternation(const std::string& regex) {
  int depth = 0;
  for (size_t i = 0; i < regex.size(); ++i) {
    if (regex[i] == '\\')
      ++i;
    else if (regex[i] == '(')
      ++depth;
    else if (regex[i] == ')')
      --depth;
    else if (regex[i] == '|' && depth == 0)
      return true;
  }
  return false;
}

// The literal text a regex's every match starts with: its characters up to the first special
// one (one fewer if a quantifier that allows zero follows). Paths that do not start with it are
// told apart without running the regex (std::regex allocates on every match).
std::string LiteralPrefix(const std::string& regex) {
  if (HasTopLevelAlternation(regex)) return "";
  size_t i = !regex.empty() && regex[0] == '^' ? 1 : 0;
  std::string prefix;
  for (; i < regex.size(); ++i) {
    if (std::string_view("\\.[]{}()*+?^$|").find(regex[i]) != std::string_view::npos) break;
    prefix += regex[i];
  }
  if (i < regex.size() && !prefix.empty() &&
      std::string_view("*?{").find(regex[i]) != std::string_view::npos)
    prefix.pop_back();
  return prefix;
}

}  // namespace

void RequestClassifier::AddWatchable(const std::string& path_regex) {
  rules_.push_back(
      {"GET", std::regex(path_regex), LiteralPrefix(path_regex), RequestClass::kWatch});
}

void RequestClassifier::AddLongRunning(const std::string& method, const std::string& path_regex,
                                       bool streams_body) {
  rules_.push_back({method, std::regex(path_regex), LiteralPrefix(path_regex),
                    RequestClass::kLongRunning, streams_body});
}

const RequestClassifier::Rule* RequestClassifier::Match(const RequestHead& head) const {
  for (const auto& rule : rules_) {
    if (rule.method != head.method || !head.path.starts_with(rule.literal_prefix)) continue;
    if (std::regex_match(head.path, rule.path)) return &rule;
  }
  return nullptr;
}

RequestClass RequestClassifier::Classify(const RequestHead& head) const {
  const Rule* rule = Match(head);
  if (!rule) return RequestClass::kOrdinary;
  if (rule->request_class != RequestClass::kWatch) return rule->request_class;
  auto watch = QueryParam(head.query, "watch");
  std::string value = watch ? Lower(*watch) : "";
  return value == "1" || value == "true" ? RequestClass::kWatch : RequestClass::kOrdinary;
}

bool RequestClassifier::StreamsBody(const RequestHead& head) const {
  const Rule* rule = Match(head);
  return rule && rule->streams_body;
}

}  // namespace labctl::server
