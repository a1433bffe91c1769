// TlsSettings: how the client library talks to an https:// labd — the CA that signed labd's
// certificate (empty: the system's CAs), whether to verify it at all, and a client certificate
// for labd --client-ca. Process-wide, because labctl talks to one labd per run: set them once at
// start-up, before any Client connects; every connection opened afterwards uses them. http://
// servers ignore them.
#pragma once

#include <string>

namespace labctl::client {

struct TlsSettings {
  std::string certificate_authority;  // PEM file
  bool insecure_skip_verify = false;
  std::string client_certificate;  // PEM file, with client_key
  std::string client_key;
};

void SetTlsSettings(TlsSettings settings);
const TlsSettings& CurrentTlsSettings();

}  // namespace labctl::client
