// A small streaming JSON writer for every machine-readable output (run, validate, probe, bench).
// It escapes strings fully (quotes, backslash, control characters, U+2028/U+2029) and replaces
// invalid UTF-8 with U+FFFD, so the output always parses. Misuse (a value where a key is due,
// unbalanced ends) throws std::logic_error: it is a programming error, found by any test.
//
//   JsonWriter w;
//   w.begin_object().member("tool", "tlsmatrix").key("cells").begin_array();
//   ...
//   w.end_array().end_object();
//   std::string text = w.take();
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tlsmatrix::reports {

// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

class JsonWriter {
 public:
  // indent 0 writes everything on one line; otherwise nested values go on their own lines.
  explicit JsonWriter(int indent = 2) : indent_(indent) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(bool b);
  JsonWriter& value(std::int64_t n);
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  JsonWriter& value(T n) {
    return value(static_cast<std::int64_t>(n));
  }
  // Shortest text that reads back as the same double; NaN and infinities become null.
  JsonWriter& value(double d);
  JsonWriter& null();
  // An absent value is null; a list of strings is an array.
  template <typename T>
  JsonWriter& value(const std::optional<T>& v) {
    return v ? value(*v) : null();
  }
  JsonWriter& value(const std::vector<std::string>& items);

  template <typename T>
  JsonWriter& member(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  // The document; throws std::logic_error if an object or array is still open.
  std::string take();

 private:
  struct Level {
    bool object;
    int count = 0;
  };
  void before_value();
  void newline();
  JsonWriter& close(bool object);

  int indent_;
  std::string out_;
  std::vector<Level> stack_;
  bool key_pending_ = false;
  bool done_ = false;
};

}  // namespace tlsmatrix::reports
