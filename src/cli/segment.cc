// `leadseg segment`: a lead list through a config on a server, for files
// too large for a browser tab. The same answers as segmentLeads (the batch
// kernel, src/batch/, implements its contract), streaming in and out.
//
// Threads: this (main) thread reads and tokenizes the file and cuts it
// into chunks of whole rows; one worker per core evaluates chunks, each
// with its own LeadBatch (an Engine is single-threaded); a writer thread
// writes the chunks' CSV in input order. At most kChunksPerThread chunks
// per worker are in flight, so memory stays bounded whatever the file's
// size.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "batch/event_table.h"
#include "batch/event_time.h"
#include "batch/lead_batch.h"
#include "cli/commands.h"
#include "leadseg/compiled_config.h"
#include "config/config.h"
#include "core/js.h"
#include "core/json.h"
#include "leadseg/compiler.h"

namespace leadseg {
namespace cli {

namespace {

using batch::BatchSummary;
using batch::CsvReader;
using batch::CsvRecord;
using batch::CsvSink;
using batch::LeadBatch;
using batch::ResultBuffer;

constexpr size_t kReadBytes = 1 << 20;   // bytes read per call
constexpr size_t kChunkRows = 4096;      // rows per chunk handed to a worker
constexpr size_t kChunkBytes = 4 << 20;  // or fewer, when rows are long
constexpr size_t kChunksPerThread = 3;   // in flight per worker (bounded memory)
constexpr size_t kFirstErrors = 5;       // failed rows named in the summary

const char kUsage[] =
    "usage: leadseg segment <leads.csv|-> --config <config.json|config.lsc> [options]\n"
    "\n"
    "Segments and scores every row of a lead list (the first line names the columns), as\n"
    "segmentLeads does in a page, and writes the rows back with their results.\n"
    "\n"
    "options:\n"
    "  --config FILE        the config: JSON, or compiled by `leadseg compile` (.lsc)\n"
    "  --events FILE        an activity table (one event a row: id, type, at, other columns\n"
    "                       are the event's properties), joined on the id column\n"
    "  --columns FILE       a JSON object {\"file column\": \"attribute\"} (segmentLeads's columnMap)\n"
    "  -o, --output FILE    where to write (default: standard output); written whole or not at all\n"
    "  --threads N          worker threads (default: every core)\n"
    "  --now TIME           the time leads are read at: ms since the epoch or ISO 8601\n"
    "                       (default: the current time)\n"
    "  --id-column NAME     the leads' id column, joined with the events' (default: email)\n"
    "  --event-columns L,T,A  the activity table's id, type and time columns (default: <id column>,type,at)\n"
    "  --list-column NAME   a column holding lists \"a;b;c\", read as an array (repeatable)\n"
    "  --text               keep every value as text (no numbers or booleans)\n"
    "  --quiet              no summary on standard error\n"
    "\n"
    "Output: the input's columns, then segments (ids joined with ';'), score, grade, stage,\n"
    "temperature, mql and sql (true/false: the lead is a marketing/sales-qualified lead at --now;\n"
    "empty without a lifecycle) and error (why the row failed; such a row has no results). Blank lines are\n"
    "left out; fields past the header's last column are dropped, as segmentLeads drops them.\n"
    "A summary (rows, members per segment, grades, stages, time) goes to standard error.\n"
    "\n"
    "Exit status: 0 when every row was read (failed rows are in the error column), 1 when the\n"
    "config or the file cannot be used, 2 on a usage or I/O error. See docs/batch.md.\n";

struct Args {
  std::string leads, config, events, columns, output;
  unsigned threads = 0;
  bool has_now = false, quiet = false, text = false;
  TimeMs now = 0;
  std::string id_column = "email";
  std::vector<std::string> event_columns;
  std::vector<std::string> list_columns;
};

int Usage(const std::string& problem) {
  std::fprintf(stderr, "leadseg segment: %s\n\n%s", problem.c_str(), kUsage);
  return 2;
}

// A chunk of whole rows, its output once evaluated.
struct Chunk {
  uint64_t seq = 0;
  uint64_t first_lead = 0;
  std::string bytes;                 // every field's bytes, back to back
  std::vector<uint32_t> field_ends;  // end of each field in bytes
  std::vector<uint32_t> row_fields;  // fields per row
  std::vector<uint64_t> row_numbers;
  std::string out;  // the rows' output CSV
  std::vector<std::string> errors;  // its first failed rows' messages
  bool done = false;
};

void AppendCsvField(std::string* out, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

// The pipeline's shared state, under one mutex.
class Pipeline {
 public:
  Pipeline(size_t workers, size_t header_width, std::FILE* out)
      : limit_(workers * kChunksPerThread), header_width_(header_width), out_(out) {}

  // Blocks while too many chunks are in flight.
  void Submit(std::unique_ptr<Chunk> chunk) {
    std::unique_lock<std::mutex> lock(mu_);
    room_.wait(lock, [&] { return in_flight_ < limit_ || failed_; });
    ++in_flight_;
    Chunk* raw = chunk.get();
    order_.emplace(raw->seq, std::move(chunk));
    queue_.push_back(raw);
    work_.notify_one();
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    work_.notify_all();
    written_.notify_all();
  }

  void Work(LeadBatch* batch, const std::shared_ptr<const CompiledConfig>& config) {
    std::vector<std::string_view> fields;
    for (;;) {
      Chunk* chunk;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_.wait(lock, [&] { return !queue_.empty() || closed_; });
        if (queue_.empty()) return;
        chunk = queue_.front();
        queue_.pop_front();
      }
      size_t field = 0, start = 0;
      for (size_t i = 0; i < chunk->row_numbers.size(); ++i) {
        fields.clear();
        for (uint32_t f = 0; f < chunk->row_fields[i]; ++f, ++field) {
          fields.emplace_back(chunk->bytes.data() + start, chunk->field_ends[field] - start);
          start = chunk->field_ends[field];
        }
        batch->AddRow(fields, chunk->row_numbers[i], chunk->first_lead + i);
      }
      Format(*chunk, batch->results(), *config);
      batch->results().Clear();
      chunk->bytes = std::string();
      {
        std::lock_guard<std::mutex> lock(mu_);
        chunk->done = true;
        written_.notify_all();
      }
    }
  }

  // Writes finished chunks in order; returns false on a write error.
  bool Write() {
    for (;;) {
      std::unique_ptr<Chunk> chunk;
      {
        std::unique_lock<std::mutex> lock(mu_);
        written_.wait(lock, [&] {
          auto it = order_.find(next_);
          return (it != order_.end() && it->second->done) || (closed_ && order_.empty());
        });
        auto it = order_.find(next_);
        if (it == order_.end()) return true;
        chunk = std::move(it->second);
        order_.erase(it);
        ++next_;
        for (auto& e : chunk->errors) {
          if (first_errors_.size() < kFirstErrors) first_errors_.push_back(std::move(e));
        }
      }
      bool ok = std::fwrite(chunk->out.data(), 1, chunk->out.size(), out_) == chunk->out.size();
      {
        std::lock_guard<std::mutex> lock(mu_);
        --in_flight_;
        if (!ok) failed_ = true;
        room_.notify_all();
      }
      if (!ok) return false;
    }
  }

  bool failed() {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_;
  }
  // The first failed rows, in input order (after Write returned).
  const std::vector<std::string>& first_errors() const { return first_errors_; }

 private:
  void Format(Chunk& chunk, const ResultBuffer& results, const CompiledConfig& config) {
    std::string& out = chunk.out;
    out.reserve(chunk.bytes.size() + results.size() * 64);
    size_t field = 0, start = 0;
    char number[js::kNumberBufferSize];
    for (size_t i = 0; i < results.size(); ++i) {
      const uint32_t count = chunk.row_fields[i];
      for (uint32_t f = 0; f < count; ++f, ++field) {
        if (f < header_width_) {
          if (f) out.push_back(',');
          AppendCsvField(&out, std::string_view(chunk.bytes.data() + start, chunk.field_ends[field] - start));
        }
        start = chunk.field_ends[field];
      }
      for (size_t f = count; f < header_width_; ++f) {
        if (f) out.push_back(',');
      }
      const batch::LeadResult& r = results.rows()[i];
      if (r.error && chunk.errors.size() < kFirstErrors) chunk.errors.push_back(*results.ErrorOf(i));
      out.push_back(',');
      bool first = true;
      for (size_t s = 0; s < config.segments().size(); ++s) {
        if (!results.InSegment(i, s)) continue;
        if (!first) out.push_back(';');
        first = false;
        AppendCsvField(&out, config.segments()[s].id);
      }
      out.push_back(',');
      if (!std::isnan(r.score)) out.append(number, static_cast<size_t>(js::FormatNumber(r.score, number)));
      out.push_back(',');
      if (r.grade >= 0) out.append(batch::kGradeNames[r.grade]);
      out.push_back(',');
      if (r.stage >= 0) AppendCsvField(&out, config.lifecycle()->stages[static_cast<size_t>(r.stage)].id);
      out.push_back(',');
      if (r.temperature >= 0) out.append(batch::kTemperatureNames[r.temperature]);
      // segmentLeads' lead.mql / lead.sql: empty without a lifecycle or on error.
      for (int8_t handoff : {r.mql, r.sql}) {
        out.push_back(',');
        if (handoff >= 0) out.append(handoff ? "true" : "false");
      }
      out.push_back(',');
      if (const std::string* error = results.ErrorOf(i)) AppendCsvField(&out, *error);
      out.push_back('\n');
    }
  }

  std::mutex mu_;
  std::condition_variable work_, written_, room_;
  std::deque<Chunk*> queue_;
  std::map<uint64_t, std::unique_ptr<Chunk>> order_;  // submitted, not yet written
  std::vector<std::string> first_errors_;
  uint64_t next_ = 0;
  size_t in_flight_ = 0;
  const size_t limit_;
  const size_t header_width_;
  bool closed_ = false, failed_ = false;
  std::FILE* out_;
};

// Reads the lead list on the main thread: the header goes to every batch
// (and the output), rows into chunks.
class LeadSink : public CsvSink {
 public:
  LeadSink(std::vector<std::unique_ptr<LeadBatch>>* batches, std::shared_ptr<const CompiledConfig> config,
           std::FILE* out, size_t workers)
      : batches_(batches), config_(std::move(config)), out_(out), workers_(workers) {}

