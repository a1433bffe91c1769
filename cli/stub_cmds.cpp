// Weak placeholders for commands other engineers implement in their own files; a strong
// definition anywhere in the labctl sources replaces these at link time.
#include <iostream>

#include "cli/commands.h"

namespace labctl::cli {

namespace {
int NotImplemented(const char* command) {
  std::cerr << "error: labctl " << command << ": not implemented yet\n";
  return kExitError;
}
}  // namespace

__attribute__((weak)) int RunSession(const CliContext&, const std::vector<std::string>&) {
  return NotImplemented("session");
}
__attribute__((weak)) int RunLab(const CliContext&, const std::vector<std::string>&) {
  return NotImplemented("lab");
}
__attribute__((weak)) int RunExec(const CliContext&, const std::vector<std::string>&) {
  return NotImplemented("exec");
}
__attribute__((weak)) int RunLogs(const CliContext&, const std::vector<std::string>&) {
  return NotImplemented("logs");
}
__attribute__((weak)) int RunDoctor(const CliContext&, const std::vector<std::string>&) {
  return NotImplemented("doctor");
}
__attribute__((weak)) int RunCapture(const CliContext&, const std::vector<std::string>&) {
  return NotImplemented("capture");
}
__attribute__((weak)) int RunGraph(const CliContext&, const std::vector<std::string>&) {
  return NotImplemented("graph");
}

}  // namespace labctl::cli
