#pragma once
// Memory shared between a process and the children it forks afterwards:
// MAP_SHARED|MAP_ANONYMOUS, so it has no name at all — no /dev/shm file, no
// SysV key — and the kernel frees it when the last process mapping it
// unmaps or dies. Pages are populated up front so that first-touch page
// faults do not land inside a measured window.
//
// SharedObject<T> places one T in such a mapping. T must be trivially
// destructible (each process just unmaps its view; nobody runs a destructor
// on memory another process may still use) and must not point into either
// process's private memory. Lock-free std::atomic members work across
// processes (they are address-free).
#include <sys/mman.h>

#include <cerrno>
#include <cstddef>
#include <new>
#include <system_error>
#include <type_traits>
#include <utility>

namespace contend::queues::ipc {

class SharedMapping {
  public:
    SharedMapping() = default;
    explicit SharedMapping(std::size_t bytes) : bytes_(bytes) {
        void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (p == MAP_FAILED)
            throw std::system_error(errno, std::generic_category(), "mmap shared anonymous");
        data_ = p;
    }
    SharedMapping(SharedMapping&& o) noexcept
        : data_(std::exchange(o.data_, nullptr)), bytes_(std::exchange(o.bytes_, 0)) {}
    SharedMapping& operator=(SharedMapping&& o) noexcept {
        if (this != &o) {
            release();
            data_ = std::exchange(o.data_, nullptr);
            bytes_ = std::exchange(o.bytes_, 0);
        }
        return *this;
    }
    SharedMapping(const SharedMapping&) = delete;
    SharedMapping& operator=(const SharedMapping&) = delete;
    ~SharedMapping() { release(); }

    void* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return bytes_; }

  private:
    void release() noexcept {
        if (data_) ::munmap(data_, bytes_);
        data_ = nullptr;
    }
    void* data_ = nullptr;
    std::size_t bytes_ = 0;
};

template <class T>
class SharedObject {
    static_assert(std::is_trivially_destructible_v<T>,
                  "shared objects are unmapped, never destroyed, by each process");

  public:
    template <class... Args>
    explicit SharedObject(Args&&... args) : map_(sizeof(T)) {
        obj_ = ::new (map_.data()) T(std::forward<Args>(args)...);
    }
    T* operator->() const noexcept { return obj_; }
    T& operator*() const noexcept { return *obj_; }

  private:
    SharedMapping map_;
    T* obj_ = nullptr;
};

}  // namespace contend::queues::ipc
