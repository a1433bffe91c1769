#include "controller/server/auth.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace labctl::server {
namespace {

std::string Trim(std::string_view s) {
  const char* ws = " \t\r\n";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(ws);
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> SplitFields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream ss(line);
  std::string field;
  while (std::getline(ss, field, ',')) fields.push_back(Trim(field));
  return fields;
}

// Compares in time independent of where the strings differ (token guessing by timing).
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// user, then groups and key=value grants in any order (a group never contains '=').
api::Result<Principal> PrincipalOf(const std::vector<std::string>& fields) {
  Principal who{fields[1], {}, {}};
  for (size_t i = 2; i < fields.size(); ++i) {
    const std::string& field = fields[i];
    size_t eq = field.find('=');
    if (eq == std::string::npos) {
      if (!field.empty()) who.groups.push_back(field);
      continue;
    }
    LABCTL_RETURN_IF_ERROR(
        api::AddGrantField(who.host_access, Trim(field.substr(0, eq)), Trim(field.substr(eq + 1))));
  }
  return who;
}

}  // namespace

api::Result<Auth> Auth::Parse(const std::string& text) {
  Auth auth;
  auth.enabled_ = true;
  std::stringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    std::vector<std::string> fields = SplitFields(trimmed);
    if (fields.size() < 2 || fields[0].empty() || fields[1].empty()) {
      return api::Status::BadRequest("tokens file line " + std::to_string(number) +
                                     ": want token,user[,group...][,key=value...]");
    }
    auto who = PrincipalOf(fields);
    if (!who.ok()) {
      return api::Status::BadRequest("tokens file line " + std::to_string(number) + ": " +
                                     who.status().message());
    }
    if (!auth.tokens_.emplace(fields[0], std::move(*who)).second) {
      return api::Status::BadRequest("tokens file line " + std::to_string(number) +
                                     ": duplicate token");
    }
  }
  return auth;
}

api::Result<Auth> Auth::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return api::Status::BadRequest("cannot read tokens file " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto auth = Parse(text.str());
  if (!auth.ok()) return api::Status::BadRequest(path + ": " + auth.status().message());
  return auth;
}

api::Result<Principal> Auth::Authenticate(std::string_view authorization) const {
  if (!enabled_) return Principal{"anonymous", {api::kAdminGroup}, api::HostAccessGrant::All()};
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), authorization.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return api::Status::Unauthorized("missing bearer token (Authorization: Bearer TOKEN)");
  }
  std::string token = Trim(authorization.substr(kBearer.size()));
  auto it = tokens_.find(token);
  if (it == tokens_.end() || !ConstantTimeEquals(it->first, token)) {
    return api::Status::Unauthorized("unknown bearer token");
  }
  return it->second;
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  return host.starts_with("127.");
}

}  // namespace labctl::server
