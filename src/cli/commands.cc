#include "cli/commands.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "leadseg/compiled_config.h"
#include "conditions/condition.h"
#include "config/config.h"
#include "conformance/conformance.h"
#include "core/json.h"
#include "leadseg/compiler.h"

namespace leadseg {
namespace cli {

bool ReadFile(const std::string& path, std::string* out, std::string* error) {
  if (path == "-") {
    out->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open " + path;
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

int Conformance(const std::vector<std::string>& args) {
  std::string file;
  bool verbose = false;
  for (const auto& a : args) {
    if (a == "--verbose" || a == "-v") verbose = true;
    else file = a;
  }
  if (file.empty()) {
    std::fprintf(stderr, "usage: leadseg conformance <file.json> [--verbose]\n");
    return 2;
  }
  std::string text, error;
  if (!ReadFile(file, &text, &error)) {
    std::fprintf(stderr, "leadseg: %s\n", error.c_str());
    return 2;
  }
  auto report = RunConformance(text);
  if (!report.ok()) {
    std::fprintf(stderr, "leadseg: %s: %s\n", file.c_str(), report.status().ToString().c_str());
    return 2;
  }
  std::fputs(report->Format(verbose).c_str(), stdout);
  return report->failed() == 0 ? 0 : 1;
}

// Reads and compiles the config at `path`, printing check's diagnostics and,
// when it has errors, "<path>: invalid". Sets *exit_code (2: unreadable,
// 1: invalid) and returns null on failure. Shared by check and compile, so
// that both say exactly the same about a config.
static std::unique_ptr<CompiledConfig> ReadAndCompile(const std::string& path, Diagnostics* diagnostics, int* exit_code) {
  std::string text, error;
  if (!ReadFile(path, &text, &error)) {
    std::fprintf(stderr, "leadseg: %s\n", error.c_str());
    *exit_code = 2;
    return nullptr;
  }
  auto config = CompileConfigText(text, diagnostics);
  std::fputs(diagnostics->Format().c_str(), stdout);
  if (!config) {
    std::printf("%s: invalid\n", path.c_str());
    *exit_code = 1;
  }
  return config;
}

int Check(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::fprintf(stderr, "usage: leadseg check <config.json>\n");
    return 2;
  }
  Diagnostics diagnostics;
  int exit_code = 0;
  auto config = ReadAndCompile(args[0], &diagnostics, &exit_code);
  if (!config) return exit_code;
  std::printf("%s: ok (%s)\n", args[0].c_str(), config->Summary().c_str());
  return 0;
}

// `leadseg compile config.json -o config.lsc`: check's diagnostics, then
// the compiled config (leadseg/compiled_config.h) when there is no error.
int Compile(const std::vector<std::string>& args) {
  std::string input, output;
  size_t positional = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "-o" || args[i] == "--output") && i + 1 < args.size()) output = args[++i];
    else if (positional++ == 0) input = args[i];
  }
  if (positional != 1 || output.empty()) {
    std::fprintf(stderr, "usage: leadseg compile <config.json> -o <config.lsc>\n");
    return 2;
  }
  Diagnostics diagnostics;
  int exit_code = 0;
  auto config = ReadAndCompile(input, &diagnostics, &exit_code);
  if (!config) return exit_code;
  std::string bytes = EncodeCompiledConfig(*config, diagnostics);
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "leadseg: cannot write %s\n", output.c_str());
    return 2;
  }
  std::printf("%s: ok (%s) -> %s, %zu bytes\n", input.c_str(), config->Summary().c_str(), output.c_str(), bytes.size());
  return 0;
}

int Eval(const std::vector<std::string>& args) {
  if (args.size() != 2) {
    std::fprintf(stderr, "usage: leadseg eval <condition-json> <attributes-json>\n");
    return 2;
  }
  auto condition_json = ParseJson(args[0], "condition");
  auto attributes_json = ParseJson(args[1], "attributes");
  for (const Status* s : {&condition_json.status(), &attributes_json.status()}) {
    if (!s->ok()) {
      std::fprintf(stderr, "leadseg: %s\n", s->ToString().c_str());
      return 2;
    }
  }
  AttributeSchema schema;
  auto condition = Condition::Compile(*condition_json, &schema);
  if (!condition.ok()) {
    std::fprintf(stderr, "leadseg: %s\n", condition.status().ToString().c_str());
    return 2;
  }
  Document doc;
  AttributeSet attributes(&schema);
  attributes.Clear();
  attributes.SetFromObject(doc.Add(*attributes_json));
  bool result = condition->Evaluate(attributes);
  std::puts(result ? "true" : "false");
  return result ? 0 : 1;
}

}  // namespace cli
}  // namespace leadseg
