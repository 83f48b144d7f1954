#!/usr/bin/env bash
# Times `helpline classify --json` against the scikit-learn baseline's batch prediction on the
# same input, whole process each, RUNS times in turn, and prints the medians and their ratio.
#
#   python3 scripts/make-classify-input.py > /tmp/classify-50k.txt
#   /tmp/sk-venv/bin/python scripts/baseline-classify.py fit --model /tmp/baseline.pkl < /dev/null
#   scripts/compare-classify.sh /tmp/classify-50k.txt [RUNS] [HELPLINE] [PYTHON]
#
# Wall time is what a user waits for; CPU time (user + system) is what each side costs, and moves
# less when other jobs share the machine.
set -euo pipefail
input=${1:?input file}
runs=${2:-5}
helpline=${3:-.build/release/helpline}
python=${4:-/tmp/sk-venv/bin/python}
model=${MODEL:-/tmp/baseline.pkl}
here=$(cd "$(dirname "$0")" && pwd)
times=$(mktemp)
trap 'rm -f "$times"' EXIT

for _ in $(seq "$runs"); do
    /usr/bin/time -f "helpline %e %U %S" -a -o "$times" "$helpline" classify --json < "$input" > /dev/null
    /usr/bin/time -f "baseline %e %U %S" -a -o "$times" "$python" "$here/baseline-classify.py" predict --model "$model" \
        < "$input" > /dev/null 2>/dev/null
done

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
lines=$(wc -l < "$input")
for side in helpline baseline; do
    wall=$(awk -v s="$side" '$1 == s { print $2 }' "$times" | median)
    cpu=$(awk -v s="$side" '$1 == s { print $3 + $4 }' "$times" | median)
    echo "$side: wall $wall s, cpu $cpu s (median of $runs), $(awk -v w="$wall" -v n="$lines" 'BEGIN { printf "%.1f", w / n * 1e6 }') µs a line"
    eval "${side}_wall=$wall ${side}_cpu=$cpu"
done
awk -v hw="$helpline_wall" -v bw="$baseline_wall" -v hc="$helpline_cpu" -v bc="$baseline_cpu" \
    'BEGIN { printf "ratio (baseline / helpline): wall %.1f×, cpu %.1f×\n", bw / hw, bc / hc }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
