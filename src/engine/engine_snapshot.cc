// Engine: snapshots, the visitor's whole state as bytes (profile/snapshot.h
// says the format), and restoring one (see engine.h).
#include <limits>
#include <optional>

#include "core/value_checks.h"
#include "core/value_codec.h"
#include "engine/engine_impl.h"
#include "profile/snapshot.h"

namespace leadseg {
namespace {

// What Track can have stored: finite numbers and valid UTF-8 (frames can
// carry NaN and any bytes; a snapshot that holds them was not written by
// this engine, and Export could not show them faithfully). At any depth.
bool StorableValue(const Value& v) { return PassesCheckValue(v, std::numeric_limits<int>::max()); }

}  // namespace

std::string Engine::Impl::Snapshot() const {
  SnapshotData data;  // its profile stays empty: profile_ is written as it is
  for (size_t m = 0; m < archived_.size(); ++m) {
    const MetricSpec& spec = config_->metrics()[m];
    if (spec.window != kForever) continue;
    MetricArchive a{spec.id, MetricFingerprint(spec), {}};
    archived_[m].SaveAllTime(&a.state);
    data.archives.push_back(std::move(a));
  }
  if (config_->scoring()) archived_score_.Save(&data.score);
  progress_.Save(&data.progress);
  data.decisions = decisions_.ToFrame();
  return EncodeSnapshot(profile_, data);
}

Status Engine::Impl::Restore(std::string_view snapshot) {
  SnapshotData data;
  if (Status s = DecodeSnapshot(snapshot, &data); !s.ok()) return s;
  // Validate everything before touching this engine.
  Document probe;
  for (const Event& e : data.profile.events) {
    probe.Clear();
    auto props = DecodeValue(reinterpret_cast<const uint8_t*>(e.props.data()), e.props.size(), &probe);
    if (!props.ok() || !props->is_object() || e.type.empty() || !StorableValue(*props)) {
      return SnapshotCorrupt("an event has malformed properties");
    }
  }
  for (const auto& [name, stored] : data.profile.attributes) {
    if (config_->IsReserved(name)) {
      return SnapshotCorrupt("attribute \"" + name + "\" is a reserved name");
    }
  }
  std::vector<MetricState> archived;
  for (const auto& m : config_->metrics()) archived.emplace_back(&m);
  for (const auto& a : data.archives) {
    int m = config_->FindMetric(a.metric_id);
    // A metric that no longer exists, or whose definition changed, starts
    // from the retained events only.
    if (m < 0 || MetricFingerprint(config_->metrics()[static_cast<size_t>(m)]) != a.fingerprint) continue;
    if (!archived[static_cast<size_t>(m)].RestoreAllTime(a.state)) {
      return SnapshotCorrupt("metric archive \"" + a.metric_id + "\"");
    }
  }
  // Without scoring there is no state to restore (nor to copy).
  std::optional<ScoreState> archived_score;
  if (config_->scoring()) {
    archived_score.emplace(&*config_->scoring(), false);
    if (!data.score.empty() && !archived_score->Restore(data.score)) {
      return SnapshotCorrupt("score state");
    }
  }
  DecisionState decisions;
  if (Status s = DecisionState::FromFrame(data.decisions, &decisions); !s.ok()) return s;
  ProgressState progress;
  if (!data.progress.empty() && !progress.Restore(data.progress)) {
    return SnapshotCorrupt("lifecycle state");
  }
  if (const auto& lifecycle = config_->lifecycle()) {
    // The stage by id (the last move's target), so reordered stages carry
    // over; a stage no longer configured re-enters from the conditions.
    if (!progress.history.empty()) {
      progress.stage = 0;
      for (size_t i = 0; i < lifecycle->stages.size(); ++i) {
        if (lifecycle->stages[i].id == progress.history.back().to) progress.stage = static_cast<int>(i);
      }
    } else if (progress.stage >= static_cast<int>(lifecycle->stages.size())) {
      progress.stage = 0;
    }
  }
  profile_ = std::move(data.profile);
  archived_ = std::move(archived);
  if (archived_score) archived_score_ = std::move(*archived_score);
  progress_ = std::move(progress);
  decisions_ = std::move(decisions);
  RebuildValues();
  Prune();
  RebuildMetrics();
  RecomputeWhole();
  initial_changes_ = SegmentChanges();  // the restored visitor was already in its segments
  return Status::Ok();
}

}  // namespace leadseg

