#include "exec/item_callbacks.hpp"

#include <pthread.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>

#include "core/error.hpp"

namespace pxp {

namespace {

struct Entry {
  pxp_item_callback callback;
  void* user_data;
  size_t running = 0;  // calls in progress (Registry::mutex)
};

// Never destroyed: worker threads of pipelines nobody freed may still call during exit. Its lock
// is taken around fork() so that a child never inherits it locked.
struct Registry {
  std::mutex mutex;
  std::condition_variable idle;  // an entry's last running call ended
  std::map<std::string, std::shared_ptr<Entry>> entries;

  static Registry& get() {
    static Registry* registry = new Registry;
    return *registry;
  }

 private:
  Registry() {
    pthread_atfork([] { get().mutex.lock(); }, [] { get().mutex.unlock(); }, [] { get().mutex.unlock(); });
  }
};

void check_name(const std::string& name) {
  if (name.empty() || name.size() > 255)
    argument_error("a callback name must have 1 to 255 bytes, not " + std::to_string(name.size()));
}

}  // namespace

void register_item_callback(const std::string& name, pxp_item_callback callback, void* user_data) {
  check_name(name);
  if (!callback) argument_error("callback is NULL");
  Registry& r = Registry::get();
  auto entry = std::make_shared<Entry>(Entry{callback, user_data, 0});
  std::lock_guard<std::mutex> lock(r.mutex);
  r.entries[name] = std::move(entry);
}

void unregister_item_callback(const std::string& name) {
  Registry& r = Registry::get();
  std::unique_lock<std::mutex> lock(r.mutex);
  auto it = r.entries.find(name);
  if (it == r.entries.end()) range_error("no callback named '" + name + "' is registered");
  std::shared_ptr<Entry> entry = it->second;
  r.entries.erase(it);
  r.idle.wait(lock, [&] { return entry->running == 0; });
}

Tensor call_item_callback(const std::string& name, int64_t index) {
  Registry& r = Registry::get();
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.entries.find(name);
    if (it == r.entries.end())
      fail(PXP_ESTATE, "no callback named '" + name + "' is registered in this process (a program that calls a "
                       "Python function runs only where that function is registered: in the process that built it)");
    entry = it->second;
    ++entry->running;
  }
  struct Running {  // the call ends on every way out, so unregistering never waits forever
    Registry& r;
    Entry& e;
    ~Running() {
      std::lock_guard<std::mutex> lock(r.mutex);
      if (--e.running == 0) r.idle.notify_all();
    }
  } running{r, *entry};
  pxp_callback_result result;
  int32_t status = entry->callback(entry->user_data, index, &result);
  const std::string which = "callback '" + name + "' for item " + std::to_string(index);
  if (status != 0)
    fail(PXP_EIO, which + " failed" + (result.error.empty() ? " (status " + std::to_string(status) + ")" : ": " + result.error));
  if (!result.has_tensor) fail(PXP_EIO, which + " returned no result (pxp_callback_result_tensor was not called)");
  return std::move(result.tensor);
}

}  // namespace pxp
