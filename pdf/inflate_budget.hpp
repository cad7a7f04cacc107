// The time budget inside zlib's inflate(): PoDoFo inflates whole streams (every
// object stream at load, a content stream at a time) without reading its input
// device in between, so a decompression bomb would outlast the budget there.
// inflate() is defined here and calls zlib's own (dlsym RTLD_NEXT): the dynamic
// linker binds PoDoFo's calls, and this program's, to this definition. While an
// InflateBudget is alive, every inflate() call of its thread first asks the
// deadline and throws (podofo::throw_out_of_time(), a PdfError) once it has run
// out; otherwise the call goes straight through. Internal to pdf/.
#pragma once

#include "base/deadline.hpp"

namespace preflight::pdf::podofo {

class InflateBudget {
public:
    explicit InflateBudget(const Deadline* deadline);
    ~InflateBudget();
    InflateBudget(const InflateBudget&) = delete;
    InflateBudget& operator=(const InflateBudget&) = delete;
    InflateBudget(InflateBudget&&) = delete;
    InflateBudget& operator=(InflateBudget&&) = delete;

private:
    const Deadline* previous_;
};

}  // namespace preflight::pdf::podofo
