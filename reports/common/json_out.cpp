#include "reports/common/json_out.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "reports/common/text_util.h"

namespace tlsmatrix::reports {

std::string json_quote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (std::size_t pos = 0; pos < text.size();) {
    char32_t cp = io::next_code_point(text, pos).value_or(io::kReplacementChar);
    switch (cp) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      default: break;
    }
    // Controls must be escaped; DEL and the two JavaScript line separators are escaped so the
    // text is also safe to paste into JavaScript or view in a terminal.
    if (cp < 0x20 || cp == 0x7F || cp == 0x2028 || cp == 0x2029) {
      out += "\\u";
      out += kHex[(cp >> 12) & 0xF];
      out += kHex[(cp >> 8) & 0xF];
      out += kHex[(cp >> 4) & 0xF];
      out += kHex[cp & 0xF];
      continue;
    }
    io::append_utf8(out, cp);
  }
  out += '"';
  return out;
}

void JsonWriter::newline() {
  if (indent_ <= 0) return;
  out_ += '\n';
  out_.append(stack_.size() * static_cast<std::size_t>(indent_), ' ');
}

void JsonWriter::before_value() {
  if (done_) throw std::logic_error("JsonWriter: value after the document ended");
  if (stack_.empty()) return;
  Level& top = stack_.back();
  if (top.object) {
    if (!key_pending_) throw std::logic_error("JsonWriter: value in an object without a key");
    key_pending_ = false;
    return;
  }
  if (top.count++ > 0) out_ += ',';
  newline();
}

JsonWriter& JsonWriter::key(std::string_view name) {
  if (stack_.empty() || !stack_.back().object || key_pending_) {
    throw std::logic_error("JsonWriter: key outside an object");
  }
  if (stack_.back().count++ > 0) out_ += ',';
  newline();
  out_ += json_quote(name);
  out_ += indent_ > 0 ? ": " : ":";
  key_pending_ = true;
  return *this;
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_ += '{';
  stack_.push_back({true});
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_ += '[';
  stack_.push_back({false});
  return *this;
}

JsonWriter& JsonWriter::close(bool object) {
  if (stack_.empty() || stack_.back().object != object || key_pending_) {
    throw std::logic_error("JsonWriter: unbalanced end");
  }
  bool empty = stack_.back().count == 0;
  stack_.pop_back();
  if (!empty) newline();
  out_ += object ? '}' : ']';
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::end_object() { return close(true); }
JsonWriter& JsonWriter::end_array() { return close(false); }

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  out_ += json_quote(text);
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t n) {
  before_value();
  out_ += std::to_string(n);
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(double d) {
  if (!std::isfinite(d)) return null();
  before_value();
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  out_.append(buf, res.ptr);
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(const std::vector<std::string>& items) {
  begin_array();
  for (const auto& item : items) value(item);
  return end_array();
}

std::string JsonWriter::take() {
  if (!done_) throw std::logic_error("JsonWriter: document not finished");
  if (indent_ > 0) out_ += '\n';
  done_ = false;
  return std::move(out_);
}

}  // namespace tlsmatrix::reports
