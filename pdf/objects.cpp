// See pdf/objects.hpp.
#include "pdf/objects.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

namespace preflight::pdf::content {
namespace {

using PoDoFo::PdfError;

// A PdfOutputStream that keeps at most `cap` bytes and then throws.
class CappedOutput final : public PoDoFo::PdfOutputStream {
public:
    CappedOutput(std::string& out, std::size_t cap) : out_(out), cap_(cap) {}
    PoDoFo::pdf_long Write(const char* buffer, PoDoFo::pdf_long len) override {
        const auto n = static_cast<std::size_t>(std::max<PoDoFo::pdf_long>(len, 0));
        if (out_.size() + n > cap_) {
            out_.append(buffer, cap_ - out_.size());
            exceeded_ = true;
            throw PdfError(PoDoFo::ePdfError_ValueOutOfRange, __FILE__, __LINE__, "stream cap");
        }
        out_.append(buffer, n);
        return len;
    }
    void Close() override {}
    [[nodiscard]] bool exceeded() const { return exceeded_; }

private:
    std::string& out_;
    std::size_t cap_;
    bool exceeded_ = false;
};

}  // namespace

std::string Objects::decode(const PdfObject* stream, std::size_t cap, bool& capped) const {
    std::string out;
    capped = false;
    if (stream == nullptr || !stream->HasStream()) {
        return out;
    }
    std::string_view raw;
    const bool have_raw = !encrypted_ && raw_stream(stream, raw);
    bool use_raw = false;
    if (have_raw) {
        const PoDoFo::pdf_long used = stream->GetStream()->GetLength();
        use_raw = used >= 0 && raw.size() > static_cast<std::size_t>(used) + 2;
    }
    CappedOutput sink(out, cap);
    try {
        if (use_raw) {
            decode_raw(stream, raw, sink);
        } else {
            stream->GetStream()->GetFilteredCopy(&sink);
        }
    } catch (const PdfError&) {
        if (sink.exceeded()) {
            capped = true;
            return out;
        }
        if (use_raw || !have_raw) {
            throw;
        }
        out.clear();
        CappedOutput again(out, cap);
        try {
            decode_raw(stream, raw, again);
        } catch (const PdfError&) {
            if (!again.exceeded()) {
                throw;
            }
            capped = true;
        }
    }
    return out;
}

bool Objects::raw_stream(const PdfObject* o, std::string_view& raw) const {
    const auto* parsed = dynamic_cast<const PoDoFo::PdfParserObject*>(o);
    if (parsed == nullptr || parsed->GetOffset() < 0 ||
        static_cast<std::uint64_t>(parsed->GetOffset()) >= pdf_.size()) {
        return false;
    }
    const auto offset = static_cast<std::size_t>(parsed->GetOffset());
    std::size_t start = pdf_.find("stream", offset);
    const std::size_t endobj = pdf_.find("endobj", offset);
    if (start == std::string_view::npos || (endobj != std::string_view::npos && endobj < start)) {
        return false;
    }
    start += 6;
    if (start < pdf_.size() && pdf_[start] == '\r') {
        ++start;
    }
    if (start < pdf_.size() && pdf_[start] == '\n') {
        ++start;
    }
    std::size_t end = pdf_.find("endstream", start);
    if (end == std::string_view::npos) {
        return false;
    }
    if (end > start && pdf_[end - 1] == '\n') {
        --end;
    }
    if (end > start && pdf_[end - 1] == '\r') {
        --end;
    }
    raw = pdf_.substr(start, end - start);
    return true;
}

void Objects::decode_raw(const PdfObject* stream, std::string_view raw, PoDoFo::PdfOutputStream& sink) {
    const PoDoFo::TVecFilters filters = PoDoFo::PdfFilterFactory::CreateFilterList(stream);
    if (filters.empty()) {
        sink.Write(raw.data(), static_cast<PoDoFo::pdf_long>(raw.size()));
        return;
    }
    const std::unique_ptr<PoDoFo::PdfOutputStream> decoder(
        PoDoFo::PdfFilterFactory::CreateDecodeStream(filters, &sink, &stream->GetDictionary()));
    decoder->Write(raw.data(), static_cast<PoDoFo::pdf_long>(raw.size()));
    decoder->Close();
}

const PdfName& key(std::string_view k) {
    static std::mutex mutex;
    static std::map<std::string, PdfName, std::less<>> names;
    const std::lock_guard lock(mutex);
    auto it = names.find(k);
    if (it == names.end()) {
        it = names.emplace(std::string(k), PdfName(std::string(k))).first;
    }
    return it->second;
}

}  // namespace preflight::pdf::content
