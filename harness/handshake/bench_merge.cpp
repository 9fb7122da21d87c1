#include "harness/handshake/bench_merge.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cmath>

#include "harness/io/input_error.h"

namespace tlsmatrix::handshake {

namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

class Fields {
 public:
  Fields(const Struct& s, std::string where) : s_(s), where_(std::move(where)) {}
  const Value& get(const std::string& name, Value::KindCase kind) const {
    auto it = s_.fields().find(name);
    if (it == s_.fields().end()) throw io::InputError(where_ + ": no \"" + name + "\"");
    if (it->second.kind_case() != kind) throw io::InputError(where_ + ": \"" + name + "\" has the wrong type");
    return it->second;
  }
  std::string str(const std::string& name) const { return get(name, Value::kStringValue).string_value(); }
  double num(const std::string& name) const { return get(name, Value::kNumberValue).number_value(); }
  std::uint64_t count(const std::string& name) const {
    double d = num(name);
    if (!(d >= 0) || d != std::floor(d) || d > 9007199254740992.0) {
      throw io::InputError(where_ + ": \"" + name + "\" is not a count");
    }
    return static_cast<std::uint64_t>(d);
  }
  bool flag(const std::string& name) const { return get(name, Value::kBoolValue).bool_value(); }
  const std::string& where() const { return where_; }

 private:
  const Struct& s_;
  std::string where_;
};

}  // namespace

MergedBench merge_bench_json(const std::vector<std::string>& files, const std::vector<std::string>& texts) {
  MergedBench out;
  out.files = files;
  for (std::size_t f = 0; f < files.size(); ++f) {
    Struct doc;
    auto status = google::protobuf::util::JsonStringToMessage(texts[f], &doc);
    if (!status.ok()) {
      // protobuf's message quotes the input over several lines: its first line is the reason.
      std::string why(status.message());
      why = why.substr(0, why.find('\n'));
      throw io::InputError(files[f] + ": not JSON (" + why + ")");
    }
    Fields top(doc, files[f]);
    if (top.str("tool") != "tlsmatrix") throw io::InputError(files[f] + ": not a tlsmatrix bench --json file");
    const auto& results = top.get("results", Value::kListValue).list_value();
    for (int i = 0; i < results.values_size(); ++i) {
      const Value& v = results.values(i);
      std::string where = files[f] + ": results[" + std::to_string(i) + "]";
      if (v.kind_case() != Value::kStructValue) throw io::InputError(where + ": not an object");
      Fields r(v.struct_value(), where);
      MergedRow key;
      key.layer = r.str("layer");
      key.key = r.str("key");
      key.tls = r.str("tls");
      key.target = r.str("target");
      key.mode = static_cast<int>(r.num("mode"));
      key.resume = r.flag("resume");
      MergedRow* row = nullptr;
      for (auto& m : out.rows) {
        if (m.layer == key.layer && m.key == key.key && m.tls == key.tls && m.target == key.target &&
            m.mode == key.mode && m.resume == key.resume) {
          row = &m;
        }
      }
      if (row == nullptr) row = &out.rows.emplace_back(std::move(key));
      const Value& hv = r.get("latency_histogram", Value::kStructValue);
      Fields h(hv.struct_value(), where + ".latency_histogram");
      if (h.str("scheme") != "log2/16") {
        throw io::InputError(h.where() + ": scheme \"" + h.str("scheme") + "\", this tlsmatrix merges log2/16");
      }
      LatencyHistogram hist;
      const auto& buckets = h.get("buckets", Value::kListValue).list_value();
      for (int b = 0; b < buckets.values_size(); ++b) {
        std::string bw = h.where() + ".buckets[" + std::to_string(b) + "]";
        if (buckets.values(b).kind_case() != Value::kStructValue) throw io::InputError(bw + ": not an object");
        Fields bf(buckets.values(b).struct_value(), bw);
        double index = bf.num("index");
        if (index != std::floor(index) || std::fabs(index) > 4096) throw io::InputError(bw + ": bad index");
        hist.add_bucket(static_cast<int>(index), bf.count("count"));
      }
      std::uint64_t ok = r.count("handshakes");
      if (hist.total() != ok) {
        throw io::InputError(where + ": the histogram holds " + std::to_string(hist.total()) +
                         " handshakes, the row " + std::to_string(ok));
      }
      double cpu = r.num("cpu_us_per_handshake");
      if (row->handshakes + ok > 0) {
        row->cpu_us_per_handshake = (row->cpu_us_per_handshake * static_cast<double>(row->handshakes) +
                                     cpu * static_cast<double>(ok)) /
                                    static_cast<double>(row->handshakes + ok);
      }
      row->runs += 1;
      row->handshakes_per_s += r.num("handshakes_per_s");
      row->handshakes += ok;
      row->failed += r.count("failed");
      row->cut_off += r.count("cut_off");
      row->latency.merge(hist);
      const auto& errors = r.get("errors", Value::kListValue).list_value();
      for (int e = 0; e < errors.values_size(); ++e) {
        std::string ew = where + ".errors[" + std::to_string(e) + "]";
        if (errors.values(e).kind_case() != Value::kStructValue) throw io::InputError(ew + ": not an object");
        Fields ef(errors.values(e).struct_value(), ew);
        row->errors[ef.str("reason")] += ef.count("count");
      }
    }
  }
  return out;
}

}  // namespace tlsmatrix::handshake
