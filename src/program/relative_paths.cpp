// Resolution of the paths that pixelpipes.save recorded as relative to the program file (see
// relative_paths.hpp). It works on the msgpack objects, before the reader: the strings are
// rewritten in the unpacked tree and the tree is packed again, so the reader, the verifier and
// pxp_program_bytes all see one ordinary program whose paths are absolute.
#include "program/relative_paths.hpp"

#include <msgpack.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/error.hpp"
#include "program/format.hpp"
#include "program/unpack.hpp"

namespace pxp {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void invalid_record(const std::string& message) {
  fail(PXP_EINVALID_PROGRAM, std::string("metadata '") + format::kRelativePathsKey + "': " + message);
}

std::string text_of(const msgpack::object& o) { return std::string(o.via.str.ptr, o.via.str.size); }

bool is_text(const msgpack::object& o, const char* text) {
  return o.type == msgpack::type::STR && o.via.str.size == std::strlen(text) &&
         std::memcmp(o.via.str.ptr, text, o.via.str.size) == 0;
}

// The value of the first string key `key` of a map, or nullptr (also when o is not a map: the
// reader reports malformed program structure; here only the record is judged).
msgpack::object* find(msgpack::object& o, const char* key) {
  if (o.type != msgpack::type::MAP) return nullptr;
  for (uint32_t i = 0; i < o.via.map.size; ++i)
    if (is_text(o.via.map.ptr[i].key, key)) return &o.via.map.ptr[i].val;
  return nullptr;
}

// "constant 3" or "constant 3 item [1, 0]", for messages.
std::string where(uint64_t constant, const std::vector<uint64_t>& item) {
  std::string s = "constant " + std::to_string(constant);
  if (item.empty()) return s;
  s += " item [";
  for (size_t k = 0; k < item.size(); ++k) s += (k ? ", " : "") + std::to_string(item[k]);
  return s + "]";
}

// The constant kind of a node ("string", "list", "tensor" ...), or "" when it has none.
std::string constant_kind(msgpack::object& node) {
  msgpack::object* kind = find(node, "kind");
  return kind && kind->type == msgpack::type::STR ? text_of(*kind) : "";
}

// Rewrites the strings of one constant in place; the new strings live in the unpacked tree's zone.
class Joiner {
 public:
  Joiner(msgpack::zone& zone, fs::path folder) : zone_(zone), folder_(std::move(folder)) {}

  // Every string of the constant, at any depth ("all").
  void all(msgpack::object& constant, uint64_t index) {
    std::vector<uint64_t> item;
    std::string kind = constant_kind(constant);
    if (kind != "string" && kind != "list")
      invalid_record(where(index, item) + " is " + (kind.empty() ? "not a constant" : "a " + kind) +
                     ": only string and list constants hold paths");
    all_below(constant, index, item);
  }

  // The string at an index path inside the constant.
  void one(msgpack::object& constant, uint64_t index, const std::vector<uint64_t>& item) {
    msgpack::object* node = &constant;
    for (size_t depth = 0; depth < item.size(); ++depth) {
      std::vector<uint64_t> above(item.begin(), item.begin() + static_cast<std::ptrdiff_t>(depth));
      msgpack::object* items = constant_kind(*node) == "list" ? find(*node, "items") : nullptr;
      if (!items || items->type != msgpack::type::ARRAY)
        invalid_record(where(index, item) + " goes inside " + where(index, above) + ", which is not a list");
      if (item[depth] >= items->via.array.size)
        invalid_record(where(index, item) + " is out of range: " + where(index, above) + " has " +
                       std::to_string(items->via.array.size) + " items");
      node = &items->via.array.ptr[item[depth]];
    }
    std::string kind = constant_kind(*node);
    if (kind != "string")
      invalid_record(where(index, item) + " is " + (kind.empty() ? "not a constant" : "a " + kind) +
                     ", not a string");
    join(*node, where(index, item));
  }

