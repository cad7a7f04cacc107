// pdf::extract_text(): the text of every page, decoded to UTF-8.
//
// The content pass (pdf/content.cpp) runs the page's content streams; the text
// of the glyphs it shows is put together here (TextWriter, pdf/text_writer.hpp),
// their geometry measured in pdf/content_box.cpp. Fonts: pdf/fonts.hpp. Streams:
// pdf/objects.hpp.
#include "pdf/text.hpp"

#include "base/error.hpp"
#include "pdf/content.hpp"
#include "pdf/detail.hpp"
#include "pdf/inflate_budget.hpp"
#include "pdf/objects.hpp"
#include "pdf/podofo_io.hpp"
#include "pdf/raw.hpp"
#include "pdf/text_writer.hpp"

#include <podofo/podofo.h>

#include <algorithm>
#include <cmath>
#include <new>
#include <string>
#include <string_view>
#include <vector>

namespace preflight::pdf {

bool TextExtraction::complete() const {
    return error.empty() && !truncated &&
           std::all_of(pages.begin(), pages.end(), [](const PageText& p) { return p.error.empty(); });
}

namespace content {

void TextWriter::begin_page(std::string& out, int number) {
    text_ = &out;
    page_ = number;
    cursor_ = {};
    pending_ = {};
}

void TextWriter::shown(const Matrix& end, double size, bool widths_known) {
    const double len = std::hypot(end.a, end.b);
    cursor_.have = true;
    cursor_.x = end.e;
    cursor_.y = end.f;
    cursor_.dir_x = len > 0 ? end.a / len : 1;
    cursor_.dir_y = len > 0 ? end.b / len : 0;
    cursor_.em = std::fabs(size) * std::sqrt(std::fabs(end.a * end.d - end.b * end.c));
    cursor_.widths_known = widths_known;
}

void TextWriter::lines(const std::vector<std::string>& texts) {
    for (const std::string& text : texts) {
        if (text.empty()) {
            continue;
        }
        pending_ = {};
        if (!text_->empty() && text_->back() != '\n') {
            append("\n");
        }
        append(text);
    }
    pending_ = Pending{};
    pending_.newline = true;
    cursor_.have = false;
}

// Decides the separator before a glyph (`next`) that starts at trm's origin.
void TextWriter::separate(const Matrix& trm, bool widths_known, std::string_view next) {
    char sep = 0;
    if (pending_.newline) {
        sep = '\n';
    } else if (pending_.check && cursor_.have) {
        const double dx = trm.e - cursor_.x;
        const double dy = trm.f - cursor_.y;
        const double along = dx * cursor_.dir_x + dy * cursor_.dir_y;
        const double across = -dx * cursor_.dir_y + dy * cursor_.dir_x;
        const double em = cursor_.em > 0 ? cursor_.em : 1;
        if (!std::isfinite(along) || !std::isfinite(across) || std::fabs(across) > 0.5 * em) {
            sep = '\n';
        } else if (!widths_known || !cursor_.widths_known) {
            sep = pending_.boundary ? '\n' : 0;
        } else if (along > 0.15 * em || along < -0.5 * em) {
            sep = ' ';
        }
    }
    if (sep == 0 && pending_.space) {
        sep = ' ';
    }
    if (sep == ' ' && next.starts_with(' ')) {
        sep = 0;  // the text brings its own space
    }
    pending_ = {};
    if (sep == 0 || text_->empty()) {
        return;
    }
    if (sep == '\n') {
        while (!text_->empty() && text_->back() == ' ') {
            text_->pop_back();
        }
        if (!text_->empty() && text_->back() != '\n') {
            append("\n");
        }
    } else if (text_->back() != ' ' && text_->back() != '\n') {
        append(" ");
    }
}

void TextWriter::append(std::string_view s) {
    total_ += s.size();
    if (total_ > max_bytes_) {
        throw Stop{"text limit of " + mib(max_bytes_) + " reached on page " + std::to_string(page_)};
    }
    text_->append(s);
}

}  // namespace content

namespace {

using PoDoFo::PdfError;
using PoDoFo::PdfVecObjects;

void extract(std::string_view pdf, const TextLimits& limits, TextExtraction& out) {
    const podofo::InflateBudget inflate_budget(&limits.deadline);
    if (const std::string risk = raw::encryption_crash_risk(pdf); !risk.empty()) {
        out.error = "InvalidEncryptionDict: " + risk;  // PoDoFo would crash on it
        return;
    }
    PdfVecObjects objects;        // must outlive the parser and everything read through it
    objects.SetAutoDelete(true);  // PoDoFo 0.9.8 defaults to false: every parsed object leaked
    PoDoFo::PdfParser parser(&objects);
    parser.SetStrictParsing(false);
    const PoDoFo::PdfRefCountedInputDevice device(new podofo::MemoryDevice(pdf.data(), pdf.size(), &limits.deadline));
    try {
        parser.ParseFile(device, true);
    } catch (const PdfError& e) {
        if ((parser.GetEncrypted() || raw::trailer_mentions_encrypt(pdf)) &&
            podofo::is_encryption_error(e.GetError())) {
            out.needs_password = true;
            out.error = "encrypted: needs a password";
        } else {
            out.error = podofo::error_name(e);
        }
        return;
    }
    const content::Objects access(objects, pdf, parser.GetEncrypted());
    try {
        content::read_pages(access, parser.GetTrailer(), limits, out);
    } catch (const content::Stop& stop) {
        out.truncated = true;
        out.truncated_why = stop.why;
    } catch (const PdfError& e) {
        out.truncated = true;  // outside any page: the page tree itself
        out.truncated_why = "page tree: " + podofo::error_name(e);
    }
}

// The budget ran out where PoDoFo swallowed its error, or where it ended the pass:
// say so instead of what it looked like (a broken object, an unreadable page).
void out_of_time(const TextLimits& limits, TextExtraction& out) {
    const std::string budget = std::to_string(limits.deadline.budget().count());
    if (out.pages.empty()) {
        out.error = phrase("pdf.budget-content-start", {{"milliseconds", budget}});
        out.truncated = false;
        out.truncated_why.clear();
        return;
    }
    out.error.clear();
    out.truncated = true;
    if (out.truncated_why.find("pdf.budget-content") == std::string::npos) {
        out.truncated_why =
            phrase("pdf.budget-content", {{"milliseconds", budget}, {"page", std::to_string(out.pages.size())}});
    }
}

}  // namespace

TextExtraction extract_text(const std::filesystem::path& file, const TextLimits& limits) {
    TextExtraction out;
    try {
        detail::initialise();
        const raw::MappedFile map(file);
        if (!map.ok()) {
            out.error = map.error();
            return out;
        }
        const std::string_view bytes = map.bytes();
        const auto header = raw::find_header(bytes);
        if (!header) {
            out.error = "no %PDF- header";
            return out;
        }
        const std::string_view pdf = bytes.substr(*header);
        const auto eof = raw::find_last_eof_end(pdf);
        if (!eof) {
            out.error = "NoEOFToken";
            return out;
        }
        extract(pdf.substr(0, *eof), limits, out);
    } catch (const PdfError& e) {
        out.truncated = true;
        out.truncated_why = podofo::error_name(e);
    } catch (const std::bad_alloc&) {
        out.truncated = true;
        out.truncated_why = "out of memory";
    } catch (const std::exception& e) {
        out.truncated = true;
        out.truncated_why = e.what();
    }
    if (limits.deadline.ran_out()) {
        out_of_time(limits, out);
    }
    return out;
}

}  // namespace preflight::pdf