  Status OnRecord(const CsvRecord& record) override {
    if (!pipeline_) return Header(record);
    if (record.blank()) return Status::Ok();
    if (!chunk_) NewChunk();
    for (auto f : record.fields) {
      chunk_->bytes.append(f.data(), f.size());
      chunk_->field_ends.push_back(static_cast<uint32_t>(chunk_->bytes.size()));
    }
    chunk_->row_fields.push_back(static_cast<uint32_t>(record.fields.size()));
    chunk_->row_numbers.push_back(record.number);
    ++leads_;
    if (chunk_->row_numbers.size() >= kChunkRows || chunk_->bytes.size() >= kChunkBytes) Flush();
    return Status::Ok();
  }

  void Flush() {
    if (chunk_) pipeline_->Submit(std::move(chunk_));
  }

  Pipeline* pipeline() { return pipeline_.get(); }
  uint64_t leads() const { return leads_; }
  std::vector<std::thread>& threads() { return threads_; }
  bool writer_ok() const { return writer_ok_; }

 private:
  Status Header(const CsvRecord& record) {
    for (auto& batch : *batches_) LEADSEG_RETURN_IF_ERROR(batch->SetHeader(record.fields));
    std::string line;
    for (size_t f = 0; f < record.fields.size(); ++f) {
      if (f) line.push_back(',');
      AppendCsvField(&line, record.fields[f]);
    }
    line += ",segments,score,grade,stage,temperature,mql,sql,error\n";
    if (std::fwrite(line.data(), 1, line.size(), out_) != line.size()) return InvalidArgument("cannot write the output");
    pipeline_ = std::make_unique<Pipeline>(workers_, record.fields.size(), out_);
    for (auto& batch : *batches_) {
      threads_.emplace_back([this, b = batch.get()] { pipeline_->Work(b, config_); });
    }
    writer_ = std::thread([this] { writer_ok_ = pipeline_->Write(); });
    return Status::Ok();
  }