 private:
  void all_below(msgpack::object& node, uint64_t index, std::vector<uint64_t>& item) {
    std::string kind = constant_kind(node);
    if (kind == "string") {
      join(node, where(index, item));
    } else if (kind == "list") {
      msgpack::object* items = find(node, "items");
      if (!items || items->type != msgpack::type::ARRAY)
        invalid_record(where(index, item) + " is a list without an items array");
      for (uint32_t k = 0; k < items->via.array.size; ++k) {
        item.push_back(k);
        all_below(items->via.array.ptr[k], index, item);
        item.pop_back();
      }
    }  // tensors inside a list hold no paths
  }

  void join(msgpack::object& string_constant, const std::string& at) {
    msgpack::object* value = find(string_constant, "value");
    if (!value || value->type != msgpack::type::STR)
      invalid_record(at + " is a string constant without a string value");
    if (!done_.insert(value).second) invalid_record(at + " is listed twice");
    const std::string relative = text_of(*value);
    if (relative.empty()) invalid_record(at + " is an empty path");
    if (relative.find('\0') != std::string::npos) invalid_record(at + " contains a NUL byte");
    const fs::path path(relative);
    if (path.has_root_path())
      invalid_record(at + " is recorded as relative but is an absolute path: '" + relative + "'");
    fs::path joined = (folder_ / path).lexically_normal();
    // "images/." normalizes to "images/": drop that separator, as os.path.normpath does.
    if (!joined.has_filename() && joined != joined.root_path()) joined = joined.parent_path();
    const std::string absolute = joined.string();
    if (absolute.size() > UINT32_MAX) invalid_record(at + " is too long once joined with the folder");
    auto* chars = static_cast<char*>(zone_.allocate_no_align(absolute.size()));
    std::memcpy(chars, absolute.data(), absolute.size());
    value->via.str.ptr = chars;
    value->via.str.size = static_cast<uint32_t>(absolute.size());
  }

  msgpack::zone& zone_;
  fs::path folder_;
  std::unordered_set<const msgpack::object*> done_;  // strings already joined
};

// A decimal constant index, as pixelpipes.save writes it ("0", "12").
uint64_t constant_index(const msgpack::object& key, uint64_t count) {
  if (key.type != msgpack::type::STR)
    invalid_record(std::string("constants has a key that is ") + msgpack_type_name(key) + ", not a constant index string");
  const std::string digits = text_of(key);
  bool decimal = !digits.empty() && digits.size() <= 19 && (digits == "0" || digits[0] != '0');
  for (char c : digits) decimal = decimal && c >= '0' && c <= '9';
  if (!decimal) invalid_record("constants has the key '" + digits + "', which is not a constant index");
  uint64_t index = std::stoull(digits);
  if (index >= count)
    invalid_record("constant " + digits + " is out of range: the program has " + std::to_string(count) +
                   " constants");
  return index;
}

// One "<index>": "all" | [[item index, ...], ...] entry of the record.
void resolve_constant(Joiner& joiner, msgpack::object& constant, uint64_t index, const msgpack::object& changed) {
  if (changed.type == msgpack::type::STR) {
    if (!is_text(changed, "all"))
      invalid_record(where(index, {}) + " has '" + text_of(changed) + "': expected \"all\" or a list of item index paths");
    joiner.all(constant, index);
    return;
  }
  if (changed.type != msgpack::type::ARRAY)
    invalid_record(where(index, {}) + " has " + msgpack_type_name(changed) + ": expected \"all\" or a list of item index paths");
  for (uint32_t p = 0; p < changed.via.array.size; ++p) {
    const msgpack::object& path = changed.via.array.ptr[p];
    if (path.type != msgpack::type::ARRAY)
      invalid_record(where(index, {}) + " path " + std::to_string(p) + " is " + msgpack_type_name(path) +
                     ", not a list of item indices");
    std::vector<uint64_t> item;
    for (uint32_t k = 0; k < path.via.array.size; ++k) {
      const msgpack::object& i = path.via.array.ptr[k];
      if (i.type != msgpack::type::POSITIVE_INTEGER)
        invalid_record(where(index, {}) + " path " + std::to_string(p) + " has " + msgpack_type_name(i) +
                       " where an item index (a non-negative integer) belongs");
      item.push_back(i.via.u64);
    }
    joiner.one(constant, index, item);
  }
}

// Takes the record out of the metadata map (a copy of its entries without it, in the zone).
void remove_entry(msgpack::object& metadata, const msgpack::object* record, msgpack::zone& zone) {
  const msgpack::object_map& old = metadata.via.map;
  msgpack::object_kv* kept = nullptr;
  if (old.size > 1)
    kept = static_cast<msgpack::object_kv*>(
        zone.allocate_align(sizeof(msgpack::object_kv) * (old.size - 1), alignof(msgpack::object_kv)));
  uint32_t n = 0;
  for (uint32_t i = 0; i < old.size; ++i)
    if (&old.ptr[i].val != record) kept[n++] = old.ptr[i];
  metadata.via.map.ptr = kept;
  metadata.via.map.size = n;
}

}  // namespace

