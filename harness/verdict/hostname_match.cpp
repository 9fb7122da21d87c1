#include "harness/verdict/hostname_match.h"


#include <algorithm>
#include <cctype>

#include "harness/net/ip_literal.h"

namespace tlsmatrix::verdict {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view strip_dot(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

std::vector<std::string> split_labels(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = s.find('.', start);
    out.emplace_back(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

std::string list_names(const x509::CertNames& n) {
  std::string out;
  auto add = [&out](std::string_view kind, const std::vector<std::string>& v) {
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + std::string(kind) + s;
  };
  add("DNS:", n.dns);
  add("IP:", n.ip);
  add("", n.other);
  return out.empty() ? "the certificate (no SAN)" : "SAN [" + out + "]";
}

}  // namespace

bool wildcard_match(std::string_view pattern_in, std::string_view host_in, const NameRules& rules) {
  // Go: a pattern ending with a dot is no valid pattern; it matches only a name written exactly
  // so, ignoring case ("LocalHost." for "localhost.").
  if (!rules.pattern_trailing_dot_stripped && pattern_in.ends_with('.')) return lower(pattern_in) == lower(host_in);
  std::string pattern = lower(strip_dot(pattern_in));
  std::string host = lower(strip_dot(host_in));
  if (pattern.empty() || host.empty()) return false;
  if (pattern == host) return true;
  if (pattern.find('*') == std::string::npos) return false;
  auto p = split_labels(pattern);
  auto h = split_labels(host);
  if (p.size() != h.size()) return false;  // a wildcard covers exactly one label
  for (std::size_t i = 1; i < p.size(); ++i) {
    if (p[i].empty() || p[i].find('*') != std::string::npos || p[i] != h[i]) return false;
  }
  if (!rules.wildcard_tld && p.size() < 3) return false;
  const std::string& first = p[0];
  if (std::count(first.begin(), first.end(), '*') != 1) return false;
  if (first == "*") return !h[0].empty();
  if (!rules.wildcard_partial_label) return false;
  std::size_t star = first.find('*');
  std::string prefix = first.substr(0, star), suffix = first.substr(star + 1);
  const std::string& label = h[0];
  return label.size() >= prefix.size() + suffix.size() && label.starts_with(prefix) &&
         label.ends_with(suffix);
}

std::string name_mismatch(const x509::CertNames& n, std::string_view name, const NameRules& rules) {
  const bool ip = net::is_ip_literal(name);
  if (ip) {
    if (rules.ip_match == IpNameMatch::any_san_text) {
      std::string want = lower(name);
      for (const auto* v : {&n.dns, &n.ip}) {
        for (const auto& s : *v) {
          if (lower(s) == want) return "";
        }
      }
      return "IP " + std::string(name) + " is not in " + list_names(n) + " (an IP name never uses the CN)";
    }
    auto canonical = [&rules](std::string_view text) {
      std::string c = net::canonical_ip(text);
      constexpr std::string_view mapped = "::ffff:";
      if (rules.ipv4_mapped_equal && c.starts_with(mapped) && c.find('.') != std::string::npos) {
        c.erase(0, mapped.size());
      }
      return c;
    };
    std::string want = canonical(name);
    for (const auto& s : n.ip) {
      if (canonical(s) == want) return "";
    }
    return "IP " + std::string(name) + " is not an IP SAN in " + list_names(n);
  }
  auto matches_any = [&](const std::vector<std::string>& v) {
    return std::any_of(v.begin(), v.end(), [&](const std::string& s) { return wildcard_match(s, name, rules); });
  };
  if (matches_any(n.dns)) return "";
  if (rules.dns_name_checks_all_sans && (matches_any(n.ip) || matches_any(n.other))) return "";
  bool use_cn = false;
  switch (rules.cn_fallback) {
    case CnFallback::never: use_cn = false; break;
    case CnFallback::no_san: use_cn = !n.any_san(); break;
    case CnFallback::no_dns_san: use_cn = n.dns.empty(); break;
  }
  if (use_cn && !n.cn.empty() && wildcard_match(n.cn, name, rules)) return "";
  std::string why = std::string(name) + " is not in " + list_names(n);
  if (!n.cn.empty()) {
    why += use_cn ? "; CN " + n.cn + " does not match either"
                  : "; CN " + n.cn + " not consulted" +
                        (rules.cn_fallback == CnFallback::never ? " (this stack never uses the CN)" : "");
  }
  return why;
}

}  // namespace tlsmatrix::verdict
