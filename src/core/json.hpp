// A minimal JSON writer for schemas and program descriptions (output only;
// the library never parses JSON).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pxp {

class JsonWriter {
 public:
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(const std::string& k);
  JsonWriter& string(const std::string& s);
  JsonWriter& integer(int64_t v);
  JsonWriter& unsigned_integer(uint64_t v);
  JsonWriter& number(double v);
  JsonWriter& boolean(bool v);
  JsonWriter& null();
  // Inserts already-serialized JSON.
  JsonWriter& raw(const std::string& json);

  const std::string& str() const { return out_; }

  static std::string quote(const std::string& s);

 private:
  JsonWriter& open(char c);
  JsonWriter& close(char c);
  void separate();

  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace pxp
