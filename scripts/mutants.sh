#!/usr/bin/env bash
# Hand-written mutants: does anything notice when one rule's check is switched off?
#
# Each mutant is one small edit to the service, applied to a scratch copy of the working tree
# (tracked and untracked files, not target/), never to the tree itself. For each, the checks
# run in order until one fails:
#
#   1. the simulator at seed $MUTANT_SEED with $MUTANT_COMMANDS commands (release build);
#   2. cargo test -p partnerkit;
#   3. the mutated crate's own tests (cargo test -p <crate>).
#
# A mutant is caught by the first check that fails; "steps" is how many random commands the
# simulator sent before an invariant broke, or how many tests failed. Before any mutant the
# unmutated copy must pass the simulator (and each test suite the first time it is needed), so
# a catch is the mutant's doing. The scratch copy shares one CARGO_TARGET_DIR, so each mutant
# rebuilds incrementally.
#
# Usage (from the repository root): scripts/mutants.sh
#   MUTANT_COMMANDS  simulator budget per mutant (default 20000)
#   MUTANT_SEED      simulator seed (default 1)
#   MUTANTS_DIR      scratch copy and build directory (default target/mutants; kept between
#                    runs so dependencies are built once)
#
# Exits 0 if every mutant was caught, 1 if any survived, 2 if the script could not run
# (a mutant that no longer applies, a build failure, an unmutated copy that fails).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
COMMANDS="${MUTANT_COMMANDS:-20000}"
SEED="${MUTANT_SEED:-1}"
MUTANTS_DIR="${MUTANTS_DIR:-$ROOT/target/mutants}"
SRC="$MUTANTS_DIR/src"
LOGS="$MUTANTS_DIR/logs"
export CARGO_TARGET_DIR="$MUTANTS_DIR/target"
export CARGO_TERM_COLOR=never

# Each mutant: a name, the file, what it switches off, and a sed script that must change
# exactly one line of the file (an `a` command adds one).
NAMES=() FILES=() WHATS=() SCRIPTS=()
mutant() {
  NAMES+=("$1") FILES+=("$2") WHATS+=("$3") SCRIPTS+=("$4")
}
mutant "USR-7 off" crates/access/src/decide.rs "the last-Manager guard never refuses" \
  's/^    Err(Error::LastManager)$/    Ok(())/'
mutant "ROL-8 off" crates/access/src/policy.rs "Authorized::check_gives always Ok" \
  's/^        if !command.gives_or_takes() {$/        if true || !command.gives_or_takes() {/'
mutant "ROL-9 off" crates/access/src/policy.rs "Authorized::check_acts_on always Ok" \
  's/^        if self.principal.is_none() {$/        if true || self.principal.is_none() {/'
mutant "X-8 off" crates/access/src/policy.rs "Authorized::classes is every class for everyone" \
  's/^            Some(_) => covered_classes(self.holds),$/            Some(_) => DataClasses::ALL,/'
mutant "PAY-1 off" crates/payouts/src/decide.rs "payouts lets anyone change payout settings" \
  's/^                _ => Err(Error::NotOwnerAccount),$/                _ => Ok(()),/'
mutant "X-2 order" crates/access/src/policy.rs "admit checks the requirement before sign-in" \
  '/^    let cannot = || Denial::CannotSignIn { actor: \*actor };$/a\    if requirement == Requirement::Marketplace \&\& *actor != Actor::Marketplace { return Err(Denial::MarketplaceOnly { actor: *actor }); }'

die() {
  echo "mutants.sh: $*" >&2
  exit 2
}

cleanup() {
  rm -rf "$SRC"
}
trap cleanup EXIT

# A fresh scratch copy. Files get new modification times, so cargo rebuilds the workspace's
# own crates once per run and never mistakes a mutant's build for the original's.
rm -rf "$SRC"
mkdir -p "$SRC" "$LOGS"
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [[ -e "$f" ]] && printf '%s\0' "$f"; done |
  tar --null -T - -cf - | tar -xmf - -C "$SRC"

# The package a file belongs to: the `name` in the nearest Cargo.toml above it.
package_of() {
  local dir
  dir="$(dirname "$1")"
  while [[ "$dir" != "." && ! -f "$SRC/$dir/Cargo.toml" ]]; do dir="$(dirname "$dir")"; done
  sed -n 's/^name *= *"\(.*\)"/\1/p' "$SRC/$dir/Cargo.toml" | head -n 1
}

# Runs the simulator in the scratch copy; prints the commands sent before a failure, or
# "pass". Log in $1.
run_sim() {
  local log="$1"
  if ! (cd "$SRC" && cargo build -q -p partnerkit-sim --release) >"$log" 2>&1; then
    echo "build-failed"
    return
  fi
  if (cd "$SRC" && "$CARGO_TARGET_DIR/release/partnerkit-sim" --commands "$COMMANDS" --seed "$SEED") >>"$log" 2>&1; then
    echo "pass"
  else
    local n
    n="$(sed -n 's/^invariant broken (seed [0-9]*, run [0-9]*, after \([0-9]*\) commands).*/\1/p' "$log" | head -n 1)"
    echo "${n:-?}"
  fi
}