  void NewChunk() {
    chunk_ = std::make_unique<Chunk>();
    chunk_->seq = seq_++;
    chunk_->first_lead = leads_;
    chunk_->row_fields.reserve(kChunkRows);
    chunk_->row_numbers.reserve(kChunkRows);
  }

 public:
  // Ends the pipeline: every chunk evaluated and written.
  void Join() {
    if (!pipeline_) return;
    pipeline_->Close();
    for (auto& t : threads_) t.join();
    writer_.join();
  }

 private:
  std::vector<std::unique_ptr<LeadBatch>>* batches_;
  std::shared_ptr<const CompiledConfig> config_;
  std::FILE* out_;
  size_t workers_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<Chunk> chunk_;
  uint64_t seq_ = 0, leads_ = 0;
  std::vector<std::thread> threads_;
  std::thread writer_;
  bool writer_ok_ = true;
};

// Feeds `path` ("-": standard input) in chunks to `feed`.
template <typename Feed>
Status ReadChunks(const std::string& path, Feed feed, std::string* io_error) {
  std::FILE* in = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!in) {
    *io_error = "cannot open " + path + ": " + std::strerror(errno);
    return Status::Ok();
  }
  std::vector<char> buffer(kReadBytes);
  Status s;
  for (;;) {
    size_t n = std::fread(buffer.data(), 1, buffer.size(), in);
    if (n < buffer.size() && std::ferror(in)) {
      *io_error = "cannot read " + path + ": " + std::strerror(errno);
      break;
    }
    bool last = n < buffer.size() && std::feof(in);
    s = feed(std::string_view(buffer.data(), n), last);
    if (!s.ok() || last) break;
  }
  if (in != stdin) std::fclose(in);
  return s;
}

std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

void PrintSummary(const BatchSummary& s, const CompiledConfig& config, const Args& args, double seconds,
                  unsigned threads, const std::vector<std::string>& first_errors) {
  std::fprintf(stderr, "leadseg segment: %s rows (%s failed) in %.2f s with %u thread%s (%s rows/s)\n",
               Thousands(s.count).c_str(), Thousands(s.errors).c_str(), seconds, threads, threads == 1 ? "" : "s",
               Thousands(seconds > 0 ? static_cast<uint64_t>(static_cast<double>(s.count) / seconds) : 0).c_str());
  size_t width = 0;
  for (const auto& seg : config.segments()) width = std::max(width, seg.id.size());
  std::fprintf(stderr, "segments (members):\n");
  for (size_t i = 0; i < config.segments().size(); ++i) {
    std::fprintf(stderr, "  %-*s %s\n", static_cast<int>(width), config.segments()[i].id.c_str(),
                 Thousands(s.segments[i]).c_str());
  }
  if (config.grading()) {
    std::fprintf(stderr, "grades:");
    for (int g = 0; g < 4; ++g) std::fprintf(stderr, " %s %s", batch::kGradeNames[g], Thousands(s.grades[g]).c_str());
    std::fprintf(stderr, "\n");
  }
  if (config.lifecycle()) {
    std::fprintf(stderr, "stages:");
    for (size_t i = 0; i < s.stages.size(); ++i) {
      std::fprintf(stderr, " %s %s", config.lifecycle()->stages[i].id.c_str(), Thousands(s.stages[i]).c_str());
    }
    std::fprintf(stderr, "\n");
  }
  if (config.temperature()) {
    std::fprintf(stderr, "temperatures:");
    for (int t = 0; t < 3; ++t) {
      std::fprintf(stderr, " %s %s", batch::kTemperatureNames[t], Thousands(s.temperatures[t]).c_str());
    }
    std::fprintf(stderr, "\n");
  }
  if (!args.events.empty()) {
    std::string ids;
    for (const auto& id : s.events.unknown_lead_ids) ids += (ids.empty() ? "" : ", ") + id;
    std::fprintf(stderr, "events: %s read, %s replayed, %s after now, %s of unknown leads%s%s%s, %s leads without an id\n",
                 Thousands(s.events.read).c_str(), Thousands(s.events.replayed).c_str(),
                 Thousands(s.events.after_now).c_str(), Thousands(s.events.unknown_lead).c_str(),
                 ids.empty() ? "" : " (", ids.c_str(), ids.empty() ? "" : ")",
                 Thousands(s.events.leads_without_id).c_str());
  }
  auto list = [](const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? std::string("none") : out;
  };
  std::fprintf(stderr, "columns: read %s; ignored %s; missing %s\n", list(s.columns.read).c_str(),
               list(s.columns.ignored).c_str(), list(s.columns.missing).c_str());
  if (!s.columns.computed.empty()) {
    std::fprintf(stderr,
                 "warning: columns named like what the config computes, left out (the computed values win): %s; "
                 "to use one as an attribute, map it to another name with --columns\n",
                 list(s.columns.computed).c_str());
  }
  for (const auto& e : first_errors) std::fprintf(stderr, "failed: %s\n", e.c_str());
  if (s.errors > first_errors.size()) {
    std::fprintf(stderr, "(and %s more failed rows: see the error column)\n",
                 Thousands(s.errors - first_errors.size()).c_str());
  }
}

bool ParseArgs(const std::vector<std::string>& args, Args* out, std::string* problem) {
  size_t positional = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* into) {
      if (i + 1 >= args.size()) {
        *problem = a + " needs a value";
        return false;
      }
      *into = args[++i];
      return true;
    };
    std::string v;
    if (a == "--config") {
      if (!value(&out->config)) return false;
    } else if (a == "--events") {
      if (!value(&out->events)) return false;
    } else if (a == "--columns") {
      if (!value(&out->columns)) return false;
    } else if (a == "-o" || a == "--output") {
      if (!value(&out->output)) return false;
    } else if (a == "--threads") {
      if (!value(&v)) return false;
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || n < 1 || n > 256) {
        *problem = "--threads must be a number from 1 to 256, got \"" + v + "\"";
        return false;
      }
      out->threads = static_cast<unsigned>(n);
    } else if (a == "--now") {
      if (!value(&v)) return false;
      std::string why;
      if (!batch::ParseEventTime(v, &out->now, &why)) {
        *problem = "--now: " + why;
        return false;
      }
      out->has_now = true;
    } else if (a == "--id-column") {
      if (!value(&out->id_column)) return false;
    } else if (a == "--event-columns") {
      if (!value(&v)) return false;
      out->event_columns.clear();
      size_t start = 0;
      for (size_t cut; (cut = v.find(',', start)) != std::string::npos; start = cut + 1) {
        out->event_columns.push_back(v.substr(start, cut - start));
      }
      out->event_columns.push_back(v.substr(start));
      if (out->event_columns.size() != 3) {
        *problem = "--event-columns takes three names: lead,type,at";
        return false;
      }
    } else if (a == "--list-column") {
      if (!value(&v)) return false;
      out->list_columns.push_back(v);
    } else if (a == "--text") {
      out->text = true;
    } else if (a == "--quiet" || a == "-q") {
      out->quiet = true;
    } else if (a.size() > 1 && a[0] == '-' && a != "-") {
      *problem = "unknown option " + a;
      return false;
    } else if (positional++ == 0) {
      out->leads = a;
    } else {
      *problem = "one lead list at a time (got \"" + out->leads + "\" and \"" + a + "\")";
      return false;
    }
  }
  if (out->leads.empty()) *problem = "which lead list? (a CSV file, or - for standard input)";
  else if (out->config.empty()) *problem = "--config is required";
  return problem->empty();
}

