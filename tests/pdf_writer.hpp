// A small PDF writer for tests: pages with their own content streams, boxes and
// /Rotate, a standard-14 font (/F1 Helvetica), a 1x1 image (/Im1) and a form
// XObject (/Fm1, a 100 x 100 square drawn at its origin, /BBox [0 0 100 100]) in
// every page's resources. Offsets and the cross-reference table are computed, so
// the files are valid without repair.
#pragma once

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace preflight::testing {

// A PDF of `objects` (object 1 is the catalogue, numbered in order), with a correct
// cross-reference table; `trailer_extra` goes into the trailer after /Root.
inline std::string objects_pdf(const std::vector<std::string>& objects, const std::string& version = "1.4",
                               const std::string& trailer_extra = "") {
    std::string out = "%PDF-" + version + "\n%\xe2\xe3\xcf\xd3\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(out.size());
        out += fmt::format("{} 0 obj\n{}\nendobj\n", i + 1, objects[i]);
    }
    const std::size_t xref = out.size();
    out += fmt::format("xref\n0 {}\n0000000000 65535 f \n", objects.size() + 1);
    for (const std::size_t o : offsets) {
        out += fmt::format("{:010} 00000 n \n", o);
    }
    out += fmt::format("trailer\n<< /Size {} /Root 1 0 R{} >>\nstartxref\n{}\n%%EOF\n", objects.size() + 1,
                       trailer_extra, xref);
    return out;
}

struct TestPage {
    std::string media = "0 0 595.276 841.89";  // A4 portrait
    std::optional<std::string> crop;
    int rotate = 0;
    std::string content;
    std::string annots;  // e.g. "[8 0 R]": raw /Annots value (objects via TestPdf::extra)
};

struct TestPdf {
    explicit TestPdf(std::vector<TestPage> pages_, std::vector<std::string> extra_ = {}, std::string info_ = {})
        : pages(std::move(pages_)), extra(std::move(extra_)), info(std::move(info_)) {}

    std::vector<TestPage> pages;
    std::vector<std::string> extra;  // more objects, numbered from 6 on (before the pages' own)
    std::string info;                // raw /Info dictionary, e.g. "<< /Title (Slides) >>"
    std::string version = "1.4";     // the header's
    std::vector<int> order;          // /Kids as indexes into pages (one may repeat); empty: each once
    std::string resources_extra;     // more entries for every page's /Resources, e.g. "/ColorSpace << ... >>"

    [[nodiscard]] std::string bytes() const {
        std::vector<std::string> objects(5);
        const std::size_t first_page = 6 + extra.size() + (info.empty() ? 0 : 1);
        std::string kids;
        std::size_t count = 0;
        for (std::size_t i = 0; i < pages.size(); ++i) {
            if (order.empty()) {
                kids += fmt::format("{} 0 R ", first_page + 2 * i);
                ++count;
            }
        }
        for (const int i : order) {
            kids += fmt::format("{} 0 R ", first_page + 2 * static_cast<std::size_t>(i));
            ++count;
        }
        objects[0] = "<< /Type /Catalog /Pages 2 0 R >>";
        objects[1] = fmt::format("<< /Type /Pages /Kids [{}] /Count {} >>", kids, count);
        objects[2] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
        objects[3] =
            "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
            "/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream";
        const std::string form = "0 0 100 100 re f";
        objects[4] =
            fmt::format("<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] /Length {} >>\nstream\n{}\nendstream",
                        form.size(), form);
        for (const std::string& e : extra) {
            objects.push_back(e);
        }
        if (!info.empty()) {
            objects.push_back(info);
        }
        const std::string resources =
            "<< /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R /Fm1 5 0 R >> " + resources_extra + " >>";
        for (std::size_t i = 0; i < pages.size(); ++i) {
            const TestPage& p = pages[i];
            std::string dict = fmt::format("<< /Type /Page /Parent 2 0 R /MediaBox [{}] /Resources {} /Contents {} 0 R",
                                           p.media, resources, first_page + 2 * i + 1);
            if (p.crop) {
                dict += fmt::format(" /CropBox [{}]", *p.crop);
            }
            if (p.rotate != 0) {
                dict += fmt::format(" /Rotate {}", p.rotate);
            }
            if (!p.annots.empty()) {
                dict += " /Annots " + p.annots;
            }
            objects.push_back(dict + " >>");
            objects.push_back(fmt::format("<< /Length {} >>\nstream\n{}\nendstream", p.content.size(), p.content));
        }
        return objects_pdf(objects, version, info.empty() ? "" : fmt::format(" /Info {} 0 R", first_page - 1));
    }

    void write(const std::filesystem::path& path) const { std::ofstream(path, std::ios::binary) << bytes(); }
};

// Points for `mm` millimetres.
inline double pt(double mm) { return mm * 72.0 / 25.4; }

}  // namespace preflight::testing
