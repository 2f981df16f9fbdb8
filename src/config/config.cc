#include "config/config.h"

namespace leadseg {

int CompiledConfig::FindSegment(std::string_view id) const {
  for (size_t i = 0; i < segments_.size(); ++i) {
    if (segments_[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

void CompiledConfig::EvaluateSegments(const AttributeSet& attributes, std::vector<uint8_t>* out) const {
  out->resize(segments_.size());
  for (size_t i = 0; i < segments_.size(); ++i) {
    (*out)[i] = segments_[i].condition.Evaluate(attributes) ? 1 : 0;
  }
}

std::string CompiledConfig::Summary() const {
  return std::to_string(segments_.size()) + " segments, " + std::to_string(schema_.size()) +
         " attributes";
}

class ConfigCompiler {
 public:
  explicit ConfigCompiler(Diagnostics* d) : d_(d) {}

  std::unique_ptr<CompiledConfig> Compile(const Json& config) {
    auto out = std::make_unique<CompiledConfig>();
    if (!config.is_object()) {
      d_->Error("type", std::string("a config must be an object, got ") + JsonTypeName(config), "");
      return nullptr;
    }
    const Json* groups = nullptr;
    if (auto it = config.find("savedGroups"); it != config.end()) {
      if (!it->is_object()) d_->Error("type", "savedGroups must be an object", "/savedGroups");
      else groups = &*it;
    }
    auto segments = config.find("segments");
    if (segments == config.end()) {
      d_->Error("missing", "a config needs a \"segments\" array", "/segments");
    } else if (!segments->is_array()) {
      d_->Error("type", "segments must be an array", "/segments");
    } else {
      for (size_t i = 0; i < segments->size(); ++i) {
        CompileSegment((*segments)[i], ChildPath("/segments", i), groups, out.get());
      }
    }
    if (d_->has_errors()) return nullptr;
    return out;
  }

 private:
  void CompileSegment(const Json& s, const std::string& path, const Json* groups, CompiledConfig* out) {
    if (!s.is_object()) {
      d_->Error("type", "a segment must be an object", path);
      return;
    }
    auto id = s.find("id");
    if (id == s.end() || !id->is_string() || id->get_ref<const std::string&>().empty()) {
      d_->Error("missing", "a segment needs a non-empty string \"id\"", ChildPath(path, "id"));
      return;
    }
    const std::string& sid = id->get_ref<const std::string&>();
    if (out->FindSegment(sid) >= 0) {
      d_->Error("duplicate-id", "segment id \"" + sid + "\" is used twice", ChildPath(path, "id"));
      return;
    }
    auto cond = s.find("condition");
    if (cond == s.end()) {
      d_->Error("missing", "segment \"" + sid + "\" needs a \"condition\"", ChildPath(path, "condition"));
      return;
    }
    ConditionOptions options;
    options.saved_groups = groups;
    auto compiled = Condition::Compile(*cond, &out->schema_, options, ChildPath(path, "condition"));
    if (!compiled.ok()) {
      d_->Error(compiled.status(), "condition");
      return;
    }
    SegmentSpec spec{sid, "", "", SegmentKind::kCharacteristic, std::move(compiled).value()};
    if (auto n = s.find("name"); n != s.end() && n->is_string()) spec.name = n->get<std::string>();
    if (auto n = s.find("description"); n != s.end() && n->is_string()) spec.description = n->get<std::string>();
    if (auto k = s.find("kind"); k != s.end()) {
      if (*k == "behavioral") spec.kind = SegmentKind::kBehavioral;
      else if (*k != "characteristic") {
        d_->Error("enum", "kind must be \"characteristic\" or \"behavioral\"", ChildPath(path, "kind"));
      }
    }
    out->segments_.push_back(std::move(spec));
  }

  Diagnostics* d_;
};

std::unique_ptr<CompiledConfig> CompileConfig(const Json& config, Diagnostics* diagnostics) {
  return ConfigCompiler(diagnostics).Compile(config);
}

std::unique_ptr<CompiledConfig> CompileConfigText(std::string_view text, Diagnostics* diagnostics) {
  auto parsed = ParseJson(text, "config");
  if (!parsed.ok()) {
    diagnostics->Error(parsed.status(), "json");
    return nullptr;
  }
  return CompileConfig(*parsed, diagnostics);
}

}  // namespace leadseg