# Runs `cargo test -p $2`; prints how many tests failed, or "pass". Log in $1.
run_tests() {
  local log="$1" package="$2"
  if (cd "$SRC" && cargo test -q -p "$package") >"$log" 2>&1; then
    echo "pass"
  elif grep -q '^error: could not compile' "$log"; then
    echo "build-failed"
  else
    local failed
    failed="$(sed -n 's/.*test result: FAILED\. [0-9]* passed; \([0-9]*\) failed.*/\1/p' "$log" |
      awk '{ s += $1 } END { print s + 0 }')"
    echo "$failed"
  fi
}

# The unmutated copy passes the simulator; each test suite is checked the first time needed.
echo "== unmutated copy: simulator, seed $SEED, $COMMANDS commands"
started=$SECONDS
base="$(run_sim "$LOGS/unmutated-sim.log")"
[[ "$base" == "pass" ]] || die "the unmutated copy fails the simulator ($base): see $LOGS/unmutated-sim.log"
echo "   passes ($((SECONDS - started)) s)"
declare -A BASELINE=()
# True if `cargo test -p $1` passes on the unmutated copy; $2 is the mutated file, put back
# to its original for the run and mutated again after it.
baseline_passes() {
  local package="$1" mutated="$2"
  if [[ -z "${BASELINE[$package]:-}" ]]; then
    echo "   unmutated copy: cargo test -p $package"
    cp "$mutated" "$MUTANTS_DIR/mutated"
    cp "$MUTANTS_DIR/original" "$mutated" && touch "$mutated"
    BASELINE[$package]="$(run_tests "$LOGS/unmutated-$package.log" "$package")"
    cp "$MUTANTS_DIR/mutated" "$mutated" && touch "$mutated"
  fi
  [[ "${BASELINE[$package]}" == "pass" ]]
}

rows=()
details=()
survived=0
for i in "${!NAMES[@]}"; do
  name="${NAMES[$i]}" file="${FILES[$i]}" what="${WHATS[$i]}" script="${SCRIPTS[$i]}"
  slug="$(echo "$name" | tr 'A-Z ' 'a-z-' | tr -cd 'a-z0-9-')"
  target="$SRC/$file"
  [[ -f "$target" ]] || die "$name: $file does not exist"
  cp "$target" "$MUTANTS_DIR/original"
  sed -i -e "$script" "$target"
  changed="$(diff "$MUTANTS_DIR/original" "$target" | grep -c '^>' || true)"
  [[ "$changed" == "1" ]] || die "$name: the edit to $file changed $changed lines, not one: the source moved, update the mutant"
  echo "== $name: $what ($file)"
  { diff "$MUTANTS_DIR/original" "$target" || true; } | sed -n 's/^> /   + /p'

  caught_by="" steps=""
  result="$(run_sim "$LOGS/$slug-sim.log")"
  case "$result" in
    build-failed) die "$name: the mutant does not build: see $LOGS/$slug-sim.log" ;;
    pass) ;;
    *)
      caught_by="simulator (seed $SEED)"
      steps="$result command$([[ "$result" == 1 ]] || echo s)"
      details+=("$name: $(grep -m 1 '^invariant broken' "$LOGS/$slug-sim.log" | cut -c 1-300)")
      ;;
  esac
  if [[ -z "$caught_by" ]]; then
    package="$(package_of "$file")"
    suites=(partnerkit)
    [[ "$package" != "partnerkit" ]] && suites+=("$package")
    for suite in "${suites[@]}"; do
      baseline_passes "$suite" "$target" || die "the unmutated copy fails cargo test -p $suite: see $LOGS/unmutated-$suite.log"
      result="$(run_tests "$LOGS/$slug-$suite.log" "$suite")"
      case "$result" in
        build-failed) die "$name: the mutant's tests do not build: see $LOGS/$slug-$suite.log" ;;
        pass) ;;
        *)
          caught_by="cargo test -p $suite"
          steps="$result tests failed"
          details+=("$name: $(grep -m 1 -- '^---- .* stdout ----' "$LOGS/$slug-$suite.log" || echo "see $LOGS/$slug-$suite.log")")
          break
          ;;
      esac
    done
  fi
  if [[ -z "$caught_by" ]]; then
    caught_by="SURVIVED"
    steps="-"
    survived=$((survived + 1))
  fi
  echo "   caught by: $caught_by ($steps)"
  rows+=("$name | $caught_by | $steps")

  cp "$MUTANTS_DIR/original" "$target"
  touch "$target"
done

echo
echo "mutant | caught by | steps"
echo "--- | --- | ---"
printf '%s\n' "${rows[@]}"
echo
printf '%s\n' "${details[@]}"
echo "(simulator: --commands $COMMANDS --seed $SEED, release; logs in $LOGS)"
if ((survived > 0)); then
  echo "$survived mutant(s) survived" >&2
  exit 1
fi
