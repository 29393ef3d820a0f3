// The one place where C++ meets the C ABI: every extern "C" body runs inside
// guard(), which turns any exception into a status and the thread-local last
// error. Nothing escapes it.
#pragma once

#include <exception>
#include <new>
#include <string>
#include <type_traits>

#include "core/error.hpp"
#include "pixelpipes/common.h"

namespace pxp::capi {

// Records an error as the calling thread's last error.
void set_last_error(const Error& e);
void set_last_error(pxp_status code, const std::string& message);

// body returns nothing (PXP_OK) or a non-error status of its own (PXP_END_OF_STREAM).
template <typename F> pxp_status guard(F&& body) noexcept {
  try {
    if constexpr (std::is_void_v<decltype(body())>) {
      body();
      return PXP_OK;
    } else {
      return body();
    }
  } catch (const Error& e) {
    set_last_error(e);
    return e.code();
  } catch (const std::bad_alloc&) {
    set_last_error(PXP_ENOMEM, "out of memory");
    return PXP_ENOMEM;
  } catch (const std::exception& e) {
    set_last_error(PXP_EINTERNAL, std::string("internal error: ") + e.what());
    return PXP_EINTERNAL;
  } catch (...) {
    set_last_error(PXP_EINTERNAL, "internal error: unknown exception");
    return PXP_EINTERNAL;
  }
}

template <typename T> void require(const T* pointer, const char* name) {
  if (!pointer) throw Error(PXP_EINVALID_ARGUMENT, std::string(name) + " is NULL");
}

}  // namespace pxp::capi