std::string resolve_relative_paths(std::string bytes, const fs::path& folder) {
  if (!folder.is_absolute()) argument_error("the folder to resolve relative paths against must be absolute, not '" +
                                            folder.string() + "'");
  msgpack::object_handle handle = unpack_program(bytes.data(), bytes.size());
  // The tree is ours (it lives in the handle's zone): rewriting it in place is safe.
  auto& root = const_cast<msgpack::object&>(handle.get());
  msgpack::object* metadata = find(root, "metadata");
  msgpack::object* record = metadata ? find(*metadata, format::kRelativePathsKey) : nullptr;
  if (!record) return bytes;
  for (uint32_t i = 0; i < metadata->via.map.size; ++i)
    if (&metadata->via.map.ptr[i].val != record && is_text(metadata->via.map.ptr[i].key, format::kRelativePathsKey))
      invalid_record("is given twice");

  if (record->type != msgpack::type::MAP) invalid_record(std::string("must be a map, not ") + msgpack_type_name(*record));
  for (uint32_t i = 0; i < record->via.map.size; ++i) {
    const msgpack::object& key = record->via.map.ptr[i].key;
    if (!is_text(key, "base") && !is_text(key, "constants"))
      invalid_record(key.type == msgpack::type::STR ? "has unknown field '" + text_of(key) + "'"
                                                    : std::string("has a key that is ") + msgpack_type_name(key));
  }
  msgpack::object* base = find(*record, "base");
  if (!base) invalid_record("lacks 'base'");
  if (!is_text(*base, "program_dir"))
    invalid_record("base must be \"program_dir\" (the folder of the program file), not " +
                   (base->type == msgpack::type::STR ? "'" + text_of(*base) + "'" : std::string(msgpack_type_name(*base))));
  msgpack::object* changed = find(*record, "constants");
  if (!changed) invalid_record("lacks 'constants'");
  if (changed->type != msgpack::type::MAP)
    invalid_record(std::string("constants must be a map, not ") + msgpack_type_name(*changed));

  msgpack::object* constants = find(root, "constants");
  const uint64_t count = constants && constants->type == msgpack::type::ARRAY ? constants->via.array.size : 0;
  Joiner joiner(*handle.zone(), folder.lexically_normal());
  for (uint32_t i = 0; i < changed->via.map.size; ++i) {
    uint64_t index = constant_index(changed->via.map.ptr[i].key, count);
    resolve_constant(joiner, constants->via.array.ptr[index], index, changed->via.map.ptr[i].val);
  }
  remove_entry(*metadata, record, *handle.zone());

  msgpack::sbuffer packed;
  msgpack::pack(packed, root);
  return std::string(packed.data(), packed.size());
}

}  // namespace pxp
