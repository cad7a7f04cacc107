// detail::scan_content(): one pass over a PDF's content streams, for the personal
// identifiers in its text and where each page's content is drawn.
#include "base/idscan.hpp"
#include "pdf/detail.hpp"
#include "pdf/text.hpp"

#include <new>
#include <set>
#include <string>
#include <utility>

namespace preflight::pdf::detail {

namespace {

void scan(const std::filesystem::path& file, Info& info, const AnalyzeOptions& options, const TextLimits& limits) {
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
        if (options.find_person_ids) {
            for (ident::IdMatch& m : ident::find_person_ids(page.text)) {
                if (info.person_ids.size() < max_person_id_hits && seen.emplace(page.page, m.id).second) {
                    info.person_ids.push_back(PersonIdHit{page.page, std::move(m.id)});
                }
            }
        }
        if (options.find_content_boxes && page.content) {
            info.content_boxes.push_back(PageContent{page.page, *page.content});
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

void scan_content(const std::filesystem::path& file, Info& info, const AnalyzeOptions& options,
                  const TextLimits& limits) {
    info.person_ids.clear();
    info.content_boxes.clear();
    info.text_scan_detail.clear();
    try {
        TextLimits wanted = limits;
        wanted.collect_text = options.find_person_ids;
        scan(file, info, options, wanted);
    } catch (const std::bad_alloc&) {
        info.text_scan = TextScan::failed;
        info.text_scan_detail = "out of memory";
        info.person_ids.clear();
        info.content_boxes.clear();
    }
}

void scan_person_ids(const std::filesystem::path& file, Info& info, const TextLimits& limits) {
    scan_content(file, info, AnalyzeOptions{.find_person_ids = true}, limits);
}

}  // namespace preflight::pdf::detail
