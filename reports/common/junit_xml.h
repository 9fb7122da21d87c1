// Pieces every JUnit file tlsmatrix writes shares (run's cells, validate's and probe's checks).
#pragma once

#include <string>
#include <string_view>

#include "reports/common/markup_escape.h"
#include "reports/common/text_util.h"

namespace tlsmatrix::reports {

// ` name="value"`, the value escaped for an XML attribute.
inline std::string xml_attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + escape_xml_attr(value) + "\"";
}

// JUnit's time attribute: seconds with millisecond precision.
inline std::string junit_seconds(double ms) { return format_fixed(ms / 1000.0, 3); }

}  // namespace tlsmatrix::reports
