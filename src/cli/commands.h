// The CLI's subcommands. Each takes the arguments after the command name
// and returns the process exit status.
#pragma once

#include <string>
#include <vector>

namespace leadseg {
namespace cli {

int Conformance(const std::vector<std::string>& args);
int Check(const std::vector<std::string>& args);
int Compile(const std::vector<std::string>& args);
int Eval(const std::vector<std::string>& args);
// segment.cc: a lead list through a config, streaming, on every core.
int Segment(const std::vector<std::string>& args);

// Reads a whole file; "-" is standard input. False with a message on error.
bool ReadFile(const std::string& path, std::string* out, std::string* error);

}  // namespace cli
}  // namespace leadseg
