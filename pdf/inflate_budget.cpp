// See pdf/inflate_budget.hpp.
#include "pdf/inflate_budget.hpp"

#include "pdf/podofo_io.hpp"

#include <dlfcn.h>
#include <zlib.h>

namespace preflight::pdf::podofo {
namespace {
thread_local const Deadline* current = nullptr;
}  // namespace

InflateBudget::InflateBudget(const Deadline* deadline) : previous_(current) {
    current = deadline != nullptr && deadline->limited() ? deadline : nullptr;
}

InflateBudget::~InflateBudget() { current = previous_; }

}  // namespace preflight::pdf::podofo

// zlib's inflate(), with the budget of the calling thread asked first (every 16th
// call: PoDoFo inflates 4 KiB at a time). The stream is ended before throwing; any
// later call on it (preflight's own inflating code, pdf/xref.cpp, ends its stream in a
// destructor) is answered Z_STREAM_ERROR by zlib.
extern "C" int inflate(z_streamp strm, int flush) {
    using Inflate = int (*)(z_streamp, int);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): dlsym's result is the function
    static const auto real = reinterpret_cast<Inflate>(::dlsym(RTLD_NEXT, "inflate"));
    if (const preflight::Deadline* d = preflight::pdf::podofo::current; d != nullptr && d->expired_every(16)) {
        // PoDoFo's filter gives up without ending its stream: end it here (zlib's own
        // inflateEnd(), which answers Z_STREAM_ERROR, harmlessly, to a second end).
        ::inflateEnd(strm);
        preflight::pdf::podofo::throw_out_of_time();
    }
    if (real == nullptr) {
        return Z_STREAM_ERROR;
    }
    return real(strm, flush);
}
