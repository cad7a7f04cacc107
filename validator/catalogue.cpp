#include "validator/catalogue.hpp"

#include "base/error.hpp"

#include <fmt/args.h>
#include <fmt/format.h>

#include <stdexcept>
#include <unordered_map>

namespace preflight::catalogue {
namespace {

// Ids: "<code>.<variant>" for a finding's message, "<code>.<variant>.remedy" for its
// remedy, "<code>.summary" and "<code>.severity" for `preflight checks`,
// "error.*" for usage errors, "ui.*" for the renderers and the command line.
constexpr Entry kEntries[] = {
    // ---- DP101 name-length
    {"DP101.summary", "Dokumentnavn over grensen for DPI (96 tegn) eller signering (80 tegn)",
     "Document name over the DPI limit (96 characters) or the signing limit (80)"},
    {"DP101.severity",
     "blokkerer når brevet går gjennom DPI (digitalt eller på papir, eller til en person med ukjent rute) og for "
     "signering; ellers advarsel",
     "block where the letter goes through DPI (digital or print, or a person's unknown route) and for signing; warn "
     "otherwise"},
    {"DP101.too-long", "Dokumentnavnet «{name}» har {count} tegn; grensen er {limit} ({over} for mye)",
     "The document name \"{name}\" has {count} characters; the limit is {limit} ({over} too many)"},
    {"DP101.too-long.remedy",
     "Kort ned dokumentnavnet i arkivsystemet (helst i ephorte, så tittelen flettes riktig) før brevet ekspederes. "
     "Ellers blir det stående som «sendt» og feiler etter et døgn.",
     "Shorten the document name in the archive system (preferably in ephorte, so the title is merged correctly) before "
     "sending. Otherwise the letter stays \"sent\" and fails about a day later."},
    {"DP101.too-long-other",
     "Dokumentnavnet «{name}» har {count} tegn, over DPIs grense på {limit}; dette brevet går til en virksomhets "
     "arkiv gjennom eFormidling (DPO), KS SvarUt (DPF) eller Altinn (DPV), som tar lengre navn",
     "The document name \"{name}\" has {count} characters, over DPI's limit of {limit}; this letter goes to an "
     "organisation's archive through eFormidling (DPO), KS SvarUt (DPF) or Altinn (DPV), which take longer names"},
    {"DP101.too-long-other.remedy",
     "Brevet går fram. Kort likevel ned navnet hvis det også skal sendes til en person: da stopper det på DPIs "
     "grense.",
     "The letter gets through. Shorten the name anyway if it is also to be sent to a person: there DPI's limit stops "
     "it."},
    {"DP101.too-long-signing",
     "Dokumentnavnet «{name}» har {count} tegn; et signeringsoppdrag tillater {limit} ({over} for mye)",
     "The document name \"{name}\" has {count} characters; a signing job allows {limit} ({over} too many)"},
    {"DP101.too-long-signing.remedy", "Kort ned dokumentnavnet til høyst {limit} tegn før signeringsoppdraget sendes.",
     "Shorten the document name to at most {limit} characters before sending the signing job."},
    {"DP101.bytes",
     "Dokumentnavnet «{name}» har {count} tegn, men {bytes} byte i UTF-8 (grense {limit}); det er ikke dokumentert om "
     "grensen teller tegn eller byte",
     "The document name \"{name}\" has {count} characters but {bytes} UTF-8 bytes (limit {limit}); whether the limit "
     "counts characters or bytes is not documented"},
    {"DP101.bytes.remedy", "Kort ned navnet litt for å være trygg: æ, ø og å tar to byte hver.",
     "Shorten the name a little to be safe: æ, ø and å take two bytes each."},

    // ---- DP102 name-characters
    {"DP102.summary", "Navn eller filnavn med ugyldig UTF-8, kontrolltegn eller stitegn",
     "Name or file name with invalid UTF-8, control characters or path characters"},
    {"DP102.severity", "blokkerer ved ugyldig UTF-8; ellers advarsel", "block if invalid UTF-8; warn otherwise"},
    {"DP102.invalid-name", "Dokumentnavnet «{value}» er ikke gyldig UTF-8",
     "The document name \"{value}\" is not valid UTF-8"},
    {"DP102.invalid-name.remedy", "Skriv inn dokumentnavnet på nytt i arkivsystemet.",
     "Type the document name again in the archive system."},
    {"DP102.invalid-file", "Filnavnet «{value}» er ikke gyldig UTF-8", "The file name \"{value}\" is not valid UTF-8"},
    {"DP102.invalid-file.remedy", "Gi filen et nytt navn med vanlige bokstaver før den lastes opp.",
     "Rename the file with ordinary letters before uploading it."},
    {"DP102.bad-char-name", "Dokumentnavnet «{value}» inneholder tegn som ikke hører hjemme i et navn: {char}",
     "The document name \"{value}\" contains characters that do not belong in a name: {char}"},
    {"DP102.bad-char-name.remedy", "Fjern eller bytt ut disse tegnene i dokumentnavnet: {char}",
     "Remove or replace these characters in the document name: {char}"},
    {"DP102.bad-char-file", "Filnavnet «{value}» inneholder tegn som ikke hører hjemme i et filnavn: {char}",
     "The file name \"{value}\" contains characters that do not belong in a file name: {char}"},
    {"DP102.bad-char-file.remedy", "Gi filen et navn uten disse tegnene: {char}",
     "Rename the file without these characters: {char}"},

    // ---- DP103 title-length
    {"DP103.summary", "Journalposttittel over 255 tegn (DPI) eller 80 tegn (signering)",
     "Journal post title over 255 characters (DPI) or 80 (signing)"},
    {"DP103.severity", "blokkerer", "block"},
    {"DP103.too-long", "Journalpostens tittel har {count} tegn; digital post tillater {limit}",
     "The journal post title has {count} characters; digital post allows {limit}"},
    {"DP103.too-long.remedy", "Kort ned tittelen på journalposten til høyst {limit} tegn.",
     "Shorten the journal post title to at most {limit} characters."},
    {"DP103.too-long-signing", "Journalpostens tittel har {count} tegn; et signeringsoppdrag tillater {limit}",
     "The journal post title has {count} characters; a signing job allows {limit}"},
    {"DP103.too-long-signing.remedy", "Kort ned tittelen til høyst {limit} tegn før signeringsoppdraget sendes.",
     "Shorten the title to at most {limit} characters before sending the signing job."},

    // ---- DP201 total-size
    {"DP201.summary", "Samlet størrelse over grensen for kanalen (DPI 50 MiB, DPV 250 MiB, DPO/DPF 1 GiB)",
     "Total size over the channel limit (DPI 50 MiB, DPV 250 MiB, DPO/DPF 1 GiB)"},
    {"DP201.severity", "blokkerer over grensen; advarsel fra 90 %", "block over the limit; warn from 90 %"},
    {"DP201.over", "Dokumentene er til sammen {total}; grensen for {channel} er {limit} ({percent} %)",
     "The documents total {total}; the {channel} limit is {limit} ({percent} %)"},
    {"DP201.over.remedy",
     "Gjør vedleggene mindre (komprimer bilder, lagre PDF med redusert størrelse) eller del forsendelsen i flere "
     "journalposter.",
     "Make the attachments smaller (compress images, save the PDF at a reduced size) or split the letter into several "
     "journal posts."},
    {"DP201.near", "Dokumentene er til sammen {total}, {percent} % av grensen for {channel} ({limit})",
     "The documents total {total}, {percent} % of the {channel} limit ({limit})"},
    {"DP201.near.remedy", "Brevet går gjennom, men har liten margin: unngå å legge til flere vedlegg.",
     "The letter will go through, but with little margin: avoid adding more attachments."},

    // ---- DP202 signing-document-size
    {"DP202.summary", "Signeringsdokument, eller oppdraget samlet, over 3 MiB",
     "Signing document, or the signing job in total, over 3 MiB"},
    {"DP202.severity", "blokkerer", "block"},
    {"DP202.document", "Dokumentet er {size}; et signeringsdokument kan være høyst {limit}",
     "The document is {size}; a signing document may be at most {limit}"},
    {"DP202.document.remedy", "Reduser filstørrelsen (komprimer bilder, fjern unødvendige sider) før signering.",
     "Reduce the file size (compress images, drop needless pages) before signing."},
    {"DP202.total", "De {count} dokumentene i signeringsoppdraget er til sammen {total}; grensen er {limit}",
     "The {count} documents of the signing job total {total}; the limit is {limit}"},
    {"DP202.total.remedy", "Del signeringsoppdraget i flere, eller gjør dokumentene mindre.",
     "Split the signing job into several, or make the documents smaller."},

    // ---- DP203 signing-job-shape
    {"DP203.summary", "Signeringsoppdrag uten 1–20 dokumenter eller med over 10 signatarer",
     "Signing job without 1–20 documents or with over 10 signers"},
    {"DP203.severity", "blokkerer", "block"},
    {"DP203.documents", "Signeringsoppdraget har {count} dokumenter; det må ha mellom 1 og {max}",
     "The signing job has {count} documents; it needs between 1 and {max}"},
    {"DP203.documents.remedy", "Legg til dokumentet som skal signeres, eller del oppdraget i flere.",
     "Add the document to be signed, or split the job into several."},
    {"DP203.signers", "Signeringsoppdraget har {count} signatarer; høyst {max} er tillatt",
     "The signing job has {count} signers; at most {max} are allowed"},
    {"DP203.signers.remedy", "Del signatarene på flere signeringsoppdrag.",
     "Spread the signers over several signing jobs."},

    // ---- DP204 upload-file-size
    {"DP204.summary", "En fil over integrasjonspunktets grense per fil på ruten den sendes med (multipart: 5 MiB)",
     "A file over the integrasjonspunkt's per-file limit on the route it is sent by (multipart: 5 MiB)"},
    {"DP204.severity", "blokkerer i portens multipart-rute; informasjon på kommandolinjen",
     "block in the gate's multipart route; info on the command line"},
    {"DP204.multipart",
     "Filen er {bytes}; integrasjonspunktet tar ikke imot filer over {limit} i én multipart-forsendelse og avviser "
     "hele brevet",
     "The file is {bytes}; the integrasjonspunkt takes no file over {limit} in a multipart message and refuses the "
     "whole letter"},
    {"DP204.multipart.remedy",
     "Send brevet med opplasting fil for fil (ikke multipart), eller gjør filen mindre (for eksempel ved å lagre "
     "PDF-en med komprimerte bilder).",
     "Send the letter with one upload per file (not multipart), or make the file smaller (for example by saving the "
     "PDF with compressed images)."},
    {"DP204.if-multipart",
     "Filen er {bytes}: sendes brevet som multipart, avviser integrasjonspunktet den (grense {limit} per fil)",
     "The file is {bytes}: if the letter is sent as multipart, the integrasjonspunkt refuses it (limit {limit} per "
     "file)"},
    {"DP204.if-multipart.remedy",
     "Ingenting å gjøre hvis arkivsystemet laster opp fil for fil; ellers gjør filen mindre enn grensen.",
     "Nothing to do if the archive system uploads one file at a time; otherwise make the file smaller than the "
     "limit."},
    // ---- DP301 page-format
    {"DP301.summary", "Side som ikke er stående A4 (utskrift krever det)",
     "A page that is not portrait A4 (print requires it)"},
    {"DP301.severity", "blokkerer når brevet kan gå til utskrift (liggende A4: advarsel); ellers info",
     "block when print-bound (landscape A4: warn); info otherwise"},
    {"DP301.size", "Side {page} er {width} × {height} mm; utskrift krever stående A4, 210 × 297 mm (± {tolerance} mm)",
     "Page {page} is {width} × {height} mm; print requires portrait A4, 210 × 297 mm (± {tolerance} mm)"},
    {"DP301.size.remedy",
     "Lagre dokumentet på nytt som PDF i stående A4, eller lag en utskriftsklar kopi i A4 med «preflight fix».",
     "Save the document again as PDF in portrait A4, or make a print-ready A4 copy with \"preflight fix\"."},
    {"DP301.size-pages",
     "Sidene {pages} er {width} × {height} mm; utskrift krever stående A4, 210 × 297 mm (± {tolerance} mm)",
     "Pages {pages} are {width} × {height} mm; print requires portrait A4, 210 × 297 mm (± {tolerance} mm)"},
    {"DP301.size-pages.remedy",
     "Lagre dokumentet på nytt som PDF i stående A4, eller lag en utskriftsklar kopi i A4 med «preflight fix».",
     "Save the document again as PDF in portrait A4, or make a print-ready A4 copy with \"preflight fix\"."},
    // The remedy of a page by its size (checks/page_format.cpp picks it).
    {"DP301.slides.remedy",
     "Dette er lysbilder. Skriv dem ut til PDF som støtteark (flere lysbilder på hver stående A4-side), eller lag en "
     "kopi med to lysbilder per A4-side med «preflight fix --two-up».",
     "These are slides. Print them to PDF as handouts (several slides on each portrait A4 page), or make a copy with "
     "two slides on each A4 page with \"preflight fix --two-up\"."},
    {"DP301.letter.remedy",
     "Siden er i amerikansk Letter-format. Velg A4 som papirstørrelse og lagre PDF-en på nytt, eller skaler sidene "
     "til A4 med «preflight fix».",
     "The page is US Letter. Choose A4 as the paper size and save the PDF again, or scale the pages to A4 with "
     "\"preflight fix\"."},
    {"DP301.larger.remedy",
     "Siden er større enn A4 (for eksempel A3). Skaler sidene ned til A4 med «preflight fix», eller lagre dokumentet "
     "på nytt som PDF i stående A4.",
     "The page is larger than A4 (A3, say). Scale the pages down to A4 with \"preflight fix\", or save the document "
     "again as PDF in portrait A4."},
    {"DP301.landscape", "Side {page} er liggende A4 ({width} × {height} mm); utskrift skjer på stående A4",
     "Page {page} is landscape A4 ({width} × {height} mm); print uses portrait A4"},
    {"DP301.landscape.remedy",
     "Snu siden til stående med «preflight fix» (det lager en utskriftsklar kopi), eller kontroller at innholdet tåler "
     "å bli snudd ved utskrift.",
     "Turn the page to portrait with \"preflight fix\" (it makes a print-ready copy), or make sure the content "
     "survives being turned for print."},
    {"DP301.landscape-pages", "Sidene {pages} er liggende A4 ({width} × {height} mm); utskrift skjer på stående A4",
     "Pages {pages} are landscape A4 ({width} × {height} mm); print uses portrait A4"},
    {"DP301.landscape-pages.remedy",
     "Snu sidene til stående med «preflight fix» (det lager en utskriftsklar kopi), eller kontroller at innholdet "
     "tåler å bli snudd ved utskrift.",
     "Turn the pages to portrait with \"preflight fix\" (it makes a print-ready copy), or make sure the content "
     "survives being turned for print."},
    // DP301 for Word documents and templates (sections of word/document.xml).
    {"DP301.docx-size",
     "Seksjon {section} har sidestørrelse {width} × {height} mm; utskrift krever stående A4, 210 × 297 mm (± "
     "{tolerance} mm)",
     "Section {section} has page size {width} × {height} mm; print requires portrait A4, 210 × 297 mm (± "
     "{tolerance} mm)"},
    {"DP301.docx-size.remedy",
     "Sett papirstørrelsen til A4 og retningen til stående for seksjonen (Word: Oppsett > Størrelse > A4), og lagre "
     "malen på nytt.",
     "Set the section's paper size to A4 and its orientation to portrait (Word: Layout > Size > A4), and save the "
     "template again."},
    {"DP301.docx-size-sections",
     "Seksjonene {sections} har sidestørrelse {width} × {height} mm; utskrift krever stående A4, 210 × 297 mm (± "
     "{tolerance} mm)",
     "Sections {sections} have page size {width} × {height} mm; print requires portrait A4, 210 × 297 mm (± "
     "{tolerance} mm)"},
    {"DP301.docx-size-sections.remedy",
     "Sett papirstørrelsen til A4 og retningen til stående i hver seksjon (Word: Oppsett > Størrelse > A4, «Bruk på: "
     "hele dokumentet»), og lagre malen på nytt.",
     "Set the paper size to A4 and the orientation to portrait in every section (Word: Layout > Size > A4, \"Apply "
     "to: whole document\"), and save the template again."},
    {"DP301.docx-landscape", "Seksjon {section} er liggende A4 ({width} × {height} mm); utskrift skjer på stående A4",
     "Section {section} is landscape A4 ({width} × {height} mm); print uses portrait A4"},
    {"DP301.docx-landscape.remedy",
     "Sett seksjonen til stående retning, eller kontroller at innholdet tåler å bli rotert ved utskrift.",
     "Set the section to portrait, or make sure its content survives being rotated for print."},
    {"DP301.docx-landscape-sections",
     "Seksjonene {sections} er liggende A4 ({width} × {height} mm); utskrift skjer på stående A4",
     "Sections {sections} are landscape A4 ({width} × {height} mm); print uses portrait A4"},
    {"DP301.docx-landscape-sections.remedy",
     "Sett seksjonene til stående retning, eller kontroller at innholdet tåler å bli rotert ved utskrift.",
     "Set the sections to portrait, or make sure their content survives being rotated for print."},
    {"DP301.docx-orient",
     "Seksjon {section} sier retning «{orient}», men sidestørrelsen {width} × {height} mm sier det motsatte; "
     "programmer som lager PDF av malen, kan velge ulikt",
     "Section {section} says orientation \"{orient}\", but its page size {width} × {height} mm says the opposite; "
     "programs that turn the template into PDF may choose differently"},
    {"DP301.docx-orient.remedy",
     "Velg retning på nytt for seksjonen i Word (Oppsett > Retning), så størrelse og retning stemmer, og lagre malen.",
     "Choose the section's orientation again in Word (Layout > Orientation) so that size and orientation agree, and "
     "save the template."},
    {"DP301.docx-orient-missing",
     "Seksjon {section} er liggende ({width} × {height} mm), men oppgir ingen retning (w:orient); programmer som lager "
     "PDF av malen, kan snu siden ulikt",
     "Section {section} is landscape ({width} × {height} mm) but gives no orientation (w:orient); programs that turn "
     "the template into PDF may turn the page differently"},
    {"DP301.docx-orient-missing.remedy",
     "Sett seksjonen til stående A4 i Word (Oppsett > Retning > Stående), og lagre malen på nytt.",
     "Set the section to portrait A4 in Word (Layout > Orientation > Portrait), and save the template again."},
    {"DP301.docx-no-size",
     "Seksjon {section} oppgir ingen sidestørrelse (w:pgSz); Word bruker da sin egen standard, som kan være Letter",
     "Section {section} gives no page size (w:pgSz); Word then uses its own default, which may be Letter"},
    {"DP301.docx-no-size.remedy",
     "Åpne malen i Word, sett papirstørrelsen til A4 stående for hele dokumentet, og lagre den på nytt.",
     "Open the template in Word, set the paper size to portrait A4 for the whole document, and save it again."},
    {"DP301.docx-truncated",
     "Word-dokumentet er større enn det som leses (word/document.xml over grensen); seksjoner etter grensen er ikke "
     "kontrollert",
     "The Word document is larger than what is read (word/document.xml over the cap); sections past the cap are not "
     "checked"},
    {"DP301.docx-truncated.remedy",
     "Kontroller sideoppsettet i Word selv, og vurder om dokumentet bør deles eller lagres som PDF.",
     "Check the page setup in Word yourself, and consider splitting the document or saving it as PDF."},

    // ---- DP302 pdf-encrypted
    {"DP302.summary", "PDF med passord eller kryptering", "PDF with a password or encryption"},
    {"DP302.severity", "blokkerer ved utskrift og signering; ellers advarsel",
     "block for print-bound and signing; warn otherwise"},
    {"DP302.password", "PDF-en er passordbeskyttet ({method}) og kan ikke åpnes uten passord",
     "The PDF is password-protected ({method}) and cannot be opened without the password"},
    {"DP302.password.remedy", "Lagre en ny PDF uten passord (skriv ut til PDF fra et program som har passordet).",
     "Save a new PDF without a password (print to PDF from a program that has the password)."},
    {"DP302.encrypted", "PDF-en er kryptert ({method}), selv om den åpnes uten passord",
     "The PDF is encrypted ({method}), even though it opens without a password"},
    {"DP302.encrypted.remedy", "Lagre en ny PDF uten kryptering eller sikkerhetsinnstillinger.",
     "Save a new PDF without encryption or security settings."},

    // ---- DP303 pdf-damaged
    {"DP303.summary", "PDF-en (eller Word-dokumentet) kan ikke leses pålitelig",
     "The PDF (or Word document) cannot be read reliably"},
    {"DP303.severity", "blokkerer", "block"},
    {"DP303.not-pdf", "Filen har ikke noe PDF-hode (%PDF-) og er ikke en lesbar PDF",
     "The file has no PDF header (%PDF-) and is not a readable PDF"},
    {"DP303.not-pdf.remedy", "Lag PDF-en på nytt fra originaldokumentet.",
     "Create the PDF again from the original document."},
    {"DP303.leading-bytes",
     "Det står {detail} foran PDF-hodet (%PDF-); utskriftstjenestens PDF-leser avviser slike filer",
     "There are {detail} before the PDF header (%PDF-); the print service's PDF reader refuses such files"},
    {"DP303.leading-bytes.remedy", "Lagre PDF-en på nytt fra et PDF-program, eller lag den på nytt fra originalen.",
     "Save the PDF again from a PDF program, or create it again from the original."},
    {"DP303.no-eof", "PDF-en mangler slutten (%%EOF): filen er trolig avkuttet under opplasting eller kopiering",
     "The PDF has no end marker (%%EOF): the file was probably cut off while uploading or copying"},
    {"DP303.no-eof.remedy", "Hent eller last opp filen på nytt fra originalen.",
     "Fetch or upload the file again from the original."},
    {"DP303.load-failed", "PDF-en kan ikke tolkes ({detail})", "The PDF cannot be parsed ({detail})"},
    {"DP303.load-failed.remedy",
     "Åpne filen i et PDF-program og lagre den på nytt, eller lag PDF-en på nytt fra originalen.",
     "Open the file in a PDF program and save it again, or create the PDF again from the original."},
    {"DP303.page-tree", "Sidetreet i PDF-en er ødelagt ({detail})", "The PDF's page tree is broken ({detail})"},
    {"DP303.page-tree.remedy", "Lag PDF-en på nytt fra originaldokumentet.",
     "Create the PDF again from the original document."},
    {"DP303.bad-pages", "Sider som ikke kan leses: {count}, den første er side {page} ({detail})",
     "Pages that cannot be read: {count}, the first is page {page} ({detail})"},
    {"DP303.bad-pages.remedy", "Lag PDF-en på nytt fra originaldokumentet.",
     "Create the PDF again from the original document."},
    {"DP303.memory-limit",
     "Analysen av PDF-en brukte mer minne enn tillatt ({detail}); filen kan være laget for å sprenge leseren",
     "Analysing the PDF took more memory than allowed ({detail}); the file may be built to overwhelm readers"},
    {"DP303.memory-limit.remedy",
     "Ikke send filen. Lag PDF-en på nytt fra originalen, eller øk [pdf] memory-mb hvis filen er til å stole på.",
     "Do not send the file. Create the PDF again from the original, or raise [pdf] memory-mb if the file is trusted."},
    {"DP303.cpu-limit", "Analysen av PDF-en brukte mer prosessortid enn tillatt ({detail})",
     "Analysing the PDF took more CPU time than allowed ({detail})"},
    {"DP303.cpu-limit.remedy",
     "Lag PDF-en på nytt fra originalen, eller øk [pdf] cpu-seconds hvis filen er til å stole på.",
     "Create the PDF again from the original, or raise [pdf] cpu-seconds if the file is trusted."},
    {"DP303.time-limit", "Analysen av PDF-en tok lengre tid enn tillatt ({detail})",
     "Analysing the PDF took longer than allowed ({detail})"},
    {"DP303.time-limit.remedy",
     "Lag PDF-en på nytt fra originalen, eller øk [pdf] budget-ms (og om nødvendig [pdf] wall-seconds) hvis filen er "
     "til å stole på.",
     "Create the PDF again from the original, or raise [pdf] budget-ms (and if need be [pdf] wall-seconds) if the "
     "file is trusted."},
    {"DP303.crashed", "PDF-leseren krasjet på filen ({detail})", "The PDF reader crashed on the file ({detail})"},
    {"DP303.crashed.remedy", "Ikke send filen. Lag PDF-en på nytt fra originalen.",
     "Do not send the file. Create the PDF again from the original."},
    {"DP303.internal", "Analysen av PDF-en ga et svar som ikke kunne forstås ({detail})",
     "Analysing the PDF gave an answer that could not be understood ({detail})"},
    {"DP303.internal.remedy", "Lag PDF-en på nytt fra originalen, og meld feilen til de som drifter preflight.",
     "Create the PDF again from the original, and report the fault to whoever runs preflight."},
    {"DP303.docx-unreadable", "Word-dokumentet er skadet og kan ikke leses: {detail}",
     "The Word document is damaged and cannot be read: {detail}"},
    {"DP303.docx-unreadable.remedy",
     "Åpne dokumentet i Word og lagre det på nytt som .docx; lar det seg ikke åpne, må filen erstattes med en hel "
     "kopi.",
     "Open the document in Word and save it again as .docx; if it does not open, replace the file with a sound "
     "copy."},

    // ---- DP304 pdf-version
    {"DP304.summary", "PDF-versjon over 1.7", "PDF version above 1.7"},
    {"DP304.severity", "blokkerer ved utskrift og signering; ellers info",
     "block for print-bound and signing; info otherwise"},
    {"DP304.too-new", "PDF-en er versjon {version}; utskrift og signering godtar høyst {max}",
     "The PDF is version {version}; print and signing accept at most {max}"},
    {"DP304.too-new.remedy", "Lagre PDF-en som PDF {max} eller eldre, for eksempel som PDF/A-2b (bygger på PDF 1.7).",
     "Save the PDF as PDF {max} or older, for example as PDF/A-2b (based on PDF 1.7)."},

    // ---- DP305 fonts-not-embedded
    {"DP305.summary", "Skrift utenfor standard-14 som ikke er innebygd",
     "A font outside the standard 14 that is not embedded"},
    {"DP305.severity", "advarsel ved utskrift; ellers info", "warn when print-bound; info otherwise"},
    {"DP305.font", "Skriften «{font}» (fra side {page}) er ikke innebygd; utskriften kan få en annen skrift",
     "The font \"{font}\" (from page {page}) is not embedded; the print may use another font"},
    {"DP305.font.remedy", "Lagre PDF-en med innebygde skrifter (for eksempel som PDF/A).",
     "Save the PDF with embedded fonts (for example as PDF/A)."},

    // ---- DP307 print-margin
    {"DP307.summary", "Innhold i venstremargen som utskriftstjenesten bruker",
     "Content in the left strip that the print service uses"},
    {"DP307.severity", "advarsel når brevet kan gå til utskrift", "warn when print-bound"},
    {"DP307.page",
     "Innhold på side {page} når helt ut til {distance} mm fra venstre kant; de første {margin} mm kan bli "
     "overskrevet ved utskrift",
     "Content on page {page} comes within {distance} mm of the left edge; the first {margin} mm may be overwritten "
     "in print"},
    {"DP307.page.remedy",
     "Flytt innholdet minst {margin} mm inn fra venstre kant (større venstremarg i malen), eller lag en utskriftsklar "
     "kopi med «preflight fix».",
     "Move the content at least {margin} mm in from the left edge (a wider left margin in the template), or make a "
     "print-ready copy with \"preflight fix\"."},
    {"DP307.unmeasured", "Fant ikke ut hvor innholdet står i dokumentet ({detail}); venstremargen er ikke kontrollert",
     "Could not tell where the document's content is drawn ({detail}); the left margin was not checked"},
    {"DP307.unmeasured.remedy", "Se over venstremargen selv før brevet sendes til utskrift.",
     "Look at the left margin yourself before the letter goes to print."},
    {"DP307.partial",
     "Venstremargen er bare delvis kontrollert ({detail}); sider som ikke ble lest, kan ha innhold i venstremargen",
     "The left margin was checked only in part ({detail}); pages that were not read may have content in the strip"},
    {"DP307.partial.remedy", "Se over venstremargen selv før brevet sendes til utskrift.",
     "Look at the left margin yourself before the letter goes to print."},

    // ---- DP308 pdf-active-content
    {"DP308.summary", "PDF med skript, vedlagte filer eller XFA-skjema",
     "A PDF with scripts, attached files or an XFA form"},
    {"DP308.severity", "advarsel gjennom DPI og ved utskrift; ellers info",
     "warn through DPI and in print; info otherwise"},
    {"DP308.javascript",
     "PDF-en inneholder JavaScript; digitale postkasser kjører det ikke, og Digiposts krav til PDF utelukker skript",
     "The PDF contains JavaScript; digital mailboxes do not run it, and Digipost's PDF guidance rules scripts out"},
    {"DP308.javascript.remedy",
     "Lagre dokumentet som PDF/A (det fjerner skript), og kontroller at det ser riktig ut uten dem.",
     "Save the document as PDF/A (which removes scripts), and check that it looks right without them."},
    {"DP308.embedded-files",
     "PDF-en har filer lagt ved inni seg; mottakeren ser dem ikke i postkassen, og de forsvinner ved utskrift",
     "The PDF has files attached inside it; the recipient does not see them in the mailbox, and they are lost in "
     "print"},
    {"DP308.embedded-files.remedy",
     "Legg de vedlagte filene til journalposten som egne vedlegg, og lagre hoveddokumentet som PDF/A uten dem.",
     "Add the attached files to the journal post as attachments of their own, and save the main document as PDF/A "
     "without them."},
    {"DP308.xfa-form", "PDF-en er et XFA-skjema; de fleste PDF-lesere og utskriftstjenesten viser ikke innholdet",
     "The PDF is an XFA form; most PDF readers and the print service do not show its content"},
    {"DP308.xfa-form.remedy", "Skriv skjemaet ut til en ny PDF (flat PDF uten skjemafelt) og send den i stedet.",
     "Print the form to a new PDF (a flat PDF without form fields) and send that instead."},

    // ---- DP306 no-pages
    {"DP306.summary", "PDF uten sider", "A PDF with no pages"},
    {"DP306.severity", "blokkerer", "block"},
    {"DP306.empty", "PDF-en har ingen sider (sidetreet oppgir {declared})",
     "The PDF has no pages (its page tree claims {declared})"},
    {"DP306.empty.remedy", "Lag PDF-en på nytt fra originaldokumentet.",
     "Create the PDF again from the original document."},

    // ---- DP401 file-type
    {"DP401.summary", "Filtype (gjenkjent fra innholdet) som kanalen ikke godtar",
     "A content type (sniffed) the channel does not accept"},
    {"DP401.severity", "blokkerer; ukjent innhold gir advarsel for DPO, DPV, DPF og e-post",
     "block; unrecognised content warns for DPO, DPV, DPF and e-mail"},
    {"DP401.pdf-only", "Filen er {type}; utskrift, digital post til innbygger og signering godtar bare PDF",
     "The file is {type}; print, digital post to citizens and signing accept PDF only"},
    {"DP401.pdf-only.remedy", "Lagre dokumentet som PDF (helst PDF/A) og bytt ut filen i journalposten.",
     "Save the document as PDF (preferably PDF/A) and replace the file in the journal post."},
    {"DP401.unknown", "Filtypen kunne ikke gjenkjennes ut fra innholdet",
     "The file type could not be recognised from the content"},
    {"DP401.unknown.remedy", "Kontroller at filen er det du tror, og lagre den helst som PDF.",
     "Make sure the file is what you think it is, and preferably save it as PDF."},

    // ---- file types as people say them (catalogue::file_type), by MIME type
    {"filetype.application/pdf", "et PDF-dokument", "a PDF document"},
    {"filetype.application/vnd.openxmlformats-officedocument.wordprocessingml.document", "et Word-dokument",
     "a Word document"},
    {"filetype.application/vnd.openxmlformats-officedocument.wordprocessingml.template", "en Word-mal",
     "a Word template"},
    {"filetype.application/vnd.ms-word.document.macroEnabled.12", "et Word-dokument med makroer",
     "a Word document with macros"},
    {"filetype.application/vnd.ms-word.template.macroEnabled.12", "en Word-mal med makroer",
     "a Word template with macros"},
    {"filetype.application/msword", "et Word-dokument i det gamle formatet (.doc)",
     "a Word document in the old format (.doc)"},
    {"filetype.application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "et Excel-regneark",
     "an Excel spreadsheet"},
    {"filetype.application/vnd.ms-excel", "et Excel-regneark i det gamle formatet (.xls)",
     "an Excel spreadsheet in the old format (.xls)"},
    {"filetype.application/vnd.openxmlformats-officedocument.presentationml.presentation", "en PowerPoint-presentasjon",
     "a PowerPoint presentation"},
    {"filetype.application/vnd.ms-powerpoint", "en PowerPoint-presentasjon i det gamle formatet (.ppt)",
     "a PowerPoint presentation in the old format (.ppt)"},
    {"filetype.application/vnd.oasis.opendocument.text", "et OpenDocument-tekstdokument (.odt)",
     "an OpenDocument text (.odt)"},
    {"filetype.text/plain", "en tekstfil", "a text file"},
    {"filetype.text/html", "en nettside (HTML)", "a web page (HTML)"},
    {"filetype.text/xml", "en XML-fil", "an XML file"},
    {"filetype.image/png", "et bilde (PNG)", "an image (PNG)"},
    {"filetype.image/jpeg", "et bilde (JPEG)", "an image (JPEG)"},
    {"filetype.image/tiff", "et bilde (TIFF)", "an image (TIFF)"},
    {"filetype.image/gif", "et bilde (GIF)", "an image (GIF)"},
    {"filetype.application/zip", "et ZIP-arkiv", "a ZIP archive"},
    {"filetype.application/octet-stream", "en fil av ukjent type", "a file of unknown type"},
    {"filetype.other", "en fil av typen {mime}", "a file of the type {mime}"},

    // ---- DP402 extension-mismatch
    {"DP402.summary", "Filendelsen stemmer ikke med innholdet", "The extension disagrees with the content"},
    {"DP402.severity", "advarsel", "warn"},
    {"DP402.mismatch", "Filen har endelsen «{extension}», men er {type}",
     "The file ends in \"{extension}\" but is {type}"},
    {"DP402.mismatch.remedy", "Lagre filen på nytt i riktig format, eller gi den riktig filendelse.",
     "Save the file again in the right format, or give it the right extension."},

    // ---- DP403 file-missing
    {"DP403.summary", "En oppført fil mangler, kan ikke leses eller er tom",
     "A listed file is missing, unreadable or empty"},
    {"DP403.severity", "blokkerer", "block"},
    {"DP403.unreadable", "Filen {path} kan ikke leses: {reason}", "The file {path} cannot be read: {reason}"},
    {"DP403.unreadable.remedy", "Kontroller filnavnet i manifestet, og at filen finnes og kan leses.",
     "Check the file name in the manifest, and that the file exists and can be read."},
    {"DP403.missing", "Filen {path} finnes ikke", "The file {path} does not exist"},
    {"DP403.missing.remedy", "Kontroller filnavnet og mappen i manifestet, og at filen er lastet opp.",
     "Check the file name and folder in the manifest, and that the file was uploaded."},
    {"DP403.not-file", "{path} er ikke en vanlig fil (for eksempel en mappe)",
     "{path} is not a regular file (a folder, for example)"},
    {"DP403.not-file.remedy", "Pek på selve dokumentfilen i manifestet.",
     "Point the manifest at the document file itself."},
    // When the files were named one by one (no manifest), the remedies say so.
    {"DP403.unreadable-loose.remedy", "Kontroller at filen finnes og kan leses, og at stien er skrevet riktig.",
     "Check that the file exists and can be read, and that its path is spelled right."},
    {"DP403.missing-loose.remedy", "Kontroller stien og filnavnet du oppga, og at filen er lagret der.",
     "Check the path and file name you gave, and that the file is saved there."},
    {"DP403.not-file-loose.remedy",
     "Oppgi selve dokumentfilen, ikke en mappe (en hel mappe med maler sjekkes med «preflight scan»).",
     "Give the document file itself, not a folder (a whole folder of templates is checked with \"preflight "
     "scan\")."},
    {"DP403.denied", "Filen {path} kan ikke leses: ingen tilgang", "The file {path} cannot be read: permission denied"},
    {"DP403.denied.remedy", "Gi preflight lesetilgang til filen, eller kopier den til en mappe preflight kan lese.",
     "Give preflight read access to the file, or copy it to a folder preflight can read."},
    {"DP403.empty", "Filen {path} er tom (0 byte)", "The file {path} is empty (0 bytes)"},
    {"DP403.empty.remedy", "Last opp dokumentet på nytt fra originalen.",
     "Upload the document again from the original."},

    // ---- DP404 main-document
    {"DP404.summary", "Ikke nøyaktig ett hoveddokument", "Not exactly one main document"},
    {"DP404.severity", "blokkerer", "block"},
    {"DP404.none", "Ingen av journalpostens dokumenter er merket som hoveddokument (dokumenter: {count})",
     "None of the journal post's documents is marked as the main document (documents: {count})"},
    {"DP404.none.remedy", "Merk ett av dokumentene som hoveddokument.",
     "Mark one of the documents as the main document."},
    {"DP404.several", "Journalposten har {count} hoveddokumenter; den skal ha nøyaktig ett",
     "The journal post has {count} main documents; it must have exactly one"},
    {"DP404.several.remedy", "La bare ett dokument være hoveddokument; gjør de andre til vedlegg.",
     "Keep one main document; make the others attachments."},

    // ---- DP405 duplicate-names
    {"DP405.summary", "To dokumenter med samme navn: bare ett av dem blir sendt, uten varsel",
     "Two documents with the same name: only one of them is sent, silently"},
    {"DP405.severity", "blokkerer", "block"},
    {"DP405.duplicate",
     "Dokumentet «{name}» har samme navn som «{other}» ({other_file}); bare ett av dem blir sendt, og ingen får "
     "beskjed",
     "The document \"{name}\" has the same name as \"{other}\" ({other_file}); only one of them will be sent, and "
     "nobody is told"},
    {"DP405.duplicate.remedy", "Gi dokumentene ulike navn, for eksempel «Vedlegg 1 …» og «Vedlegg 2 …».",
     "Give the documents different names, for example \"Attachment 1 …\" and \"Attachment 2 …\"."},

    // ---- DP407 duplicate-file-names
    {"DP407.summary", "To filer i én forsendelse med samme filnavn: integrasjonspunktet avviser den andre",
     "Two files of one message with the same file name: the integrasjonspunkt refuses the second"},
    {"DP407.severity", "blokkerer", "block"},
    {"DP407.duplicate",
     "Filnavnet «{filename}» brukes også av {other_file}; integrasjonspunktet tar ikke imot to filer med samme "
     "filnavn i én forsendelse, så brevet kan ikke sendes slik",
     "The file name \"{filename}\" is also used by {other_file}; the integrasjonspunkt takes no two files with one "
     "file name in a message, so the letter cannot be sent like this"},
    {"DP407.duplicate.remedy",
     "Gi filene ulike filnavn, for eksempel vedlegg-1.pdf og vedlegg-2.pdf (navnene på dokumentene kan være som før).",
     "Give the files different file names, for example vedlegg-1.pdf and vedlegg-2.pdf (the documents' names may stay "
     "as they are)."},
    // ---- DP406 main-name-mismatch
    {"DP406.summary",
     "Hoveddokumentets navn er ikke likt journalpostens tittel: vedleggene blir ikke sendt, uten varsel",
     "The main document's name differs from the journal post title: attachments are left out, silently"},
    {"DP406.severity", "blokkerer når det er vedlegg; ellers advarsel",
     "block when there are attachments; warn otherwise"},
    {"DP406.with-attachments",
     "Hoveddokumentet heter «{name}», men journalposten heter «{title}»; da sendes hoveddokumentet uten "
     "vedleggene (antall: {attachments}), og ingen får beskjed",
     "The main document is named \"{name}\" but the journal post is titled \"{title}\"; the main document is then sent "
     "without the attachments (count: {attachments}), and nobody is told"},
    {"DP406.with-attachments.remedy",
     "Gi hoveddokumentet nøyaktig samme navn som journalposten (eller omvendt) før brevet ekspederes.",
     "Give the main document exactly the journal post's title (or the other way round) before sending."},
    {"DP406.alone", "Hoveddokumentet heter «{name}», men journalposten heter «{title}»",
     "The main document is named \"{name}\" but the journal post is titled \"{title}\""},
    {"DP406.alone.remedy",
     "Gi hoveddokumentet samme navn som journalposten, så mottakeren ser samme tittel, og vedlegg som legges til "
     "senere kommer med.",
     "Give the main document the journal post's title, so the recipient sees one title and attachments added later go "
     "along."},

    // ---- usage errors
    // ---- DP501 recipient-not-verified
    {"DP501.summary", "Mottaker av digital eller generell forsendelse er ikke slått opp i registrene",
     "A recipient of a digital or general dispatch was not looked up in the registers"},
    {"DP501.severity", "blokkerer", "block"},
    {"DP501.no-id",
     "Mottakeren «{recipient}» skal ha forsendelsesmåte «{method}», men mangler fødsels- eller organisasjonsnummer",
     "The recipient \"{recipient}\" is to be sent by \"{method}\" but has no personal or organisation number"},
    {"DP501.no-id.remedy",
     "Slå opp mottakeren i Folkeregisteret eller Enhetsregisteret fra mottakerfeltet, så nummeret kommer med.",
     "Look the recipient up in Folkeregisteret or Enhetsregisteret from the recipient field, so the number comes "
     "along."},
    {"DP501.not-verified",
     "Mottakeren «{recipient}» er skrevet inn for hånd og ikke slått opp i Folkeregisteret eller Enhetsregisteret; "
     "forsendelsen stopper da med «ugyldige verdier hos mottaker»",
     "The recipient \"{recipient}\" was typed in by hand, not looked up in Folkeregisteret or Enhetsregisteret; the "
     "dispatch then stops with \"invalid values for the recipient\""},
    {"DP501.not-verified.remedy",
     "Fjern mottakeren og legg den til på nytt ved oppslag i Folkeregisteret (personer) eller Enhetsregisteret "
     "(virksomheter).",
     "Remove the recipient and add it again by looking it up in Folkeregisteret (persons) or Enhetsregisteret "
     "(organisations)."},

    // ---- DP502 identifier-invalid
    {"DP502.summary", "Fødselsnummer, D-nummer eller organisasjonsnummer med feil form eller kontrollsiffer",
     "A fødselsnummer, D-nummer or organisation number with a wrong format or check digit"},
    {"DP502.severity", "blokkerer", "block"},
    {"DP502.person",
     "Mottakeren «{recipient}» har nummeret {id}, som ikke er et gyldig fødsels- eller D-nummer (dato eller "
     "kontrollsiffer stemmer ikke)",
     "The recipient \"{recipient}\" has the number {id}, which is no valid fødselsnummer or D-nummer (the date or a "
     "check digit is wrong)"},
    {"DP502.person.remedy", "Slå opp personen i Folkeregisteret i stedet for å skrive nummeret inn.",
     "Look the person up in Folkeregisteret instead of typing the number."},
    {"DP502.organisation", "Mottakeren «{recipient}» har organisasjonsnummeret {id}, som har feil kontrollsiffer",
     "The recipient \"{recipient}\" has the organisation number {id}, whose check digit is wrong"},
    {"DP502.organisation.remedy", "Slå opp virksomheten i Enhetsregisteret i stedet for å skrive nummeret inn.",
     "Look the organisation up in Enhetsregisteret instead of typing the number."},
    {"DP502.format",
     "Mottakeren «{recipient}» har identifikatoren «{id}» ({length} tegn); forventet er 11 sifre (person) eller 9 "
     "sifre (virksomhet)",
     "The recipient \"{recipient}\" has the identifier \"{id}\" ({length} characters); expected are 11 digits (a "
     "person) or 9 digits (an organisation)"},
    {"DP502.format.remedy", "Rett identifikatoren, helst ved å slå opp mottakeren i registeret.",
     "Correct the identifier, preferably by looking the recipient up in the register."},

    // ---- DP503 recipient-unknown
    {"DP503.summary", "Registeret kjenner ikke mottakeren, eller den er slettet",
     "The register does not know the recipient, or it is deleted"},
    {"DP503.severity", "blokkerer; advarsel ved konkurs eller avvikling", "block; warn for bankruptcy or winding-up"},
    {"DP503.person-not-found", "{source} kjenner ikke personen «{recipient}»",
     "{source} does not know the person \"{recipient}\""},
    {"DP503.person-not-found.remedy",
     "Kontroller nummeret mot Folkeregisteret; en person som ikke finnes kan ikke få digital post.",
     "Check the number against Folkeregisteret; a person who does not exist cannot get digital post."},
    {"DP503.person-deleted", "{source} oppgir personen «{recipient}» som slettet",
     "{source} gives the person \"{recipient}\" as deleted"},
    {"DP503.person-deleted.remedy",
     "Finn riktig mottaker (for eksempel nytt nummer) i Folkeregisteret, eller send brevet manuelt.",
     "Find the right recipient (a new number, say) in Folkeregisteret, or send the letter manually."},
    {"DP503.org-not-found", "{source} kjenner ikke organisasjonsnummeret til «{recipient}»",
     "{source} does not know the organisation number of \"{recipient}\""},
    {"DP503.org-not-found.remedy", "Kontroller organisasjonsnummeret i Enhetsregisteret.",
     "Check the organisation number in Enhetsregisteret."},
    {"DP503.org-deleted", "«{recipient}» ble slettet fra Enhetsregisteret {date} (ifølge {source})",
     "\"{recipient}\" was deleted from Enhetsregisteret on {date} (according to {source})"},
    {"DP503.org-deleted.remedy", "Finn ut hvem som har overtatt oppgavene, og send til den virksomheten i stedet.",
     "Find out who took over the tasks, and send to that organisation instead."},
    {"DP503.org-removed", "«{recipient}» er fjernet fra Enhetsregisteret (ifølge {source})",
     "\"{recipient}\" has been removed from Enhetsregisteret (according to {source})"},
    {"DP503.org-removed.remedy", "Finn riktig mottaker i Enhetsregisteret før brevet sendes.",
     "Find the right recipient in Enhetsregisteret before sending."},
    {"DP503.org-bankrupt", "«{recipient}» ({name}) er registrert konkurs",
     "\"{recipient}\" ({name}) is registered bankrupt"},
    {"DP503.org-bankrupt.remedy", "Vurder om brevet skal til konkursboet (bostyrer) i stedet.",
     "Consider whether the letter should go to the bankruptcy estate (the trustee) instead."},
    {"DP503.org-winding-up", "«{recipient}» ({name}) er under avvikling", "\"{recipient}\" ({name}) is being wound up"},
    {"DP503.org-winding-up.remedy", "Kontroller at virksomheten fortsatt tar imot post før brevet sendes.",
     "Check that the organisation still takes post before sending."},
    {"DP503.org-forced-dissolution", "«{recipient}» ({name}) er under tvangsavvikling eller tvangsoppløsning",
     "\"{recipient}\" ({name}) is under forced winding-up or forced dissolution"},
    {"DP503.org-forced-dissolution.remedy",
     "Kontroller at virksomheten fortsatt finnes og tar imot post (et bobestyrer eller tingretten kan være riktig "
     "mottaker) før brevet sendes.",
     "Check that the organisation still exists and takes post (an estate administrator or the district court may be "
     "the right recipient) before sending."},

    // ---- DP504 route-print
    {"DP504.summary", "Mottakeren får brevet på papir (reservert, uten postkasse eller kan ikke varsles)",
     "The recipient gets the letter on paper (reserved, no mailbox, or cannot be notified)"},
    {"DP504.severity", "info", "info"},
    {"DP504.reserved", "«{recipient}» har reservert seg mot digital post; brevet går til utskrift og sendes i posten",
     "\"{recipient}\" is reserved against digital post; the letter goes to print and is posted"},
    {"DP504.reserved.remedy",
     "Ingen feil. Sørg for at alle sider er stående A4 og at adressen er fullstendig, så utskriften ikke feiler.",
     "Not an error. Make sure every page is portrait A4 and the address is complete, so printing does not fail."},
    {"DP504.not-notifiable",
     "«{recipient}» kan ikke varsles (mangler e-post og mobil i kontaktregisteret); et vedtak går da til utskrift",
     "\"{recipient}\" cannot be notified (no e-mail or mobile in the contact register); a decision then goes to print"},
    {"DP504.not-notifiable.remedy",
     "Ingen feil. Sørg for at dokumentene tåler utskrift (stående A4) og at adressen er fullstendig.",
     "Not an error. Make sure the documents can be printed (portrait A4) and the address is complete."},
    {"DP504.no-mailbox", "«{recipient}» har ingen aktiv digital postkasse; brevet går til utskrift og sendes i posten",
     "\"{recipient}\" has no active digital mailbox; the letter goes to print and is posted"},
    {"DP504.no-mailbox.remedy",
     "Ingen feil. Sørg for at alle sider er stående A4 og at adressen er fullstendig, så utskriften ikke feiler.",
     "Not an error. Make sure every page is portrait A4 and the address is complete, so printing does not fail."},
    {"DP504.capabilities", "Integrasjonspunktet tilbyr bare utskrift for «{recipient}»",
     "The integrasjonspunkt offers only print for \"{recipient}\""},
    {"DP504.capabilities.remedy", "Ingen feil. Utskriftsreglene gjelder: stående A4, fullstendig adresse.",
     "Not an error. The print rules apply: portrait A4, a complete address."},

    // ---- DP505 print-address
    {"DP505.summary", "Mottaker som får brevet på papir mangler brukbar postadresse",
     "A recipient who gets the letter on paper lacks a usable postal address"},
    {"DP505.severity", "blokkerer når brevet kan gå til utskrift", "block when the letter may be printed"},
    {"DP505.no-name", "Mottakeren «{recipient}» mangler navn, som utskriften trenger",
     "The recipient \"{recipient}\" has no name, which printing needs"},
    {"DP505.no-name.remedy", "Fyll inn mottakerens navn.", "Fill in the recipient's name."},
    {"DP505.no-address", "Mottakeren «{recipient}» har ingen postadresse; brevet kan ikke skrives ut og sendes",
     "The recipient \"{recipient}\" has no postal address; the letter cannot be printed and posted"},
    {"DP505.no-address.remedy", "Slå opp mottakeren i Folkeregisteret på nytt, eller fyll inn adressen.",
     "Look the recipient up in Folkeregisteret again, or fill in the address."},
    {"DP505.no-line", "Mottakeren «{recipient}» mangler første adresselinje",
     "The recipient \"{recipient}\" has no first address line"},
    {"DP505.no-line.remedy", "Fyll inn gate eller postboks i første adresselinje.",
     "Fill in the street or PO box in the first address line."},
    {"DP505.line-too-long", "Første adresselinje til «{recipient}» har {count} tegn; utskrift tillater {limit}",
     "The first address line of \"{recipient}\" has {count} characters; print allows {limit}"},
    {"DP505.line-too-long.remedy", "Kort ned adresselinjen, eller del den på flere linjer.",
     "Shorten the address line, or split it over several lines."},
    {"DP505.postcode", "Postnummeret «{postcode}» til «{recipient}» er ikke fire sifre",
     "The postcode \"{postcode}\" of \"{recipient}\" is not four digits"},
    {"DP505.postcode.remedy", "Rett postnummeret (norske postnummer har fire sifre).",
     "Correct the postcode (Norwegian postcodes have four digits)."},
    {"DP505.no-city", "Mottakeren «{recipient}» mangler poststed", "The recipient \"{recipient}\" has no city"},
    {"DP505.no-city.remedy", "Fyll inn poststedet.", "Fill in the city."},
    {"DP505.no-return", "Utskriftsmeldingen har ingen returadresse («retur»); integrasjonspunktet avviser den",
     "The print message has no return address (\"retur\"); the integrasjonspunkt refuses it"},
    {"DP505.no-return.remedy",
     "Legg inn virksomhetens returadresse i arkivsystemets oppsett for utskrift, og send på nytt.",
     "Add your organisation's return address to the archive system's print settings, and send again."},
    {"DP505.return-incomplete",
     "Returadressen i utskriftsmeldingen mangler første adresselinje, eller postnummer eller poststed",
     "The return address in the print message lacks the first address line, or the postcode or city"},
    {"DP505.return-incomplete.remedy", "Fullfør returadressen i arkivsystemets oppsett for utskrift.",
     "Complete the return address in the archive system's print settings."},
    {"DP505.organisation",
     "«{recipient}» er en virksomhet; integrasjonspunktet sender aldri brev til virksomheter på papir",
     "\"{recipient}\" is an organisation; the integrasjonspunkt never sends letters to organisations on paper"},
    {"DP505.organisation.remedy",
     "Send brevet med vanlig forsendelse (ikke «utskrift»): virksomheten får det i eFormidling, KS SvarUt eller "
     "Altinn, etter hva den kan ta imot.",
     "Send the letter by general dispatch (not \"print\"): the organisation gets it through eFormidling, KS SvarUt "
     "or Altinn, whichever it accepts."},

    // ---- DP506 eboks-mailbox
    {"DP506.summary", "Mottakeren har e-Boks: statusen blir stående på «sendt», og det er normalt",
     "The recipient uses e-Boks: the status stays \"sent\", which is normal"},
    {"DP506.severity", "info", "info"},
    {"DP506.eboks",
     "«{recipient}» har digital postkasse i e-Boks; forsendelsesstatusen blir stående på «sendt» også når brevet er "
     "levert",
     "\"{recipient}\" has a digital mailbox at e-Boks; the dispatch status stays \"sent\" even once the letter is "
     "delivered"},
    {"DP506.eboks.remedy", "Ingen feil. Ikke send på nytt fordi statusen ikke endrer seg.",
     "Not an error. Do not send again because the status does not change."},

    // ---- DP507 receiver-capability
    {"DP507.summary", "Mottakeren tar ikke imot denne prosessen, dokumenttypen (også utskrift) eller sikkerhetsnivået",
     "The receiver does not accept the process, document type (print included) or security level"},
    {"DP507.severity", "blokkerer", "block"},
    {"DP507.missing",
     "«{recipient}» tar ikke imot {service} med dokumenttype {type} og prosess {process} (ifølge {source}); "
     "sendingen stopper med «Receiver do not accept the document process»",
     "\"{recipient}\" does not accept {service} with document type {type} and process {process} (according to "
     "{source}); sending stops with \"Receiver do not accept the document process\""},
    {"DP507.missing.remedy", "Velg en forsendelsesmåte mottakeren støtter (se «preflight lookup»), eller send manuelt.",
     "Choose a dispatch method the receiver supports (see \"preflight lookup\"), or send manually."},
    {"DP507.missing-service",
     "«{recipient}» tar ikke imot {service} (ifølge {source}); sendingen stopper med «Receiver do not accept the "
     "document process»",
     "\"{recipient}\" does not accept {service} (according to {source}); sending stops with \"Receiver do not accept "
     "the document process\""},
    {"DP507.missing-service.remedy",
     "Velg en forsendelsesmåte mottakeren støtter (se «preflight lookup»), eller send manuelt.",
     "Choose a dispatch method the receiver supports (see \"preflight lookup\"), or send manually."},
    {"DP507.none", "Integrasjonspunktet har ingen tjenester registrert for «{recipient}» (ifølge {source})",
     "The integrasjonspunkt has no services registered for \"{recipient}\" (according to {source})"},
    {"DP507.none.remedy", "Send brevet manuelt, eller kontroller mottakeren.",
     "Send the letter manually, or check the recipient."},
    {"DP507.no-record",
     "Registeret har ingen tjeneste for «{recipient}» som denne meldingen kan bruke (prosess {process}, ifølge "
     "{source}); sendingen stopper med «Receiver do not accept the document process»",
     "The registry has no service record for \"{recipient}\" that this message can use (process {process}, "
     "according to {source}); sending stops with \"Receiver do not accept the document process\""},
    {"DP507.no-record.remedy",
     "Se hva mottakeren kan ta imot med «preflight lookup». En person med hemmelig adresse kan ikke få brev på "
     "papir: send manuelt.",
     "See what the receiver accepts with \"preflight lookup\". A person with a secret address cannot get letters "
     "on paper: send manually."},
    {"DP507.print-mailbox",
     "«{recipient}» har en aktiv digital postkasse (ifølge {source}); registeret lager da ingen utskriftstjeneste, "
     "og en utskriftsmelding stopper med «Receiver do not accept the document process»",
     "\"{recipient}\" has an active digital mailbox (according to {source}); the registry then makes no print "
     "record, and a print message stops with \"Receiver do not accept the document process\""},
    {"DP507.print-mailbox.remedy", "Send brevet som vanlig forsendelse, så går det til mottakerens digitale postkasse.",
     "Send the letter by general dispatch, so that it goes to the recipient's digital mailbox."},
    {"DP507.digital-no-mailbox",
     "«{recipient}» kan ikke få digital post (reservert, kan ikke varsles eller uten aktiv postkasse, ifølge "
     "{source}); registeret lager da ingen digital tjeneste, og en digital melding stopper med «Receiver do not "
     "accept the document process»",
     "\"{recipient}\" cannot get digital post (reserved, cannot be notified or no active mailbox, according to "
     "{source}); the registry then makes no digital record, and a digital message stops with \"Receiver do not "
     "accept the document process\""},
    {"DP507.digital-no-mailbox.remedy", "Send brevet som vanlig forsendelse, så går det på papir til mottakeren.",
     "Send the letter by general dispatch, so that it goes to the recipient on paper."},
    {"DP507.security-level",
     "«{recipient}» kan bare nås gjennom Altinn (DPV), som ikke tar imot sikkerhetsnivå {level}",
     "\"{recipient}\" can only be reached through Altinn (DPV), which does not take security level {level}"},
    {"DP507.security-level.remedy",
     "Send med sikkerhetsnivå 3 hvis innholdet tillater det; ellers send brevet manuelt.",
     "Send with security level 3 if the content allows it; otherwise send the letter manually."},

    // ---- DP508 registry-unavailable
    {"DP508.summary", "Et register kunne ikke spørres, eller ingen registre kjenner mottakeren",
     "A registry could not be asked, or no registry knows the recipient"},
    {"DP508.severity", "advarsel (blokkerer med --strict-registry)", "warn (block with --strict-registry)"},
    {"DP508.failed", "Fikk ikke svar fra {source} om «{recipient}»: {detail}",
     "No answer from {source} about \"{recipient}\": {detail}"},
    {"DP508.failed.remedy",
     "Prøv igjen om litt. Vedvarer det, kontakt IT: ruten og reservasjonen til mottakeren er ikke kontrollert.",
     "Try again in a while. If it persists, contact IT: the recipient's route and reservation were not checked."},
    {"DP508.nobody-knows", "Ingen av de konfigurerte registrene kjenner «{recipient}»; ruten er ukjent",
     "None of the configured registries knows \"{recipient}\"; the route is unknown"},
    {"DP508.nobody-knows.remedy",
     "Sett opp oppslag i KRR og Enhetsregisteret (se docs/registry.md), eller kontroller mottakeren selv.",
     "Configure lookups in KRR and Enhetsregisteret (see docs/registry.md), or check the recipient yourself."},

    // ---- DP511 signer-identifier
    {"DP511.summary", "Signatar uten gyldig fødselsnummer eller D-nummer",
     "A signer without a valid fødselsnummer or D-nummer"},
    {"DP511.severity", "blokkerer", "block"},
    {"DP511.missing", "Signataren «{recipient}» har ikke fødselsnummer",
     "The signer \"{recipient}\" has no fødselsnummer"},
    {"DP511.missing.remedy", "Slå opp signataren i Folkeregisteret, så fødselsnummeret kommer med.",
     "Look the signer up in Folkeregisteret, so the fødselsnummer comes along."},
    {"DP511.invalid", "Signataren «{recipient}» har nummeret {id}, som ikke er et gyldig fødsels- eller D-nummer",
     "The signer \"{recipient}\" has the number {id}, which is no valid fødselsnummer or D-nummer"},
    {"DP511.invalid.remedy", "Slå opp signataren i Folkeregisteret.", "Look the signer up in Folkeregisteret."},
    {"DP511.organisation", "Signataren «{recipient}» er en virksomhet ({id}); bare personer kan signere",
     "The signer \"{recipient}\" is an organisation ({id}); only persons can sign"},
    {"DP511.organisation.remedy", "Legg inn personen som skal signere for virksomheten.",
     "Add the person who signs on the organisation's behalf."},
    {"DP511.h-nummer", "Signataren «{recipient}» har et H-nummer ({id}), som signeringstjenesten ikke godtar",
     "The signer \"{recipient}\" has an H-nummer ({id}), which the signing service does not accept"},
    {"DP511.h-nummer.remedy", "Bruk personens fødselsnummer eller D-nummer.",
     "Use the person's fødselsnummer or D-nummer."},

    // ---- DP512 signer-reserved
    {"DP512.summary", "Signatar reservert mot digital kommunikasjon, eller ikke AKTIV i KRR",
     "A signer reserved against digital communication, or not AKTIV in KRR"},
    {"DP512.severity", "blokkerer", "block"},
    {"DP512.reserved", "Signataren «{recipient}» har reservert seg mot digital kommunikasjon (ifølge {source})",
     "The signer \"{recipient}\" is reserved against digital communication (according to {source})"},
    {"DP512.reserved.remedy",
     "Signeringsoppdraget vil bli avvist. Be om signatur på papir, eller at personen opphever reservasjonen.",
     "The signing job will be refused. Ask for a signature on paper, or for the person to lift the reservation."},
    {"DP512.not-active",
     "Signataren «{recipient}» har status {status} i kontaktregisteret (ifølge {source}), ikke AKTIV",
     "The signer \"{recipient}\" has status {status} in the contact register (according to {source}), not AKTIV"},
    {"DP512.deleted",
     "Signataren «{recipient}» er slettet i kontaktregisteret (ifølge {source}); det skjer blant annet når en person "
     "er "
     "død",
     "The signer \"{recipient}\" is deleted in the contact register (according to {source}); this happens, among "
     "other reasons, when a person has died"},
    {"DP512.deleted.remedy",
     "Signeringsoppdraget vil bli avvist. Sjekk i Folkeregisteret om personen lever før dere tar kontakt; er personen "
     "død, avgjør saksbehandleren hvordan saken skal gå videre (for eksempel med dødsboet).",
     "The signing job will be refused. Check in Folkeregisteret whether the person is alive before contacting them; "
     "if the person has died, the case handler decides how the case goes on (with the estate, say)."},
    {"DP512.not-active.remedy",
     "Signeringsoppdraget vil bli avvist. Be om signatur på papir, eller at personen registrerer seg i ID-porten.",
     "The signing job will be refused. Ask for a signature on paper, or for the person to register in ID-porten."},

    // ---- DP513 signer-contact
    {"DP513.summary", "Signatar uten e-post og mobilnummer i KRR", "A signer with neither e-mail nor mobile in KRR"},
    {"DP513.severity", "advarsel", "warn"},
    {"DP513.none", "Signataren «{recipient}» har verken e-post eller mobilnummer i kontaktregisteret (ifølge {source})",
     "The signer \"{recipient}\" has neither e-mail nor mobile number in the contact register (according to {source})"},
    {"DP513.none.remedy",
     "Signataren får ikke varsel om oppdraget. Gi beskjed på annen måte, ellers utløper oppdraget etter 28 dager.",
     "The signer is not told about the job. Tell them another way, or the job expires after 28 days."},

    // ---- DP601 email-access-code
    {"DP601.summary", "E-post av journalpost med tilgangskode",
     "E-mail dispatch of a journal post with an access code"},
    {"DP601.severity", "blokkerer", "block"},
    {"DP601.recipient",
     "Journalposten har tilgangskode «{code}», men skal sendes som e-post til «{recipient}»; e-post er ikke sikker nok",
     "The journal post has the access code \"{code}\" but is to be e-mailed to \"{recipient}\"; e-mail is not safe "
     "enough"},
    {"DP601.recipient.remedy", "Send brevet digitalt (DPI/DPO) eller på papir i stedet for som e-post.",
     "Send the letter digitally (DPI/DPO) or on paper instead of by e-mail."},
    {"DP601.channel", "Journalposten har tilgangskode «{code}» og skal sendes som e-post",
     "The journal post has the access code \"{code}\" and is to be sent by e-mail"},
    {"DP601.channel.remedy", "Send brevet digitalt (DPI/DPO) eller på papir i stedet for som e-post.",
     "Send the letter digitally (DPI/DPO) or on paper instead of by e-mail."},

    // ---- DP602 email-personal-id
    {"DP602.summary", "E-post der dokument, navn eller tittel inneholder et fødselsnummer",
     "E-mail dispatch where a document, name or title holds a fødselsnummer"},
    {"DP602.severity", "blokkerer", "block"},
    {"DP602.recipient-name",
     "Mottakernavnet «{recipient}» inneholder fødselsnummeret {id}, og brevet skal sendes som e-post",
     "The recipient's name \"{recipient}\" holds the fødselsnummer {id}, and the letter is to be sent by e-mail"},
    {"DP602.recipient-name.remedy",
     "Skriv bare navnet i mottakerfeltet, uten fødselsnummer, eller send brevet digitalt eller på papir.",
     "Keep the recipient field to the name alone, without the fødselsnummer, or send the letter digitally or on "
     "paper."},
    {"DP602.title", "Tittelen inneholder fødselsnummeret {id}, og brevet skal sendes som e-post",
     "The title holds the fødselsnummer {id}, and the letter is to be sent by e-mail"},
    {"DP602.title.remedy", "Ta fødselsnummeret ut av tittelen, eller send brevet digitalt eller på papir.",
     "Take the fødselsnummer out of the title, or send the letter digitally or on paper."},
    {"DP602.name", "Dokumentnavnet «{name}» inneholder fødselsnummeret {id}, og brevet skal sendes som e-post",
     "The document name \"{name}\" holds the fødselsnummer {id}, and the letter is to be sent by e-mail"},
    {"DP602.name.remedy", "Ta fødselsnummeret ut av dokumentnavnet, eller send brevet digitalt eller på papir.",
     "Take the fødselsnummer out of the document name, or send the letter digitally or on paper."},
    {"DP602.page", "Teksten inneholder fødselsnummeret {id}, og brevet skal sendes som e-post",
     "The text holds the fødselsnummer {id}, and the letter is to be sent by e-mail"},
    {"DP602.page.remedy",
     "E-post er bare tillatt uten fødselsnummer. Send digitalt eller på papir, eller fjern nummeret fra dokumentet.",
     "E-mail is only allowed without a fødselsnummer. Send digitally or on paper, or remove the number from the "
     "document."},
    {"DP602.text", "Teksten inneholder fødselsnummeret {id}, og brevet skal sendes som e-post",
     "The text holds the fødselsnummer {id}, and the letter is to be sent by e-mail"},
    {"DP602.text.remedy",
     "E-post er bare tillatt uten fødselsnummer. Send digitalt eller på papir, eller fjern nummeret fra dokumentet.",
     "E-mail is only allowed without a fødselsnummer. Send digitally or on paper, or remove the number from the "
     "document."},
    {"DP602.not-searched",
     "Dokumentet er {type}, og teksten i det kunne ikke leses; det er derfor ikke kontrollert for fødselsnummer før "
     "e-post",
     "The document is {type}, and its text could not be read, so it was not searched for a fødselsnummer before "
     "e-mail"},
    {"DP602.not-searched.remedy", "Se gjennom dokumentet selv før det sendes som e-post.",
     "Look through the document yourself before it is e-mailed."},

    // ---- DP603 email-address
    {"DP603.summary", "E-post uten gyldig e-postadresse", "E-mail dispatch without a valid e-mail address"},
    {"DP603.severity", "blokkerer", "block"},
    {"DP603.missing", "Mottakeren «{recipient}» skal få brevet som e-post, men har ingen e-postadresse",
     "The recipient \"{recipient}\" is to get the letter by e-mail but has no e-mail address"},
    {"DP603.missing.remedy", "Fyll inn e-postadressen, eller velg en annen forsendelsesmåte.",
     "Fill in the e-mail address, or choose another dispatch method."},
    {"DP603.invalid", "E-postadressen «{email}» til «{recipient}» er ikke gyldig",
     "The e-mail address \"{email}\" of \"{recipient}\" is not valid"},
    {"DP603.invalid.remedy", "Rett e-postadressen (navn@domene.no).", "Correct the e-mail address (name@domain.no)."},

    // ---- DP604 email-registered-recipient
    {"DP604.summary", "E-post til en mottaker som finnes i Folkeregisteret eller Enhetsregisteret",
     "E-mail dispatch to a recipient found in Folkeregisteret or Enhetsregisteret"},
    {"DP604.severity", "advarsel", "warn"},
    {"DP604.found",
     "«{recipient}» skal få brevet som e-post, men står i {register} (ifølge {source}); e-post er bare for mottakere "
     "som verken står i Folkeregisteret eller Enhetsregisteret",
     "\"{recipient}\" is to get the letter by e-mail but is listed in {register} (according to {source}); e-mail is "
     "meant for recipients who are in neither Folkeregisteret nor Enhetsregisteret"},
    {"DP604.found.remedy",
     "Send brevet som generell digital forsendelse i stedet for e-post, så avgjør registrene om det går digitalt "
     "eller på papir.",
     "Send the letter as a general digital dispatch instead of by e-mail, so that the registers decide whether it "
     "goes digitally or on paper."},
    {"DP604.verified",
     "«{recipient}» skal få brevet som e-post, men er slått opp i {register}; e-post er bare for mottakere som verken "
     "står i Folkeregisteret eller Enhetsregisteret",
     "\"{recipient}\" is to get the letter by e-mail but was looked up in {register}; e-mail is meant for "
     "recipients who are in neither Folkeregisteret nor Enhetsregisteret"},
    {"DP604.verified.remedy",
     "Send brevet som generell digital forsendelse i stedet for e-post, så avgjør registrene om det går digitalt "
     "eller på papir.",
     "Send the letter as a general digital dispatch instead of by e-mail, so that the registers decide whether it "
     "goes digitally or on paper."},

    // ---- DP701 course-environment
    {"DP701.summary", "Kursmiljø: mottaker som ikke er en av testmottakerne",
     "Training environment: a recipient that is not a test recipient"},
    {"DP701.severity", "blokkerer med --profile training", "block with --profile training"},
    {"DP701.not-test",
     "«{recipient}» ({id}) er ikke en testmottaker; kursmiljøet kan ikke sende til personer og virksomheter i de "
     "ekte registrene",
     "\"{recipient}\" ({id}) is not a test recipient; the training environment cannot send to persons and "
     "organisations in the real registers"},
    {"DP701.not-test.remedy",
     "Bruk kursmiljøets testmottakere: Digdir (DPO) eller Testperson (DPI, går til utskrift; der får brevet "
     "«overføring feilet» etter omtrent et døgn, og det er ventet i kursmiljøet); numrene står i docs/registry.md og i "
     "«preflight lookup».",
     "Use the training environment's test recipients: Digdir (DPO) or Testperson (DPI, goes to print; there the letter "
     "gets \"transfer failed\" after about a day, which is expected in the training environment); their numbers are "
     "in docs/registry.md and in \"preflight lookup\"."},
    {"DP701.no-id", "«{recipient}» har ikke fødsels- eller organisasjonsnummer",
     "\"{recipient}\" has no personal or organisation number"},
    {"DP701.no-id.remedy", "Fyll inn nummeret til en av testmottakerne for hånd.",
     "Type in the number of one of the test recipients."},

    // ---- registry, lookup
    {"error.config.bad-url",
     "{file}:{at}: «{key}» må være en adresse som begynner med http:// eller https://, ikke «{value}»",
     "{file}:{at}: \"{key}\" must be an address starting with http:// or https://, not \"{value}\""},
    {"error.registry-file.unreadable", "{file}: kan ikke lese registerfilen", "{file}: cannot read the registry file"},
    {"error.registry-file.syntax", "{file}:{line}:{column}: registerfilen er ikke gyldig JSON",
     "{file}:{line}:{column}: the registry file is not valid JSON"},
    {"error.registry-file.shape", "{file}:{line}:{column}: «{field}» må være {expected}",
     "{file}:{line}:{column}: \"{field}\" must be {expected}"},
    {"error.maskinporten.key", "{file}: Maskinporten-nøkkelen kan ikke brukes: {reason}",
     "{file}: the Maskinporten key cannot be used: {reason}"},
    {"error.maskinporten.password-env", "miljøvariabelen {variable} (passord til Maskinporten-nøkkelen) er ikke satt",
     "the environment variable {variable} (the Maskinporten key's password) is not set"},
    {"error.maskinporten.settings", "innstillingene i [maskinporten] er ufullstendige: {detail}",
     "the [maskinporten] settings are incomplete: {detail}"},
    {"error.usage.one-id", "«preflight lookup» tar ett fødsels- eller organisasjonsnummer",
     "\"preflight lookup\" takes one personal or organisation number"},
    {"error.usage.bad-id", "«{id}» er verken et gyldig fødsels-/D-nummer eller et gyldig organisasjonsnummer",
     "\"{id}\" is neither a valid fødselsnummer/D-nummer nor a valid organisation number"},

    {"error.usage", "{detail}", "{detail}"},
    {"error.usage.command",
     "ukjent kommando «{command}»; kjente kommandoer: check, scan, explain, lookup, checks, fix, serve",
     "unknown command \"{command}\"; known commands: check, scan, explain, lookup, checks, fix, serve"},
    {"error.usage.no-command", "mangler kommando; prøv «preflight check FIL…» eller «preflight --help»",
     "no command; try \"preflight check FILE...\" or \"preflight --help\""},
    {"error.usage.no-files", "«preflight check» trenger filer eller --manifest",
     "\"preflight check\" needs files or --manifest"},
    {"error.usage.no-paths", "«preflight scan» trenger mapper eller filer, f.eks. «preflight scan maler/»",
     "\"preflight scan\" needs folders or files, e.g. \"preflight scan templates/\""},
    {"error.usage.no-arguments", "«{command}» tar ingen argumenter", "\"{command}\" takes no arguments"},
    {"error.usage.both", "bruk enten filer eller --manifest, ikke begge", "give either files or --manifest, not both"},
    {"error.scan.nothing", "fant ingen maler (.pdf, .docx, .dotx) i {paths}; sjekk stien og --exclude/[scan] exclude",
     "no templates (.pdf, .docx, .dotx) found in {paths}; check the path and --exclude/[scan] exclude"},
    {"error.scan.channel", "{file}: ugyldig [scan] channel «{value}»; gyldige: {allowed}",
     "{file}: invalid [scan] channel \"{value}\"; allowed: {allowed}"},
    {"ui.junit.more", "(og {count} til)", "(and {count} more)"},
    {"ui.scan.progress", "preflight scan: {done}/{total} filer, {rate} filer/s",
     "preflight scan: {done}/{total} files, {rate} files/s"},
    {"error.usage.value", "ugyldig verdi «{value}» for --{option}; gyldige: {allowed}",
     "invalid value \"{value}\" for --{option}; valid: {allowed}"},
    {"error.config.unreadable", "{file}: kan ikke lese konfigurasjonsfilen",
     "{file}: cannot read the configuration file"},
    {"error.config.syntax", "{file}:{at}: linjen er verken [seksjon], nøkkel = verdi eller kommentar",
     "{file}:{at}: the line is neither [section], key = value nor a comment"},
    {"error.config.syntax-detail", "{file}:{at}: {detail}", "{file}:{at}: {detail}"},
    {"error.config.unknown-section", "{file}:{at}: ukjent seksjon [{section}] (se «preflight checks»)",
     "{file}:{at}: unknown section [{section}] (see \"preflight checks\")"},
    {"error.config.unknown-key", "{file}:{at}: ukjent innstilling «{key}» (se «preflight checks --dump-config»)",
     "{file}:{at}: unknown option \"{key}\" (see \"preflight checks --dump-config\")"},
    {"error.config.repeated-key", "{file}:{at}: «{key}» er satt mer enn én gang",
     "{file}:{at}: \"{key}\" is set more than once"},
    {"error.config.bad-integer", "{file}:{at}: «{key}» må være et heltall i {range}, ikke «{value}»",
     "{file}:{at}: \"{key}\" must be a whole number in {range}, not \"{value}\""},
    {"error.config.bad-number", "{file}:{at}: «{key}» må være et tall i {range}, ikke «{value}»",
     "{file}:{at}: \"{key}\" must be a number in {range}, not \"{value}\""},
    {"error.config.bad-boolean", "{file}:{at}: «{key}» må være true eller false, ikke «{value}»",
     "{file}:{at}: \"{key}\" must be true or false, not \"{value}\""},
    {"error.config.bad-version", "{file}:{at}: «{key}» må være en PDF-versjon som 1.7, ikke «{value}»",
     "{file}:{at}: \"{key}\" must be a PDF version such as 1.7, not \"{value}\""},
    {"error.config.bad-text", "{file}:{at}: ugyldig verdi «{value}» for «{key}»",
     "{file}:{at}: invalid value \"{value}\" for \"{key}\""},
    {"error.manifest.unreadable", "{file}: kan ikke lese manifestet", "{file}: cannot read the manifest"},
    {"error.manifest.syntax", "{file}:{line}:{column}: ugyldig JSON: {detail}",
     "{file}:{line}:{column}: invalid JSON: {detail}"},
    {"error.manifest.missing", "{file}:{line}:{column}: «{field}» mangler",
     "{file}:{line}:{column}: \"{field}\" is missing"},
    {"error.manifest.type", "{file}:{line}:{column}: «{field}» må være {expected}",
     "{file}:{line}:{column}: \"{field}\" must be {expected}"},
    {"error.manifest.choice", "{file}:{line}:{column}: «{field}» kan ikke være «{value}»; gyldige verdier: {allowed}",
     "{file}:{line}:{column}: \"{field}\" cannot be \"{value}\"; valid values: {allowed}"},
    {"error.manifest.empty", "{file}:{line}:{column}: «{field}» kan ikke være tom",
     "{file}:{line}:{column}: \"{field}\" cannot be empty"},
    {"error.sbd.syntax", "{where}:{line}:{column}: ugyldig JSON i SBD-en: {detail}",
     "{where}:{line}:{column}: invalid JSON in the SBD: {detail}"},
    {"error.sbd.missing", "{where}:{line}:{column}: «{field}» mangler i SBD-en",
     "{where}:{line}:{column}: \"{field}\" is missing from the SBD"},
    {"error.sbd.type", "{where}:{line}:{column}: «{field}» i SBD-en må være {expected}",
     "{where}:{line}:{column}: \"{field}\" in the SBD must be {expected}"},
    {"error.sbd.empty", "{where}:{line}:{column}: «{field}» i SBD-en kan ikke være tom",
     "{where}:{line}:{column}: \"{field}\" in the SBD cannot be empty"},
    {"error.internal", "intern feil: {detail}", "internal error: {detail}"},

    // ---- renderers and command line
    {"ui.lookup.header", "{id} ({kind}): dette sier kildene", "{id} ({kind}): what the sources say"},
    {"ui.lookup.krr", "kontaktregisteret", "contact register"},
    {"ui.lookup.er", "enhetsregisteret", "entity register"},
    {"ui.lookup.caps", "tjenester", "capabilities"},
    {"ui.lookup.person",
     "status {status}, reservasjon {reserved}, {notify}, postkasse {mailbox}, e-post {email}, mobil {mobile}",
     "status {status}, reservation {reserved}, {notify}, mailbox {mailbox}, e-mail {email}, mobile {mobile}"},
    {"ui.lookup.organisation", "{name}{flags}", "{name}{flags}"},
    {"ui.lookup.unknown", "vet ikke", "does not know"},
    {"ui.lookup.not-found", "finnes ikke", "not found"},
    {"ui.lookup.removed", "fjernet", "removed"},
    {"ui.lookup.found", "funnet", "found"},
    {"ui.lookup.failed", "feilet: {detail}", "failed: {detail}"},
    {"ui.lookup.no-capabilities", "ingen", "none"},
    {"ui.lookup.route", "Forventet rute for {process}: {route} ({reason})",
     "Predicted route for {process}: {route} ({reason})"},
    {"ui.recipients", "Mottakere:", "Recipients:"},
    {"ui.reason.method", "valgt forsendelsesmåte", "the chosen dispatch method"},
    {"ui.reason.reserved", "reservert mot digital post", "reserved against digital post"},
    {"ui.reason.not-notifiable", "kan ikke varsles", "cannot be notified"},
    {"ui.reason.mailbox", "har digital postkasse", "has a digital mailbox"},
    {"ui.reason.no-mailbox", "uten digital postkasse", "no digital mailbox"},
    {"ui.reason.capabilities", "etter integrasjonspunktets tjenester", "by the integrasjonspunkt's capabilities"},
    {"ui.reason.no-registry", "ingen register kjenner mottakeren", "no registry knows the recipient"},
    {"ui.reason.not-found", "finnes ikke i registeret", "not in the register"},
    {"ui.reason.no-record", "registeret har ingen tjeneste brevet kan bruke",
     "the registry has no service record the letter can use"},
    {"ui.reason.no-id", "mangler gyldig identifikator", "no valid identifier"},
    {"ui.recipient-route", "  {index}: {name} – rute {route} ({reason})",
     "  {index}: {name} - route {route} ({reason})"},
    {"ui.error", "preflight: feil: {message}", "preflight: error: {message}"},

    // ---- the web page (GET /, server/web/index.html)
    {"web.title", "preflight – sjekk et brev før det sendes", "preflight – check a letter before it is sent"},
    {"web.intro",
     "Legg inn dokumentene i et brev, velg kanal og se hva som vil feile og hva du gjør. Eller lim inn en melding fra "
     "loggen i arkivsystemet og få den forklart.",
     "Add the documents of a letter, choose the channel, and see what would fail and what to do. Or paste a message "
     "from the archive system's log and get it explained."},
    {"web.skip", "Hopp til innholdet", "Skip to the content"},
    {"web.lang.name", "Norsk", "English"},
    {"web.lang.switch", "Bytt til norsk", "Switch to English"},
    {"web.check.heading", "Sjekk et brev", "Check a letter"},
    {"web.files.label", "Dokumenter (PDF, Word eller tekst)", "Documents (PDF, Word or text)"},
    {"web.files.help",
     "Velg filene, eller slipp dem her. Det første dokumentet er hoveddokumentet. Filene lagres ikke.",
     "Choose the files, or drop them here. The first document is the main document. The files are not stored."},
    {"web.manifest.label", "Journalpost (valgfritt, JSON)", "Journal post (optional, JSON)"},
    {"web.manifest.help",
     "Med en journalpostfil (manifest) sjekkes også navn, tittel og mottakere; filnavnene må stemme med den.",
     "With a journal post file (manifest), names, title and recipients are checked too; the file names must match "
     "it."},
    {"web.channel.label", "Kanal", "Channel"},
    {"web.channel.help",
     "Hvor brevet skal. «Hvilken som helst» sjekker også kravene til papirpost; med en journalpost avgjør da "
     "mottakerne kanalen.",
     "Where the letter goes. \"Any\" also checks what paper mail needs; with a journal post, the recipients then "
     "decide the channel."},
    {"web.channel.general", "Hvilken som helst (også papir)", "Any (paper too)"},
    {"web.channel.print", "Papirpost (utskrift)", "Paper mail (print)"},
    {"web.channel.dpi", "Digital postkasse til innbyggere (DPI)", "Citizen's digital mailbox (DPI)"},
    {"web.channel.dpo", "Offentlig virksomhet (DPO)", "Public body (DPO)"},
    {"web.channel.dpv", "Privat virksomhet (DPV)", "Business (DPV)"},
    {"web.channel.dpf", "KS SvarUt (DPF)", "KS SvarUt (DPF)"},
    {"web.channel.email", "E-post", "E-mail"},
    {"web.channel.signing", "Signering", "Signing"},
    {"web.check.button", "Sjekk brevet", "Check the letter"},
    {"web.check.busy", "Sjekker …", "Checking …"},
    {"web.check.done", "Ferdig. Funn: {count}.", "Done. Findings: {count}."},
    {"web.result.documents", "Dokumenter: {names}", "Documents: {names}"},
    {"web.result.pages", "{pages} sider", "{pages} pages"},
    {"web.result.none", "Ingen funn: alt ser riktig ut.", "No findings: everything looks right."},
    {"web.finding.document", "dokument {document}", "document {document}"},
    {"web.finding.page", "side {page}", "page {page}"},
    {"web.finding.recipient", "mottaker {recipient}", "recipient {recipient}"},
    {"web.finding.remedy", "Hva du gjør:", "What to do:"},
    {"web.explain.heading", "Forklar en loggmelding", "Explain a log message"},
    {"web.explain.label", "Melding eller logg fra arkivsystemet", "Message or log from the archive system"},
    {"web.explain.help", "Lim inn én melding eller en hel logg; hver melding forklares for seg.",
     "Paste one message or a whole log; each message is explained on its own."},
    {"web.explain.button", "Forklar", "Explain"},
    {"web.explain.busy", "Forklarer …", "Explaining …"},
    {"web.explain.done", "Ferdig. Forklarte meldinger: {count}.", "Done. Messages explained: {count}."},
    {"web.explain.result", "Forklaring", "Explanation"},
    {"web.explain.line", "Linje {line}:", "Line {line}:"},
    {"web.explain.records", "Arkivansvarlig gjør:", "The records manager does:"},
    {"web.explain.case", "Si til saksbehandleren:", "Tell the case handler:"},
    {"web.explain.kind.act", "Må følges opp", "Act now"},
    {"web.explain.kind.wait", "Vent", "Wait"},
    {"web.explain.kind.fine", "I orden", "Fine"},
    {"web.explain.kind.unknown", "Ukjent", "Unknown"},
    {"web.error.nofiles", "Velg minst ett dokument først.", "Choose at least one document first."},
    {"web.error.nolog", "Lim inn en melding først.", "Paste a message first."},
    {"web.error.network", "Fikk ikke kontakt med preflight. Prøv igjen.", "Could not reach preflight. Try again."},
    {"web.error.check", "preflight kunne ikke sjekke dette: {message}", "preflight could not check this: {message}"},
    {"web.error.explain", "preflight kunne ikke forklare dette: {message}",
     "preflight could not explain this: {message}"},
    {"web.error.toolarge", "Teksten er større enn {limit}; lim inn en mindre del av loggen.",
     "The text is larger than {limit}; paste a smaller part of the log."},
    {"web.noscript", "Siden trenger JavaScript for å sende filene til preflight.",
     "The page needs JavaScript to send the files to preflight."},
    {"web.privacy", "Filene og teksten brukes bare til denne sjekken og lagres ikke. Fødselsnummer vises maskert.",
     "The files and the text are used for this check only and are not stored. National identity numbers are shown "
     "masked."},

    // ---- preflight fix
    {"error.fix.same-file", "{file} er inndokumentet; skriv kopien til en annen fil (-o)",
     "{file} is the input; write the copy to another file (-o)"},
    {"error.fix.exists", "{file} finnes fra før; velg et annet navn eller bruk --force for å skrive over",
     "{file} already exists; choose another name or use --force to overwrite it"},
    {"error.fix.output", "«preflight fix» trenger -o UT.pdf (hvor kopien skal skrives)",
     "\"preflight fix\" needs -o OUT.pdf (where to write the copy)"},
    {"error.fix.one-file", "«preflight fix» tar ett PDF-dokument (eller --manifest POST.json for navneforslag)",
     "\"preflight fix\" takes one PDF document (or --manifest POST.json for name proposals)"},
    {"error.fix.format", "«preflight fix» skriver tekst eller json, ikke {format}",
     "\"preflight fix\" writes text or json, not {format}"},
    {"fix.refused", "{file} kan ikke gjøres utskriftsklar, fordi:", "{file} cannot be made print-ready, because:"},
    {"fix.failed", "Kunne ikke lage en utskriftsklar kopi av {file} (teknisk årsak: {detail}); ingen fil er skrevet.",
     "Could not make a print-ready copy of {file} ({detail}); no file was written."},
    {"fix.written", "Skrev {file}. Sider i stående A4: {out} (i originalen: {in}).",
     "Wrote {file}. Pages in portrait A4: {out} (in the original: {in})."},
    {"fix.pages",
     "Beholdt som de var: {kept} · snudd fra liggende A4: {turned} · skalert inn på A4: {placed} ({two_up} ark med "
     "to sider, {rotated} dreid) · merknader og lenker flyttet med: {annotations}",
     "Kept as they were: {kept} · turned from landscape A4: {turned} · scaled onto A4: {placed} ({two_up} sheets "
     "with two pages, {rotated} turned) · annotations and links moved along: {annotations}"},
    {"fix.check", "Kopien kontrollert for utskrift:", "The copy checked for print:"},
    {"fix.names.none", "Ingen dokumentnavn er for lange.", "No document name is too long."},
    {"fix.names.title", "Forslag til kortere dokumentnavn (kopier inn i arkivsystemet):",
     "Shorter document names to use (copy them into the archive system):"},
    {"fix.names.document", "{file}", "{file}"},
    {"fix.names.now", "nå, {count} tegn (høyst {limit}):", "now, {count} characters (at most {limit}):"},
    {"fix.names.proposal", "forslag, {count} tegn:", "proposal, {count} characters:"},
    {"fix.names.retitle",
     "Dette er hoveddokumentet: gi journalposten samme tittel, ellers sendes vedleggene ikke (DP406).",
     "This is the main document: give the journal post the same title, or the attachments are not sent (DP406)."},
    {"fix.names.remedy", "Endre navnet på dokumentet i journalposten og send på nytt; filene selv trenger ikke endres.",
     "Rename the document in the journal post and send again; the files themselves need no change."},
    {"ui.severity.block", "blokkerer", "block"},
    {"ui.severity.warn", "advarsel", "warn"},
    {"ui.severity.info", "info", "info"},
    {"ui.page", "side {page}", "page {page}"},
    {"ui.recipient", "mottaker {index}", "recipient {index}"},
    {"ui.post", "journalposten", "journal post"},
    {"ui.remedy", "Gjør slik", "What to do"},
    {"ui.summary", "Dokumenter: {documents} · blokkerer: {block} · advarsler: {warn} · info: {info}",
     "Documents: {documents} · blocking: {block} · warnings: {warn} · info: {info}"},
    {"ui.verdict.scan.pass", "Resultat: malene kan brukes", "Verdict: the templates can be used"},
    {"ui.verdict.scan.warn", "Resultat: malene kan brukes, men se advarslene",
     "Verdict: the templates can be used, but read the warnings"},
    {"ui.verdict.scan.block", "Resultat: STOPP – brev laget fra malene som blokkerer, vil feile",
     "Verdict: STOP – letters made from the blocking templates would fail"},
    {"ui.verdict.pass", "Resultat: klar til sending", "Verdict: ready to send"},
    {"ui.verdict.warn", "Resultat: kan sendes, men se advarslene", "Verdict: can be sent, but read the warnings"},
    {"ui.verdict.block", "Resultat: STOPP – brevet vil feile eller komme frem ufullstendig",
     "Verdict: STOP – the letter would fail or arrive incomplete"},
    // The gate (preflight serve): answers to the archive system and API clients.
    {"gate.blocked", "Stoppet av preflight før sending ({code}): {message} Gjør slik: {remedy}{more}",
     "Stopped by preflight before sending ({code}): {message} What to do: {remedy}{more}"},
    {"gate.blocked.more", " ({count} funn til blokkerer; se «findings».)",
     " ({count} more findings block; see \"findings\".)"},
    {"gate.error.header-too-large", "Hodet i forespørselen er over grensen på {limit} byte.",
     "The request headers exceed the limit of {limit} bytes."},
    {"gate.error.malformed", "Forespørselen er ikke gyldig HTTP ({detail}).",
     "The request is not valid HTTP ({detail})."},
    {"gate.error.internal",
     "Intern feil i preflight (hendelse {detail} i preflights logg); brevet er ikke sendt videre. Prøv igjen, og meld "
     "fra til IT om det gjentar seg.",
     "Internal error in preflight (incident {detail} in preflight's log); the letter was not passed on. Try again, and "
     "tell IT if it happens again."},
    {"gate.error.framing",
     "Forespørselen er tvetydig avgrenset ({detail}); preflight og integrasjonspunktet kunne lest ulike forespørsler "
     "ut av den, så den er ikke sendt videre.",
     "The request's framing is ambiguous ({detail}); preflight and the integrasjonspunkt could read different "
     "requests from it, so it was not passed on."},
    {"gate.error.method-not-served",
     "Metoden {method} brukes ikke mot integrasjonspunktet; forespørselen er ikke sendt videre.",
     "The method {method} is not used with the integrasjonspunkt; the request was not passed on."},
    {"gate.error.unplaceable",
     "preflight kan ikke avgjøre sikkert hvilken tjeneste i integrasjonspunktet adressen fører til ({detail}); "
     "forespørselen er ikke sendt videre. Bruk adressen slik integrasjonspunktets API beskriver den.",
     "preflight cannot tell with certainty which integrasjonspunkt service this path leads to ({detail}); the request "
     "was not passed on. Use the path as the integrasjonspunkt's API describes it."},
    {"gate.error.disposition",
     "Content-Disposition kan ikke leses sikkert ({detail}). Oppgi filnavnet én gang i filename= (og eventuelt det "
     "samme i filename*=), og navnet én gang i name=.",
     "The Content-Disposition cannot be read with certainty ({detail}). Give the file name once in filename (and, if "
     "used, the same in filename*), and the name once in name."},
    {"gate.error.repeated-header",
     "Overskriften {header} står mer enn én gang; preflight kan ikke vite hvilken integrasjonspunktet leser.",
     "The header {header} is given more than once; preflight cannot know which one the integrasjonspunkt reads."},
    {"gate.error.upload-form",
     "En opplasting med Content-Type {type} leser integrasjonspunktet som et skjema, ikke som filen; send filen med "
     "sin egen type (for eksempel application/pdf).",
     "The integrasjonspunkt reads an upload with Content-Type {type} as a form, not as the file; send the file with "
     "its own type (for example application/pdf)."},
    {"gate.error.query", "Parameterne i adressen kan ikke leses sikkert ({detail}).",
     "The parameters in the path cannot be read with certainty ({detail})."},
    {"gate.error.sbd-part",
     "Forsendelsen har «sbd» {detail}; integrasjonspunktet kan da lese en annen forsendelse enn den preflight "
     "sjekker. Send SBD-en én gang, som delen «sbd» uten filnavn.",
     "The message has \"sbd\" {detail}; the integrasjonspunkt could then read another message than the one preflight "
     "checks. Send the SBD once, as the part \"sbd\" without a file name."},
    {"gate.error.incomplete",
     "Forsendelsen {id} er ufullstendig: opplastingen av {file} ble avvist, så brevet ville gått uten den. Lag "
     "forsendelsen på nytt i arkivsystemet med alle dokumentene.",
     "The message {id} is incomplete: the upload of {file} was refused, so the letter would go without it. Create "
     "the message again in the archive system with every document."},
    {"gate.error.outcome-unknown",
     "Integrasjonspunktet svarte ikke ferdig på sendingen ({detail}): brevet kan være sendt. Sjekk statusen for "
     "meldingen {id} før du sender på nytt; preflight slipper ikke en ny sending gjennom før statusen er kjent.",
     "The integrasjonspunkt did not answer the send in full ({detail}): the letter may have been sent. Check the "
     "status of the message {id} before sending again; preflight lets no new send through until the status is "
     "known."},
    {"gate.error.resend-unknown",
     "Sendingen av meldingen {id} har ukjent utfall: brevet kan allerede være sendt. Sjekk statusen for meldingen "
     "før du sender på nytt; preflight slipper ikke en ny sending gjennom før statusen er kjent.",
     "The send of the message {id} has an unknown outcome: the letter may already have been sent. Check the status "
     "of the message before sending again; preflight lets no new send through until the status is known."},
    {"gate.error.already-sent",
     "Meldingen {id} er allerede sendt (status {status} hos integrasjonspunktet); den sendes ikke en gang til.",
     "The message {id} has already been sent (status {status} at the integrasjonspunkt); it is not sent again."},
    {"gate.error.upstream-broken",
     "Integrasjonspunktet svarte ikke ferdig ({detail}); preflight regner forespørselen som mislykket. Er det en "
     "opplasting, må forsendelsen lages på nytt.",
     "The integrasjonspunkt did not answer in full ({detail}); preflight counts the request as failed. If it was an "
     "upload, the message must be created again."},
    {"gate.error.method", "Metoden er ikke tillatt her; bruk {allowed}.", "Method not allowed here; use {allowed}."},
    {"gate.error.not-found", "Ingen slik adresse hos preflight: {path}", "No such path at preflight: {path}"},
    {"gate.error.not-multipart", "Forventet multipart/form-data med en boundary.",
     "Expected multipart/form-data with a boundary."},
    {"gate.error.busy", "preflight tar imot for mange opplastinger akkurat nå; prøv igjen om litt.",
     "preflight is receiving too many uploads right now; try again shortly."},
    {"gate.error.memory",
     "preflight har ikke minne ledig til denne forespørselen akkurat nå (andre forespørsler bruker det); prøv igjen om "
     "litt.",
     "preflight has no memory free for this request right now (other requests are using it); try again shortly."},
    {"gate.error.memory-never",
     "Forespørselen trenger mer minne enn porten har til alle forespørsler til sammen ({limit} MiB); del den opp, "
     "eller sjekk den med preflight på kommandolinjen.",
     "The request needs more memory than the gate has for all requests together ({limit} MiB); split it up, or check "
     "it with preflight on the command line."},
    {"gate.error.explain-entries",
     "Loggen har {entries} meldinger; porten forklarer høyst {limit} om gangen. Send loggen for ett brev, eller bruk "
     "«preflight explain --log» på kommandolinjen.",
     "The log has {entries} messages; the gate explains at most {limit} at a time. Send the log of one letter, or use "
     "\"preflight explain --log\" on the command line."},
    {"gate.error.slow-request",
     "Forespørselen ble ikke mottatt helt innen {seconds} sekunder; forbindelsen lukkes. Send den på nytt.",
     "The request was not received in full within {seconds} seconds; the connection is closed. Send it again."},
    {"gate.error.slow-body",
     "Innholdet kommer saktere enn {rate} KiB i sekundet; forbindelsen lukkes. Send forespørselen på nytt.",
     "The body arrives slower than {rate} KiB a second; the connection is closed. Send the request again."},
    {"gate.error.sent-before",
     "Forsendelsen {id} er allerede sendt gjennom preflight; den sendes ikke en gang til. Sjekk statusen i "
     "integrasjonspunktet.",
     "The message {id} was already sent through preflight; it is not sent again. Check its status in the "
     "integrasjonspunkt."},
    {"gate.error.too-large", "Forespørselen er over grensen på {limit} byte.",
     "The request exceeds the limit of {limit} bytes."},
    {"gate.error.multipart", "Multipart-innholdet kan ikke leses: {detail}.",
     "The multipart body cannot be read: {detail}."},
    {"serve.page", "nettsiden for arkivansvarlige: {url}", "the web page for records managers: {url}"},
    {"gate.error.fix-no-file", "Forespørselen har ingen PDF å lage en utskriftsklar kopi av (send én fil).",
     "The request has no PDF to make a print-ready copy of (send one file)."},
    {"gate.error.fix-refused", "preflight kan ikke lage en utskriftsklar kopi av «{file}»: {why}",
     "preflight cannot make a print-ready copy of \"{file}\": {why}"},
    {"gate.error.fix-failed", "Kunne ikke lage en utskriftsklar kopi av «{file}» ({detail}).",
     "Could not make a print-ready copy of \"{file}\" ({detail})."},
    {"gate.fix.filename", "{stem} (utskriftsklar A4).pdf", "{stem} (print-ready A4).pdf"},
    {"gate.fix.filename-two-up", "{stem} (utskriftsklar A4, to per side).pdf",
     "{stem} (print-ready A4, two per page).pdf"},
    {"gate.error.no-manifest", "Forespørselen mangler delen «manifest» (journalpostens manifest i JSON).",
     "The request has no \"manifest\" part (the journal post's manifest as JSON)."},
    {"gate.error.unlisted-part", "Filen «{file}» er lastet opp, men står ikke i manifestet.",
     "The file \"{file}\" was uploaded but is not listed in the manifest."},
    {"gate.error.upstream",
     "Integrasjonspunktet svarer ikke ({detail}); brevet er ikke sendt. Prøv igjen senere, og meld fra til IT om det "
     "varer.",
     "The integrasjonspunkt does not answer ({detail}); the letter was not sent. Try again later, and tell IT if it "
     "lasts."},
    {"gate.error.sbd", "preflight kan ikke lese forsendelsen (SBD): {detail}",
     "preflight cannot read the message (SBD): {detail}"},
    {"gate.error.no-sbd", "Forsendelsen mangler delen «sbd».", "The message has no \"sbd\" part."},
    {"gate.error.unknown-message",
     "preflight kjenner ikke forsendelsen {id} (den ble ikke opprettet gjennom preflight, eller er for gammel). Send "
     "brevet på nytt fra arkivsystemet.",
     "preflight does not know the message {id} (it was not created through preflight, or is too old). Send the letter "
     "again from the archive system."},
    {"gate.error.no-filename",
     "Opplastingen mangler filnavn (Content-Disposition: attachment; name=...; filename=...).",
     "The upload has no file name (Content-Disposition: attachment; name=...; filename=...)."},
    {"error.gate.upstream-url", "ugyldig --upstream «{url}»: bruk http://vert:port[/sti]",
     "invalid --upstream \"{url}\": use http://host:port[/path]"},
    {"error.gate.listen", "ugyldig --listen «{value}»: bruk adresse:port, f.eks. 127.0.0.1:8480",
     "invalid --listen \"{value}\": use address:port, e.g. 127.0.0.1:8480"},
    {"error.gate.bind", "kan ikke lytte på {address}: {detail}", "cannot listen on {address}: {detail}"},
    {"error.gate.state", "kan ikke åpne porten sitt tilstandslager: {detail}",
     "cannot open the gate's state store: {detail}"},
    {"ui.checks.header", "kode   navn                       alvorlighet", "code   slug                       severity"},
    {"ui.checks.options", "innstillinger", "options"},
#include "validator/catalogue_cli.inc"
#include "validator/catalogue_errors.inc"
#include "validator/catalogue_explain.inc"
#include "validator/catalogue_web.inc"
};

const std::unordered_map<std::string_view, const Entry*>& index() {
    static const auto map = [] {
        std::unordered_map<std::string_view, const Entry*> m;
        for (const auto& e : kEntries) {
            m.emplace(e.id, &e);
        }
        return m;
    }();
    return map;
}

// Marks a MIME type made by file_type(): U+E001 before it, U+E002 after it.
constexpr std::string_view kTypeStart = "\xEE\x80\x81";
constexpr std::string_view kTypeEnd = "\xEE\x80\x82";

// The catalogue's name for `mime` (several types libmagic gives an old Word file are one).
std::string type_id(std::string_view mime) {
    std::string id = "filetype." + std::string(mime);
    if (mime == "application/x-ole-storage" || mime == "application/CDFV2") {
        id = "filetype.application/msword";
    } else if (mime == "application/xml") {
        id = "filetype.text/xml";
    } else if (mime == "image/jpg") {
        id = "filetype.image/jpeg";
    }
    return id;
}

// Marks a number made by decimal() (U+E000, a private-use character that no text has):
// text() takes it out and writes the number's decimal mark in the message's language.
constexpr std::string_view kDecimalMark = "\xEE\x80\x80";

std::string named_types(std::string value, Lang lang) {
    for (auto at = value.find(kTypeStart); at != std::string::npos; at = value.find(kTypeStart, at)) {
        const auto end = value.find(kTypeEnd, at);
        if (end == std::string::npos) {
            break;
        }
        const std::string mime = value.substr(at + kTypeStart.size(), end - at - kTypeStart.size());
        const std::string name = file_type_name(mime, lang);
        value.replace(at, end + kTypeEnd.size() - at, name);
        at += name.size();
    }
    return value;
}

// Phrases made by phrase() (base/error.hpp): U+E003 id (U+E005 name U+E006 value)* U+E004,
// values possibly phrases themselves.
constexpr std::string_view kPhraseStart = "\xEE\x80\x83";
constexpr std::string_view kPhraseEnd = "\xEE\x80\x84";
constexpr std::string_view kPhraseName = "\xEE\x80\x85";
constexpr std::string_view kPhraseValue = "\xEE\x80\x86";

// The end of the phrase that starts at `at` (the offset of its end marker), npos when
// it is not closed.
std::size_t phrase_end(std::string_view value, std::size_t at) {
    int depth = 0;
    for (std::size_t i = at; i + kPhraseEnd.size() <= value.size();) {
        const std::string_view rest = value.substr(i);
        if (rest.starts_with(kPhraseStart)) {
            ++depth;
            i += kPhraseStart.size();
        } else if (rest.starts_with(kPhraseEnd)) {
            if (--depth == 0) {
                return i;
            }
            i += kPhraseEnd.size();
        } else {
            ++i;
        }
    }
    return std::string_view::npos;
}

std::string text_at(std::string_view id, Lang lang, const MessageArgs& args, int depth);

// Phrases nest this deep at most (a reason within a reason within a message); deeper,
// a value is shown without its markers.
constexpr int kMaxPhraseDepth = 8;

// The ids a phrase may name: the reasons of the lower layers (catalogue_errors.inc).
bool phrase_id(std::string_view id) {
    for (const std::string_view prefix : {"json.", "zip.", "docx.", "errno.", "isolate.", "fix.error.", "multipart.",
                                          "disposition.", "scan.", "pdf."}) {
        if (id.starts_with(prefix)) {
            return has(id);
        }
    }
    return false;
}

// The phrase between its markers: its id and arguments, split where nesting is zero.
std::string phrase_text(std::string_view inner, Lang lang, int depth) {
    std::vector<std::string_view> pieces;  // id, name, value, name, value, ...
    int nesting = 0;
    std::size_t from = 0;
    for (std::size_t i = 0; i < inner.size();) {
        const std::string_view rest = inner.substr(i);
        if (rest.starts_with(kPhraseStart)) {
            ++nesting;
            i += kPhraseStart.size();
        } else if (rest.starts_with(kPhraseEnd)) {
            --nesting;
            i += kPhraseEnd.size();
        } else if (nesting == 0 && (rest.starts_with(kPhraseName) || rest.starts_with(kPhraseValue))) {
            pieces.push_back(inner.substr(from, i - from));
            i += kPhraseName.size();
            from = i;
        } else {
            ++i;
        }
    }
    pieces.push_back(inner.substr(from));
    if (!phrase_id(pieces.front()) || pieces.size() % 2 == 0) {
        throw std::invalid_argument("not a phrase");
    }
    MessageArgs args;
    for (std::size_t k = 1; k + 1 < pieces.size(); k += 2) {
        args.emplace_back(std::string(pieces[k]), std::string(pieces[k + 1]));
    }
    return text_at(pieces.front(), lang, args, depth);
}

// A value that is one phrase, whole, of a known id (made by phrase(): text from outside
// has lost its markers there), worded in `lang`; any other value without its markers.
std::string phrases(std::string value, Lang lang, int depth) {
    if (value.find(kPhraseStart) == std::string::npos && value.find(kPhraseEnd) == std::string::npos &&
        value.find(kPhraseName) == std::string::npos && value.find(kPhraseValue) == std::string::npos) {
        return value;
    }
    const bool whole = value.starts_with(kPhraseStart) && depth < kMaxPhraseDepth &&
                       phrase_end(value, 0) == value.size() - kPhraseEnd.size();
    if (whole) {
        try {
            return phrase_text(std::string_view(value).substr(kPhraseStart.size(),
                                                              value.size() - kPhraseStart.size() - kPhraseEnd.size()),
                               lang, depth + 1);
        } catch (const std::invalid_argument&) {
            // not a phrase after all: shown without its markers, below
        } catch (const fmt::format_error&) {
            // a phrase without the arguments its text needs: likewise
        }
    }
    return without_phrase_markers(value);
}

std::string localised(std::string value, Lang lang, int depth = 0) {
    value = phrases(std::move(value), lang, depth);
    value = named_types(std::move(value), lang);
    for (auto at = value.find(kDecimalMark); at != std::string::npos; at = value.find(kDecimalMark, at)) {
        value.erase(at, kDecimalMark.size());
        auto point = at;
        while (point < value.size() && (value[point] == '-' || (value[point] >= '0' && value[point] <= '9'))) {
            ++point;
        }
        if (lang == Lang::nb && point < value.size() && value[point] == '.') {
            value[point] = ',';
        }
    }
    return value;
}

}  // namespace

std::string format_decimal(double value, int digits, Lang lang) { return localised(decimal(value, digits), lang); }

std::string decimal(double value, int digits) {
    return std::string(kDecimalMark) +
           (digits < 0 ? fmt::format("{:g}", value) : fmt::format("{:.{}f}", value, digits));
}

std::string words(std::string_view value, Lang lang) { return localised(std::string(value), lang); }

std::string file_type(std::string_view mime) {
    return std::string(kTypeStart) + std::string(mime) + std::string(kTypeEnd);
}

std::string file_type_name(std::string_view mime, Lang lang) {
    const std::string id = type_id(mime);
    return has(id) ? text(id, lang) : text("filetype.other", lang, {{"mime", std::string(mime)}});
}

std::span<const Entry> entries() { return kEntries; }

bool has(std::string_view id) { return index().count(id) != 0; }

std::string text(std::string_view id, Lang lang, const MessageArgs& args) { return text_at(id, lang, args, 0); }

namespace {

std::string text_at(std::string_view id, Lang lang, const MessageArgs& args, int depth) {
    const auto it = index().find(id);
    if (it == index().end()) {
        throw std::out_of_range("message not in the catalogue: " + std::string(id));
    }
    const std::string_view pattern = lang == Lang::nb ? it->second->nb : it->second->en;
    fmt::dynamic_format_arg_store<fmt::format_context> store;
    for (const auto& [name, value] : args) {
        store.push_back(fmt::arg(name.c_str(), localised(value, lang, depth)));
    }
    return fmt::vformat(pattern, store);
}

}  // namespace

const std::vector<CauseChecks>& cause_checks() {
    static const std::vector<CauseChecks> table = {
        {"recipient-not-looked-up", {"DP501", "DP502", "DP503"}, {}, ""},
        {"return-mail", {"DP505", "DP504"}, {}, ""},
        {"failed-after-a-day", {"DP101", "DP201"}, {}, ""},
        {"transfer-failed", {"DP101", "DP201", "DP505"}, {}, ""},
        {"receiver-process",
         {"DP301", "DP507"},
         {{"DP507", "explain.note.cause-no-record"}, {"DP301", "explain.note.cause-not-a4"}},
         "explain.note.cause-not-shown"},
        {"receiver-capability",
         {"DP507"},
         {{"DP507", "explain.note.cause-no-record"}, {"DP301", "explain.note.cause-not-a4"}},
         "explain.note.cause-not-shown"},
        {"size-exceeded", {"DP201"}, {}, ""},
        {"duplicate-filename", {"DP405"}, {}, ""},
        {"filename-too-long", {"DP101"}, {}, ""},
        {"missing-address", {"DP505"}, {}, ""},
        {"main-document-count", {"DP404"}, {}, ""},
        {"content-type", {"DP401"}, {}, ""},
        {"title-too-long", {"DP103"}, {}, ""},
        {"receipt-expired", {}, {}, ""},
        {"receipt-expired-undelivered", {}, {}, ""},
        {"delivered", {}, {}, ""},
        {"sent-waiting", {"DP506", "DP101", "DP201"}, {}, ""},
        {"email-sent", {}, {}, ""},
        {"signer-reserved", {"DP512", "DP511"}, {}, ""},
        {"signing-size", {"DP202"}, {}, ""},
        {"signing-expired", {}, {}, ""},
        {"signing-rejected", {}, {}, ""},
        {"signing-not-received", {}, {}, ""},
        {"attachments-missing", {"DP406", "DP405"}, {}, ""},
        {"main-document-missing", {"DP405", "DP404"}, {}, ""},
        {"blocked-by-preflight", {}, {}, ""},
        {"gate-error", {}, {}, ""},
        {"unknown", {}, {}, ""},
    };
    return table;
}

}  // namespace preflight::catalogue