// `*declared`: the names of the JSON config's `attributes` section (a
// compiled config does not keep them), for the column report.
// `*text`: the file, to compile again for each further thread.
std::shared_ptr<const CompiledConfig> LoadConfig(const std::string& path, int* exit_code,
                                                 std::vector<std::string>* declared, std::string* text_out) {
  std::string& text = *text_out;
  std::string error;
  if (!ReadFile(path, &text, &error)) {
    std::fprintf(stderr, "leadseg segment: %s\n", error.c_str());
    *exit_code = 2;
    return nullptr;
  }
  if (LooksLikeCompiledConfig(text)) {
    auto loaded = DecodeCompiledConfig(text);
    if (!loaded.ok()) {
      std::fprintf(stderr, "leadseg segment: %s: %s\n", path.c_str(), loaded.status().ToString().c_str());
      *exit_code = 1;
      return nullptr;
    }
    return loaded->config;
  }
  Diagnostics diagnostics;
  std::shared_ptr<const CompiledConfig> config = CompileConfigText(text, &diagnostics);
  if (!config) {
    std::fputs(diagnostics.Format().c_str(), stderr);
    std::fprintf(stderr, "leadseg segment: %s: invalid config\n", path.c_str());
    *exit_code = 1;
    return nullptr;
  }
  auto json = ParseJson(text, "config");
  if (json.ok() && json->is_object()) {
    auto attributes = json->find("attributes");
    if (attributes != json->end() && attributes->is_object()) {
      for (auto it = attributes->begin(); it != attributes->end(); ++it) declared->push_back(it.key());
    }
  }
  return config;
}

