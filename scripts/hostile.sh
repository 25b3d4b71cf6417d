#!/usr/bin/env bash
# Hostile inputs under time and memory bounds: tenet must finish each within its time, under the
# address-space limit, and exit 0, 1 or 2 (never a panic's 101 or a signal; `prove` may also exit 3,
# unknown). Run by CI after the
# tests (it uses the binary they built: $CARGO_TARGET_DIR or target, debug/tenet; or $TENET).
#
# Usage: scripts/hostile.sh        Exit: 0 all bounded, 1 a case failed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tenet="${TENET:-${CARGO_TARGET_DIR:-$root/target}/debug/tenet}"
[ -x "$tenet" ] || { echo "hostile: no $tenet; run cargo build first" >&2; exit 1; }
memory_kb="${HOSTILE_MEMORY_KB:-4000000}"   # 4 GB of address space (the debug binary maps a lot)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

# case NAME SECONDS ARGS...: runs tenet in $work with the bounds and checks how it ended.
case_() {
  local name="$1" seconds="$2"
  shift 2
  local start end rc
  start=$(date +%s%N)
  (ulimit -v "$memory_kb"; cd "$work" && timeout "$seconds" "$tenet" "$@" >"$work/out" 2>"$work/err" </dev/null)
  rc=$?
  end=$(date +%s%N)
  local ms=$(((end - start) / 1000000))
  if [ "$rc" -le "${max_rc:-2}" ]; then
    printf 'ok   %-44s exit %d in %6d ms (bound %ss)\n' "$name" "$rc" "$ms" "$seconds"
  else
    printf 'FAIL %-44s exit %d in %6d ms (bound %ss, 124 = timeout)\n' "$name" "$rc" "$ms" "$seconds"
    head -c 600 "$work/err" | sed 's/^/     /'
    failures=$((failures + 1))
  fi
}

py() { python3 -c "$1"; }

# One minified line of 20,000 statements (findings far past column 65,535).
py "import json; print(json.dumps({'Version':'2012-10-17','Statement':[{'Sid':'S%d'%i,'Effect':'Allow','Action':'s3:GetObject','Resource':'arn:aws:s3:::b/*'} for i in range(20000)]},separators=(',',':')))" > "$work/long-line.json"
case_ "one line of 20k statements (human)" 60 lint long-line.json
case_ "one line of 20k statements (sarif)" 60 lint --format sarif long-line.json

# A condition with 50,000 values, and a principal list of 10,000 accounts.
py "import json; print(json.dumps({'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'*','Condition':{'StringLike':{'aws:PrincipalTag/team':['t%d*?'%i for i in range(50000)]}}}]}))" > "$work/values.json"
case_ "50k condition values" 60 lint values.json
py "import json; print(json.dumps({'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':['arn:aws:iam::%012d:root'%i for i in range(10000)]},'Action':'s3:GetObject','Resource':'arn:aws:s3:::b/*'}]}))" > "$work/principals.json"
case_ "10k principals" 60 lint principals.json

# *?*?*… patterns in every string position.
py "
import json
p='*?'*2000
print(json.dumps({'Version':'2012-10-17','Id':p,'Statement':[{'Sid':'A','Effect':'Allow','Principal':{'AWS':p},'Action':['s3:'+p, p],'NotResource':['arn:aws:s3:::'+p, p],'Condition':{'StringLike':{p:p},'ArnLike':{'aws:SourceArn':'arn:aws:'+p}}} for _ in range(20)]}))" > "$work/stars.json"
case_ "*?*?* patterns everywhere" 60 lint stars.json
case_ "*?*?* patterns everywhere (--kind resource)" 60 lint --kind resource stars.json

# Deep nesting, and a file over the size limit.
py "print('['*100000 + ']'*100000)" > "$work/deep.json"
case_ "100k nested arrays" 30 lint deep.json
head -c 70000000 /dev/zero | tr '\0' ' ' > "$work/huge.json"
case_ "70 MB of spaces (over the size limit)" 30 lint huge.json
rm -f "$work/huge.json"

