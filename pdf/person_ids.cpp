// detail::scan_person_ids(): the text of a PDF, scanned for personal identifiers.
#include "pdf/detail.hpp"
#include "pdf/text.hpp"
#include "validator/idscan.hpp"

#include <new>
#include <set>
#include <string>
#include <utility>

namespace preflight::pdf::detail {

namespace {

void scan(const std::filesystem::path& file, Info& info, const TextLimits& limits) {
    const TextExtraction text = extract_text(file, limits);
    if (!text.error.empty()) {
        info.text_scan = TextScan::failed;
        info.text_scan_detail = text.error;
        return;
    }
    std::set<std::pair<int, std::string>> seen;
    const PageText* first_bad = nullptr;
    int bad = 0;
    for (const PageText& page : text.pages) {
        if (!page.error.empty()) {
            ++bad;
            first_bad = first_bad == nullptr ? &page : first_bad;
        }
        for (ident::IdMatch& m : ident::find_person_ids(page.text)) {
            if (info.person_ids.size() < max_person_id_hits && seen.emplace(page.page, m.id).second) {
                info.person_ids.push_back(PersonIdHit{page.page, std::move(m.id)});
            }
        }
    }
    info.text_scan = text.truncated || bad > 0 ? TextScan::partial : TextScan::complete;
    if (text.truncated) {
        info.text_scan_detail = text.truncated_why;
    }
    if (first_bad != nullptr) {
        std::string pages = std::to_string(bad) + " of " + std::to_string(text.pages.size()) +
                            " pages incomplete; page " + std::to_string(first_bad->page) + ": " + first_bad->error;
        info.text_scan_detail = info.text_scan_detail.empty() ? pages : info.text_scan_detail + "; " + pages;
    }
}

}  // namespace

void scan_person_ids(const std::filesystem::path& file, Info& info, const TextLimits& limits) {
    info.person_ids.clear();
    info.text_scan_detail.clear();
    try {
        scan(file, info, limits);
    } catch (const std::bad_alloc&) {
        info.text_scan = TextScan::failed;
        info.text_scan_detail = "out of memory";
    }
}

}  // namespace preflight::pdf::detail
