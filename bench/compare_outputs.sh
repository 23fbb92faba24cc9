#!/bin/bash
# Behaviour kept: every user-facing output of one checkout's code, to compare two commits
# byte for byte (a refactoring that means to change nothing is checked with it).
#
#   git worktree add /tmp/before START_COMMIT
#   bench/compare_outputs.sh /tmp/before /tmp/outputs-before
#   bench/compare_outputs.sh "$PWD" /tmp/outputs-after
#   diff -r /tmp/outputs-before /tmp/outputs-after
#
# Outputs that hold their own folder's name or a time (the match and build summaries, the
# simulated analyst's seconds per action, the workbook's zip timestamps) differ between
# any two runs; compare those with the folder names and times masked.
set -u
SRC=$(cd "$1" && pwd); O=$2; rm -rf "$O"; mkdir -p "$O"; O=$(cd "$O" && pwd)
HERE=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
cp -r "$HERE/data/mappings" "$WORK/dec"
export PYTHONPATH=$SRC/src KCGRAPH_OUT_DIR=$O/out KCGRAPH_MAPPINGS=$WORK/dec
export KCGRAPH_CACHE_DIR=${KCGRAPH_CACHE_DIR:-$HERE/.cache/compare}
K="$HERE/.venv/bin/python -m kcgraph"
cd "$SRC"
$K build > $O/build.txt 2>&1
for t in profiles esco isco; do $K match --target $t --fresh > $O/match-$t.txt 2>&1; done
$K export --format json-ld -o $O/export.jsonld > /dev/null 2>&1
$K export --format turtle -o $O/export.ttl > /dev/null 2>&1
$K stats > $O/stats.txt 2>&1
$K review status > $O/status.txt 2>&1
$K review next > $O/next.txt 2>&1
$K review screen > $O/screen.txt 2>&1
$K review screen --target esco > $O/screen-esco.txt 2>&1
A=$(grep -o "review answer [^ ]* [^ ]*" $O/screen.txt | head -1 | cut -d" " -f3,4)
$K review answer $A 1 2=exactMatch --reviewer orcid:0000-0002-1825-0097 > $O/answer.txt 2>&1
$K review answer $A 9=foo --reviewer orcid:0000-0002-1825-0097 > $O/answer-bad.txt 2>&1
$K review simulate --gold "$HERE/../shared/eval/crosswalk-dev.tsv" --actions 30 > $O/simulate.txt 2>/dev/null
$K review search "klachten" > $O/search.txt 2>&1
for q in $(ls $SRC/queries/*.rq); do n=$(basename $q .rq); $K query $n > $O/q-$n.txt 2>&1; done
$K site -o $O/site > /dev/null 2>&1
$K review export -o $O/sheet.xlsx > $O/export-sheet.txt 2>&1
$K diff $O/out $O/out > $O/diff.txt 2>&1
$K review --help > $O/help-review.txt 2>&1
$K --help > $O/help.txt 2>&1
$K review answer --help > $O/help-answer.txt 2>&1
cp -r "$WORK/dec" "$O/dec-after"