# 100,000 files, and symbolic link loops.
mkdir -p "$work/many"
py "
import os
d='$work/many'
doc='{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}'
for i in range(100000):
    sub=os.path.join(d,'d%03d'%(i//1000))
    if i%1000==0: os.makedirs(sub,exist_ok=True)
    open(os.path.join(sub,'p%d.json'%i),'w').write(doc)
"
case_ "100k files" 240 lint --format json many
rm -rf "$work/many"
mkdir -p "$work/loops/a/b"
ln -s .. "$work/loops/a/b/up"
ln -s "$work/loops" "$work/loops/a/root"
ln -s self "$work/loops/self"
echo '{"Version":"2012-10-17","Statement":[]}' > "$work/loops/a/p.json"
case_ "symbolic link loops" 20 lint loops

# Multi-byte text where a reader cuts its input: a YAML scalar of Unicode whitespace (`　`, three
# bytes) trims to nothing, and its span once kept one byte of it.
printf 'Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: \343\200\200\n            Resource: "*"\n' > "$work/ideographic-space.yaml"
case_ "YAML scalar of ideographic space" 20 lint ideographic-space.yaml

# The prover under its limits: 300-statement wildcard bucket policies (stars in the account, the
# bucket name, the action; `?` with inner stars) and AWS's ReadOnlyAccess (thousands of action
# patterns; a look-alike when ../shared is absent) compared with itself. Each ends `holds` or
# `unknown` with the reason, within its `--timeout` (the whole work, not only Z3) plus start-up.
max_rc=3
py "
import json
shapes = {
 'prefixes': lambda i: {'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::%d:root'%(100000000000+i)},'Action':['s3:Get*','s3:List*'],'Resource':['arn:aws:s3:::bucket-%d*'%i,'arn:aws:s3:::bucket-%d*/*'%i]},
 'inner-stars': lambda i: {'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':'arn:aws:s3:::*-%d-*/*'%i,'Condition':{'StringEquals':{'aws:PrincipalOrgID':'o-exampleorg'}}},
 'action-stars': lambda i: {'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::%d:root'%(100000000000+i)},'Action':'s3:*%d*'%i,'Resource':'arn:aws:s3:::bucket*%d*/*'%i},
 'question-marks': lambda i: {'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::111111111111:root'},'Action':'s3:*','Resource':'arn:aws:s3:::b?c*%d/*x*'%i},
}
for name, f in shapes.items():
    json.dump({'Version':'2012-10-17','Statement':[f(i) for i in range(300)]}, open('$work/w-%s.json'%name,'w'))
    open('$work/w-%s.tenet'%name,'w').write('property p: not public \"w-%s.json\"\n'%name)
"
for shape in prefixes inner-stars action-stars question-marks; do
  case_ "prove 300 wildcard statements ($shape), 1 s" 6 prove --timeout 1000 "w-$shape.tenet"
  case_ "prove 300 wildcard statements ($shape), 5 s" 15 prove --timeout 5000 "w-$shape.tenet"
done
managed="$root/../shared/corpora/aws-managed-policies/ReadOnlyAccess.json"
if [ -f "$managed" ]; then
  cp "$managed" "$work/ro.json"
else
  py "import json; print(json.dumps({'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':['svc%d:%s'%(i//3,['Get*','List%dThings'%i,'Describe%d'%i][i%3]) for i in range(4000)],'Resource':'*'}]}))" > "$work/ro.json"
fi
echo 'property same: equivalent "ro.json" and "ro.json"' > "$work/ro.tenet"
case_ "prove ReadOnlyAccess equivalent to itself, 0.2 s" 4 prove --timeout 200 ro.tenet
case_ "prove ReadOnlyAccess equivalent to itself, 1 s" 6 prove --timeout 1000 ro.tenet
case_ "prove ReadOnlyAccess equivalent to itself, 5 s" 15 prove --timeout 5000 ro.tenet
max_rc=2

if [ "$failures" -eq 0 ]; then
  echo "hostile: every case bounded"
else
  echo "hostile: $failures case(s) failed"
  exit 1
fi
