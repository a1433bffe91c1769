#include "controller/server/gate_response.h"

#include <fmt/format.h>

namespace labctl::server {
namespace {

const char* ReasonPhrase(int code) {
  switch (code) {
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

}  // namespace

std::string RefusalResponse(const api::Status& status) {
  const int code = status.http_code();
  const std::string body = status.ToJson().dump();
  const bool retry = code == 429 || code == 503;
  return fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{}"
      "Connection: close\r\n\r\n{}",
      code, ReasonPhrase(code), body.size(), retry ? "Retry-After: 1\r\n" : "", body);
}

}  // namespace labctl::server
