#include "reports/common/finding_json.h"

namespace tlsmatrix::reports {

void write_finding(JsonWriter& w, const findings::Finding& f, const FindingJsonShape& shape) {
  w.begin_object()
      .member(shape.id, f.id)
      .member(shape.severity, findings::to_string(f.severity, shape.words));
  if (shape.title) w.member("title", f.title);
  if (shape.file) w.member("file", f.file);
  w.member(shape.message, f.message).member(shape.fix, f.fix);
  if (shape.profiles) w.member("profiles", f.profiles);
  if (shape.reason) {
    w.key("reason");
    if (f.reason) {
      w.value(to_string(*f.reason));
    } else {
      w.null();
    }
  }
  w.end_object();
}

}  // namespace tlsmatrix::reports
