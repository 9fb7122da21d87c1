// Looking a profile up by its name, and the list of names, for any table of named entries (the
// client and the server profiles): the names come from the table, never from a second list.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tlsmatrix::verdict {

// The entry of `table` called `name`; nullptr when there is none.
template <class T>
const T* find_by_name(const std::vector<T>& table, std::string_view name) {
  for (const auto& entry : table) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

// Every entry's name, in the table's order.
template <class T>
std::vector<std::string> names_of(const std::vector<T>& table) {
  std::vector<std::string> out;
  for (const auto& entry : table) out.push_back(entry.name);
  return out;
}

}  // namespace tlsmatrix::verdict