bool LoadColumnMap(const std::string& path, std::vector<std::pair<std::string, std::string>>* map) {
  std::string text, error;
  if (!ReadFile(path, &text, &error)) {
    std::fprintf(stderr, "leadseg segment: %s\n", error.c_str());
    return false;
  }
  auto json = ParseJson(text, "column map");
  if (!json.ok()) {
    std::fprintf(stderr, "leadseg segment: %s: %s\n", path.c_str(), json.status().ToString().c_str());
    return false;
  }
  if (!json->is_object()) {
    std::fprintf(stderr, "leadseg segment: %s: a column map is an object {\"file column\": \"attribute\"}\n",
                 path.c_str());
    return false;
  }
  for (auto it = json->begin(); it != json->end(); ++it) {
    if (!it->is_string()) {
      std::fprintf(stderr, "leadseg segment: %s: columnMap[\"%s\"] must be an attribute name, got %s (at %s)\n",
                   path.c_str(), it.key().c_str(), JsonTypeName(*it), PointerToken(it.key()).c_str());
      return false;
    }
    map->emplace_back(it.key(), it->get<std::string>());
  }
  return true;
}

}  // namespace

int Segment(const std::vector<std::string>& arg_list) {
  for (const auto& a : arg_list) {
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  Args args;
  std::string problem;
  if (!ParseArgs(arg_list, &args, &problem)) return Usage(problem);
  int exit_code = 0;
  batch::BatchOptions options;
  std::string config_text;
  std::shared_ptr<const CompiledConfig> config =
      LoadConfig(args.config, &exit_code, &options.declared_attributes, &config_text);
  if (!config) return exit_code;

  // The CLI is the edge where time comes from: the core never reads a clock.
  options.now = args.has_now ? args.now
                             : std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
  options.types = !args.text;
  options.id_column = args.id_column;
  options.list_columns = args.list_columns;
  if (args.event_columns.size() == 3) {
    options.event_lead_column = args.event_columns[0];
    options.event_type_column = args.event_columns[1];
    options.event_at_column = args.event_columns[2];
  }
  if (!args.columns.empty() && !LoadColumnMap(args.columns, &options.column_map)) return 2;

  const auto started = std::chrono::steady_clock::now();
  unsigned threads = args.threads ? args.threads : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::unique_ptr<LeadBatch>> batches;
  for (unsigned t = 0; t < threads; ++t) {
    // One compiled config per thread: conditions keep search scratch
    // memory (regex matching), so a CompiledConfig is not evaluated from
    // two threads at once.
    std::shared_ptr<const CompiledConfig> own = config;
    if (t > 0) {
      Diagnostics ignored;
      own = LooksLikeCompiledConfig(config_text) ? DecodeCompiledConfig(config_text)->config
                                                 : CompileConfigText(config_text, &ignored);
    }
    auto created = LeadBatch::Create(own, options);
    if (!created.ok()) {
      std::fprintf(stderr, "leadseg segment: %s\n", created.status().ToString().c_str());
      return 2;
    }
    batches.push_back(std::move(*created));
  }

  std::string io_error;
  if (!args.events.empty()) {
    auto table = std::make_shared<batch::EventTable>(
        batch::EventColumns{batches[0]->options().event_lead_column, options.event_type_column,
                            options.event_at_column},
        options.types, options.now);
    Status s = ReadChunks(args.events, [&](std::string_view bytes, bool last) { return table->FeedCsv(bytes, last); },
                          &io_error);
    if (!io_error.empty()) {
      std::fprintf(stderr, "leadseg segment: %s\n", io_error.c_str());
      return 2;
    }
    if (!s.ok()) {
      std::fprintf(stderr, "leadseg segment: %s: %s\n", args.events.c_str(), s.ToString().c_str());
      return 1;
    }
    for (auto& b : batches) b->UseEvents(table);
  }

  // The output goes to a temporary file renamed at the end: a failed run
  // leaves no half-written file behind.
  const bool to_stdout = args.output.empty() || args.output == "-";
  const std::string temp = to_stdout ? std::string() : args.output + ".partial";
  std::FILE* out = to_stdout ? stdout : std::fopen(temp.c_str(), "wb");
  if (!out) {
    std::fprintf(stderr, "leadseg segment: cannot write %s: %s\n", temp.c_str(), std::strerror(errno));
    return 2;
  }
  std::vector<char> out_buffer(kReadBytes);
  std::setvbuf(out, out_buffer.data(), _IOFBF, out_buffer.size());

  CsvReader reader;
  LeadSink sink(&batches, config, out, threads);
  bool header = false;
  Status s = ReadChunks(
      args.leads,
      [&](std::string_view bytes, bool last) {
        Status fed = reader.Feed(bytes, last, &sink);
        header = sink.pipeline() != nullptr;
        if (fed.ok() && sink.pipeline() && sink.pipeline()->failed()) fed = InvalidArgument("cannot write the output");
        return fed;
      },
      &io_error);
  if (sink.pipeline()) sink.Flush();
  sink.Join();
  bool write_ok = sink.writer_ok() && std::fflush(out) == 0;
  if (!to_stdout) write_ok = std::fclose(out) == 0 && write_ok;
  auto fail = [&](int code) {
    if (!to_stdout) std::remove(temp.c_str());
    return code;
  };
  if (!io_error.empty()) {
    std::fprintf(stderr, "leadseg segment: %s\n", io_error.c_str());
    return fail(2);
  }
  if (s.ok() && !header) s = InvalidArgument("CSV: the input is empty (expected a header line)");
  if (!s.ok()) {
    std::fprintf(stderr, "leadseg segment: %s: %s\n", args.leads.c_str(), s.ToString().c_str());
    return fail(1);
  }
  if (!write_ok) {
    std::fprintf(stderr, "leadseg segment: cannot write %s\n", to_stdout ? "the output" : args.output.c_str());
    return fail(2);
  }
  if (!to_stdout && std::rename(temp.c_str(), args.output.c_str()) != 0) {
    std::fprintf(stderr, "leadseg segment: cannot write %s: %s\n", args.output.c_str(), std::strerror(errno));
    return fail(2);
  }

  // Every chunk's rows: add the workers' counts up (events once: the
  // table is shared).
  batches[0]->Finish();
  BatchSummary summary = batches[0]->summary();
  for (size_t t = 1; t < batches.size(); ++t) summary.AddRows(batches[t]->summary());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!args.quiet) PrintSummary(summary, *config, args, seconds, threads, sink.pipeline()->first_errors());
  return 0;
}

}  // namespace cli
}  // namespace leadseg
