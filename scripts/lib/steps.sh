# Numbered steps for scripts/serve and scripts/test: "[3/7] Building the page", how long each
# took, and on failure a short, plain message (which step, the error lines, what to do) and exit 1.
# Source it, set STEPS to the number of steps, then call `step TITLE HINT COMMAND…` for each.
# Quiet by default (each step's output goes to target/logs/, with a progress line every 20 s);
# VERBOSE=1 streams it instead (scripts/test does, so CI logs show everything).

STEP=0
LOGS="${LOGS:-$PWD/target/logs}"
mkdir -p "$LOGS"

elapsed() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# What the step is doing now, from its log: the crate cargo compiles or the last line.
step_progress() {
  local log=$1 crates line
  crates=$(grep -c '^ *Compiling ' "$log" 2>/dev/null)
  line=$(grep -E '^ *(Compiling|Downloaded|Installing|Fetching|Optimizing|Building|Running)' "$log" 2>/dev/null | tail -n 1)
  [ -n "$line" ] || line=$(tail -n 1 "$log" 2>/dev/null | cut -c1-100)
  if [ "${crates:-0}" -gt 0 ]; then
    printf '%s (%s crates compiled so far)' "$(echo "$line" | sed 's/^ *//')" "$crates"
  else
    echo "$line" | sed 's/^ *//'
  fi
}

# step TITLE HINT COMMAND…: runs COMMAND as step number STEP+1 of STEPS.
step() {
  local title=$1 hint=$2; shift 2
  STEP=$((STEP + 1))
  local log="$LOGS/step-$STEP.log" start=$SECONDS status
  echo "[$STEP/$STEPS] $title"
  if [ "${VERBOSE:-0}" = 1 ]; then
    set +e; "$@" 2>&1 | tee "$log"; status=${PIPESTATUS[0]}; set -e
  else
    "$@" >"$log" 2>&1 &
    local pid=$! tick=0
    while kill -0 "$pid" 2>/dev/null; do
      sleep 1; tick=$((tick + 1))
      [ $((tick % 20)) = 0 ] && echo "      $(elapsed $((SECONDS - start))): $(step_progress "$log")"
    done
    set +e; wait "$pid"; status=$?; set -e
  fi
  if [ "$status" != 0 ]; then
    echo
    echo "✗ Step $STEP/$STEPS failed: $title (exit $status, after $(elapsed $((SECONDS - start))))."
    local errors
    errors=$(grep -E -A3 '^(error|Error|E: |npm ERR|fatal)' "$log" | head -n 20)
    [ -n "$errors" ] && echo "$errors" | sed 's/^/    /' || tail -n 15 "$log" | sed 's/^/    /'
    echo "  The whole output is in $log."
    echo "  What to do: $hint"
    exit 1
  fi
  echo "      done in $(elapsed $((SECONDS - start)))"
}
