#!/usr/bin/env bash
# Every report preflight writes, over fixtures/ and ../shared/corpus, in every format,
# saved to one folder per run so that two builds can be compared byte for byte:
#
#   scripts/report-snapshot.sh BIN OUT      (run from the repository's root)
#   diff -r OUT-before OUT-after
#
# Used to show that a refactoring changes no report (issue 24). The version line
# (`preflight 0.1.0 (<git describe>)`) is the one thing normalised away. Each output file
# ends with the command's exit code. fix writes PDFs; their SHA-256 is what is kept.
set -euo pipefail
[ -x "$1" ] || { echo "report-snapshot: $1 is not a program (the normal build's is build/bin/preflight)" >&2; exit 2; }
bin=$(realpath "$1")
out=$2
corpus=${PREFLIGHT_CORPUS:-../shared/corpus}
rm -rf "$out"
mkdir -p "$out"
formats="text json junit sarif github gitlab"
export bin out

# run NAME ARGS...: stdout+stderr and the exit code into $out/NAME.
run() {
    local name=$1
    shift
    mkdir -p "$(dirname "$out/$name")"
    local rc=0
    "$bin" "$@" >"$out/$name" 2>&1 || rc=$?
    sed -i -E 's/preflight [0-9]+\.[0-9]+\.[0-9]+ \([^)]*\)/preflight VERSION/g; s/"version": ?"[^"]*"/"version":"VERSION"/g' "$out/$name"
    echo "exit $rc" >>"$out/$name"
}
export -f run

jobs=()
# Loose documents: every fixture document, in every format, general and print.
while IFS= read -r f; do
    for fmt in $formats; do
        jobs+=("docs/$f.$fmt|check|$f|--format|$fmt")
    done
    jobs+=("docs/$f.print.json|check|$f|--channel|print|--format|json")
    jobs+=("docs/$f.en.text|check|$f|--lang|en")
done < <(find fixtures -type f \( -name '*.pdf' -o -name '*.docx' -o -name '*.dotx' -o -name '*.txt' \) | sort)
# Journal posts, with the end-to-end registry.
while IFS= read -r m; do
    for fmt in $formats; do
        jobs+=("posts/$m.$fmt|check|--manifest|$m|--config|fixtures/e2e/preflight.ini|--format|$fmt")
    done
done < <(find fixtures/e2e fixtures/example -name '*.json' ! -name registry.json | sort)
for fmt in $formats; do
    jobs+=("scan/templates.$fmt|scan|fixtures/templates|--format|$fmt")
    jobs+=("checks/list.$fmt|checks|--format|$fmt")
    jobs+=("explain/log.$fmt|explain|--log|fixtures/explain/elements-log.txt|--format|$fmt")
    jobs+=("explain/statuses.$fmt|explain|--statuses|fixtures/explain/statuses.json|--format|$fmt")
done
jobs+=("checks/dump-config|checks|--dump-config")
# The corpus: every file on its own (json), and each folder at once in every format.
if [[ -d $corpus ]]; then
    while IFS= read -r f; do
        jobs+=("corpus/${f#"$corpus"/}.json|check|$f|--format|json")
    done < <(find "$corpus" -type f | sort)
    for d in "$corpus"/*/; do
        for fmt in $formats; do
            jobs+=("corpus-all/$(basename "$d").$fmt|scan|$d|--format|$fmt")
        done
    done
fi
printf '%s\n' "${jobs[@]}" | xargs -d '\n' -P "$(nproc)" -I{} bash -c 'IFS="|" read -ra a <<<"$1"; run "${a[@]}"' _ {}

# fix: each fixture PDF and each corpus PDF; the copy's SHA-256 and the messages.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
    find fixtures -name '*.pdf'
    [[ -d $corpus ]] && find "$corpus" -type f
} | sort | while IFS= read -r f; do
    rc=0
    "$bin" fix "$f" -o "$tmp/out.pdf" --force >"$tmp/log" 2>&1 || rc=$?
    sum=-
    # PoDoFo stamps a copy without a document ID with a new one and the time: both out.
    [[ -f $tmp/out.pdf ]] && sum=$(perl -0pe 's/\/ID\s*\[\s*<[0-9A-Fa-f]*>\s*<[0-9A-Fa-f]*>\s*\]/\/ID[]/g; s/\(D:\d{14}[^)]*\)/(D:)/g' "$tmp/out.pdf" | sha256sum | cut -d' ' -f1)
    printf '%s exit %s %s %s\n' "$f" "$rc" "$sum" "$(tr '\n' ' ' <"$tmp/log" | sed "s|$tmp|TMP|g")"
    rm -f "$tmp/out.pdf"
done >"$out/fix.txt"
echo "$(find "$out" -type f | wc -l) reports in $out"
