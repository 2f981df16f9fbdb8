// leadseg: the command-line face of the core.
//
//   leadseg conformance <file.json> [--verbose]
//   leadseg check <config.json>
//   leadseg eval <condition.json|-> <attributes.json>
//   leadseg segment <leads.csv> --config <config.json|.lsc> [-o out.csv] ...
//
// Exit status: 0 on success, 1 when a check or conformance case fails,
// 2 on a usage or I/O error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

void PrintUsage() {
  std::fprintf(stderr,
               "usage:\n"
               "  leadseg conformance <file.json> [--verbose]  run a GrowthBook cases.json or a "
               "JsonLogic tests.json\n"
               "  leadseg check <config.json>                   validate a leadseg config\n"
               "  leadseg compile <config.json> -o <config.lsc> validate, then write the compiled config\n"
               "  leadseg eval <condition-json> <attributes-json> evaluate one condition\n"
               "  leadseg segment <leads.csv> --config <config> [-o out.csv] [--events activity.csv]\n"
               "                [--columns map.json] [--threads N] [--now TIME]  segment a lead list\n"
               "                                                (leadseg segment --help)\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    PrintUsage();
    return args.empty() ? 2 : 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "conformance") return leadseg::cli::Conformance(args);
  if (command == "check") return leadseg::cli::Check(args);
  if (command == "compile") return leadseg::cli::Compile(args);
  if (command == "eval") return leadseg::cli::Eval(args);
  if (command == "segment") return leadseg::cli::Segment(args);
  std::fprintf(stderr, "leadseg: unknown command '%s'\n", command.c_str());
  PrintUsage();
  return 2;
}
