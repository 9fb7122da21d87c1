// Escaping for XML 1.0 and HTML (JUnit and the HTML report share it). Characters XML 1.0 forbids
// (most C0 controls, U+FFFE/U+FFFF) are dropped, because no escape makes them legal and one of
// them makes a strict parser reject the whole JUnit file; invalid UTF-8 becomes U+FFFD.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tlsmatrix::reports {

// Element content: & < > escaped.
std::string escape_xml_text(std::string_view text);

// Attribute values (quoted with "): also " and ', and tab/newline/CR as character references so
// an XML parser's attribute normalisation keeps them and an HTML tooltip shows the line breaks.
std::string escape_xml_attr(std::string_view text);

// `text` on one line with Markdown and HTML punctuation backslash-escaped (pipes included), for
// table cells and list items (run's and the check commands' Markdown reports).
std::string escape_markdown(std::string_view text);

// The Markdown reports' closing "### Notes" section, one escaped item a note; "" without notes.
std::string markdown_notes(const std::vector<std::string>& notes);

}  // namespace tlsmatrix::reports
