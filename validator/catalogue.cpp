#include "validator/catalogue.hpp"

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
    {"DP101.severity", "blokkerer for DPI, generell og signering; ellers advarsel",
     "block for DPI, general and signing; warn otherwise"},
    {"DP101.too-long", "Dokumentnavnet «{name}» har {count} tegn; grensen er {limit} ({over} for mye)",
     "The document name \"{name}\" has {count} characters; the limit is {limit} ({over} too many)"},
    {"DP101.too-long.remedy",
     "Kort ned dokumentnavnet i arkivsystemet (helst i ephorte, så tittelen flettes riktig) før brevet ekspederes. "
     "Ellers blir det stående som «sendt» og feiler etter et døgn.",
     "Shorten the document name in the archive system (preferably in ephorte, so the title is merged correctly) before "
     "sending. Otherwise the letter stays \"sent\" and fails about a day later."},
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

    // ---- DP301 page-format
    {"DP301.summary", "Side som ikke er stående A4 (utskrift krever det)",
     "A page that is not portrait A4 (print requires it)"},
    {"DP301.severity", "blokkerer når brevet kan gå til utskrift (liggende A4: advarsel); ellers info",
     "block when print-bound (landscape A4: warn); info otherwise"},
    {"DP301.size", "Side {page} er {width} × {height} mm; utskrift krever stående A4, 210 × 297 mm (± {tolerance} mm)",
     "Page {page} is {width} × {height} mm; print requires portrait A4, 210 × 297 mm (± {tolerance} mm)"},
    {"DP301.size.remedy",
     "Lagre dokumentet som PDF i A4 stående (for lysbilder: skriv ut som «støtteark» eller flere lysbilder per "
     "A4-side).",
     "Save the document as PDF in portrait A4 (for slides: print as handouts, several slides per A4 page)."},
    {"DP301.size-pages",
     "{count} sider, fra side {page}, er {width} × {height} mm; utskrift krever stående A4, 210 × 297 mm (± "
     "{tolerance} mm)",
     "{count} pages, from page {page}, are {width} × {height} mm; print requires portrait A4, 210 × 297 mm (± "
     "{tolerance} mm)"},
    {"DP301.size-pages.remedy",
     "Lagre dokumentet som PDF i A4 stående (for lysbilder: skriv ut som «støtteark» eller flere lysbilder per "
     "A4-side).",
     "Save the document as PDF in portrait A4 (for slides: print as handouts, several slides per A4 page)."},
    {"DP301.landscape", "Side {page} er liggende A4 ({width} × {height} mm); utskrift skjer på stående A4",
     "Page {page} is landscape A4 ({width} × {height} mm); print uses portrait A4"},
    {"DP301.landscape.remedy",
     "Roter siden til stående i PDF-en, eller kontroller at innholdet tåler å bli rotert ved utskrift.",
     "Rotate the page to portrait in the PDF, or make sure the content survives being rotated for print."},
    {"DP301.landscape-pages",
     "{count} sider, fra side {page}, er liggende A4 ({width} × {height} mm); utskrift skjer på stående A4",
     "{count} pages, from page {page}, are landscape A4 ({width} × {height} mm); print uses portrait A4"},
    {"DP301.landscape-pages.remedy",
     "Roter sidene til stående i PDF-en, eller kontroller at innholdet tåler å bli rotert ved utskrift.",
     "Rotate the pages to portrait in the PDF, or make sure the content survives being rotated for print."},

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
    {"DP303.summary", "PDF-en kan ikke leses pålitelig", "The PDF cannot be read reliably"},
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
     "Lag PDF-en på nytt fra originalen, eller øk [pdf] wall-seconds hvis filen er til å stole på.",
     "Create the PDF again from the original, or raise [pdf] wall-seconds if the file is trusted."},
    {"DP303.crashed", "PDF-leseren krasjet på filen ({detail})", "The PDF reader crashed on the file ({detail})"},
    {"DP303.crashed.remedy", "Ikke send filen. Lag PDF-en på nytt fra originalen.",
     "Do not send the file. Create the PDF again from the original."},
    {"DP303.internal", "Analysen av PDF-en ga et svar som ikke kunne forstås ({detail})",
     "Analysing the PDF gave an answer that could not be understood ({detail})"},
    {"DP303.internal.remedy", "Lag PDF-en på nytt fra originalen, og meld feilen til de som drifter preflight.",
     "Create the PDF again from the original, and report the fault to whoever runs preflight."},

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
    {"DP401.unknown", "Filtypen kunne ikke gjenkjennes ({type})", "The file type could not be recognised ({type})"},
    {"DP401.unknown.remedy", "Kontroller at filen er det du tror, og lagre den helst som PDF.",
     "Make sure the file is what you think it is, and preferably save it as PDF."},

    // ---- DP402 extension-mismatch
    {"DP402.summary", "Filendelsen stemmer ikke med innholdet", "The extension disagrees with the content"},
    {"DP402.severity", "advarsel", "warn"},
    {"DP402.mismatch", "Filen heter «{extension}», men innholdet er {type}",
     "The file is named \"{extension}\" but its content is {type}"},
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
    {"error.usage", "{detail}", "{detail}"},
    {"error.usage.command", "ukjent kommando «{command}»; kjente kommandoer: check, checks",
     "unknown command \"{command}\"; known commands: check, checks"},
    {"error.usage.no-command", "mangler kommando; prøv «preflight check FIL…» eller «preflight --help»",
     "no command; try \"preflight check FILE...\" or \"preflight --help\""},
    {"error.usage.no-files", "check trenger filer eller --manifest", "check needs files or --manifest"},
    {"error.usage.no-arguments", "«{command}» tar ingen argumenter", "\"{command}\" takes no arguments"},
    {"error.usage.both", "bruk enten filer eller --manifest, ikke begge", "give either files or --manifest, not both"},
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
    {"error.internal", "intern feil: {detail}", "internal error: {detail}"},

    // ---- renderers and command line
    {"ui.error", "preflight: feil: {message}", "preflight: error: {message}"},
    {"ui.severity.block", "blokkerer", "block"},
    {"ui.severity.warn", "advarsel", "warn"},
    {"ui.severity.info", "info", "info"},
    {"ui.page", "side {page}", "page {page}"},
    {"ui.recipient", "mottaker {index}", "recipient {index}"},
    {"ui.post", "journalposten", "journal post"},
    {"ui.remedy", "Gjør slik", "What to do"},
    {"ui.summary", "Dokumenter: {documents} · blokkerer: {block} · advarsler: {warn} · info: {info}",
     "Documents: {documents} · blocking: {block} · warnings: {warn} · info: {info}"},
    {"ui.verdict.pass", "Resultat: klar til sending", "Verdict: ready to send"},
    {"ui.verdict.warn", "Resultat: kan sendes, men se advarslene", "Verdict: can be sent, but read the warnings"},
    {"ui.verdict.block", "Resultat: STOPP – brevet vil feile eller komme frem ufullstendig",
     "Verdict: STOP – the letter would fail or arrive incomplete"},
    {"ui.checks.header", "kode   navn                     alvorlighet", "code   slug                     severity"},
    {"ui.checks.options", "innstillinger", "options"},
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

}  // namespace

std::span<const Entry> entries() { return kEntries; }

bool has(std::string_view id) { return index().count(id) != 0; }

std::string text(std::string_view id, Lang lang, const MessageArgs& args) {
    const auto it = index().find(id);
    if (it == index().end()) {
        throw std::out_of_range("message not in the catalogue: " + std::string(id));
    }
    const std::string_view pattern = lang == Lang::nb ? it->second->nb : it->second->en;
    fmt::dynamic_format_arg_store<fmt::format_context> store;
    for (const auto& [name, value] : args) {
        store.push_back(fmt::arg(name.c_str(), value));
    }
    return fmt::vformat(pattern, store);
}

}  // namespace preflight::catalogue
