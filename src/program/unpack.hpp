// The first step of reading program bytes, shared by the reader and by the resolution of
// relative paths (relative_paths.cpp): msgpack with limits that keep untrusted bytes from
// exhausting memory or stack.
#pragma once

#include <msgpack.hpp>

#include <cstddef>

namespace pxp {

// Unpacks exactly one msgpack object spanning all of data; PXP_EINVALID_PROGRAM for empty,
// oversized, truncated, too deeply nested or trailing bytes, PXP_EINVALID_ARGUMENT for NULL data.
msgpack::object_handle unpack_program(const void* data, size_t size);

// "a string", "an array", ...: how error messages name the kind of object found.
const char* msgpack_type_name(const msgpack::object& o);

}  // namespace pxp
