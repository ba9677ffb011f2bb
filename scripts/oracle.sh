#!/usr/bin/env bash
# Apache Kafka as the oracle (docs/FIDELITY.md). Installs what is missing (a JDK 17 and Maven
# from Debian; Maven fetches Kafka's jars from Maven Central into ~/.m2), builds oracle/, then
#   - runs Kafka's algorithms through Kafka's own classes on seeded inputs (oracle/recorded/*.json
#     but scenario-*.json),
#   - runs every oracle/scenarios/*.kss on a real KRaft cluster on 127.0.0.1 (a JVM per node, a
#     fault proxy between all of them) and records its observations (oracle/recorded/scenario-*.json),
#   - compares everything with the model (crates/kafkascope-core/tests/oracle_scenarios.rs,
#     crates/kafka-sim/tests/oracle_algorithms.rs) and prints
#     "N of M observations match Apache Kafka <version>".
#
#   bash scripts/oracle.sh            re-record everything, then compare
#   bash scripts/oracle.sh --smoke    CI's end-to-end check: one small scenario recorded afresh
#                                     into target/oracle-smoke/ and compared; nothing committed changes
#   bash scripts/oracle.sh --compare  compare the committed recordings only (no Java)
#   bash scripts/oracle.sh --only NAME...  re-record those scenarios (oracle/scenarios/NAME.kss), compare all
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-all}

# The comparators: the scenarios in the core's tests, the algorithms in kafka-sim's (the
# assignors are compared through `kafka-sim assign`'s JSON).
compare() {
  local status=0
  { cargo test -p kafkascope-core --test oracle_scenarios -- --nocapture 2>&1 || status=1
    [ -n "${ORACLE_ONLY:-}" ] || cargo test -p kafka-sim --test oracle_algorithms -- --nocapture 2>&1 || status=1
  } > target/oracle-compare.log
  grep -E "observations match|cases match|^    known|^  [a-z].*: .*Kafka|test result" target/oracle-compare.log || true
  if [ "$status" -ne 0 ]; then
    echo "oracle: the comparison failed (target/oracle-compare.log)" >&2
    return 1
  fi
  # the line: scenario observations and algorithm cases together
  awk '
    /^[0-9]+ of [0-9]+ observations match Apache Kafka/ { sn = $1; sm = $3; v = $8 }
    /^[a-z-]+: [0-9]+ of [0-9]+ cases match Apache Kafka/ { an += $2; am += $4; v = $9 }
    END {
      if (sm + am == 0) exit 1
      printf "%d of %d observations match Apache Kafka %s (scenarios: %d of %d; algorithms: %d of %d cases)\n", sn + an, sm + am, v, sn, sm, an, am
    }' target/oracle-compare.log
}

mkdir -p target
if [ "$mode" = --compare ]; then
  compare
  exit
fi

if ! command -v java >/dev/null || ! command -v mvn >/dev/null || ! java -version 2>&1 | grep -q '"1[7-9]\|"2[0-9]'; then
  echo "oracle: installing a JDK 17 and Maven (Debian)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
fi

t0=$SECONDS
# ORACLE_M2: another Maven repository (e.g. an empty one, to time a fresh machine's download)
mvn -q -B ${ORACLE_M2:+-Dmaven.repo.local=$ORACLE_M2} -f oracle/pom.xml compile
cp="oracle/target/classes:$(cat oracle/target/classpath.txt)"
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' oracle/pom.xml)
echo "oracle: Apache Kafka $version built in $(( SECONDS - t0 )) s"

# A free block of ports: each node and each proxied link takes one (Cluster.java's layout).
base=${ORACLE_BASE_PORT:-29000}

record() { # scenario.kss out.json
  local work
  work=$(mktemp -d "${TMPDIR:-/tmp}/kafkascope-oracle.XXXXXX")
  echo "oracle: $1 on a real cluster (work dir $work)"
  local started=$SECONDS
  if ! java -Xmx512m -Dorg.apache.logging.log4j.level=WARN \
      -Dlog4j2.configurationFile=oracle/log4j2-driver.properties -Doracle.log="$work/driver.log" \
      -Doracle.command="bash scripts/oracle.sh$( [ "$mode" = --smoke ] && echo ' --smoke')" \
      -cp "$cp" kafkascope.oracle.Driver "$1" "$2" "$base" "$work" 2>"$work/driver.stderr"; then
    tail -30 "$work/driver.stderr" >&2
    echo "oracle: $1 failed; logs in $work" >&2
    return 1
  fi
  echo "oracle: recorded $2 in $(( SECONDS - started )) s"
  rm -rf "$work"
}

if [ "$mode" = --smoke ]; then
  mkdir -p target/oracle-smoke
  record oracle/scenarios/smoke-acks-all-leader-dies.kss target/oracle-smoke/scenario-smoke-acks-all-leader-dies.json
  ORACLE_RECORDED_DIR="$PWD/target/oracle-smoke" ORACLE_ONLY=smoke-acks-all-leader-dies compare
  exit
fi

if [ "$mode" = --only ]; then
  shift
  for name in "$@"; do
    record "oracle/scenarios/$name.kss" "oracle/recorded/scenario-$name.json"
  done
  compare
  exit
fi

java -Dorg.apache.logging.log4j.level=OFF -cp "$cp" kafkascope.oracle.Algorithms oracle/recorded
for s in oracle/scenarios/*.kss; do
  name=$(basename "$s" .kss)
  record "$s" "oracle/recorded/scenario-$name.json"
done
compare
