#!/bin/sh
# test_layers.sh — the layers of models/ (models/README.md): a module
# includes the headers of modules in lower layers only, never its own layer
# or above, so no two include each other (sim/ is below everything).
# A new module must be given a layer here and in the README.
# And the layers of the folders (docs/model.md, Architecture): sim/
# includes nothing of ours outside sim/, output/ nothing of models/ or cli/,
# models/ nothing of cli/ or output/, and cli/ of models/ only the façade,
# models/caseload.h; fit/ nothing of cli/.
cd "$(dirname "$0")/.." || exit 2
layer() {
    case $1 in
        scenario|hazard|trace) echo 0 ;;
        model|loader|recorder) echo 1 ;;
        binding|costs|estimate|market) echo 2 ;;
        workers) echo 3 ;;
        pathway) echo 4 ;;
        demand|interventions|allocation|posts|invariants) echo 5 ;;
        metrics) echo 6 ;;
        replication|scenario_load) echo 7 ;;
        drift) echo 8 ;;
        caseload) echo 9 ;;
        *) echo "" ;;
    esac
}
bad=0
for f in models/*.c models/*.h; do
    mod=$(basename "$f"); mod=${mod%.*}
    me=$(layer "$mod")
    if [ -z "$me" ]; then echo "test_layers: $f: module $mod has no layer"; bad=1; continue; fi
    for dep in $(sed -n 's/^#include "models\/\([a-z_]*\)\.h".*/\1/p' "$f"); do
        [ "$dep" = "$mod" ] && continue
        d=$(layer "$dep")
        if [ -z "$d" ]; then echo "test_layers: $f includes $dep.h, which has no layer"; bad=1; continue; fi
        if [ "$d" -ge "$me" ]; then
            echo "test_layers: $f (layer $me) includes $dep.h (layer $d)"; bad=1
        fi
    done
done
across=$(grep -n '#include "\(models\|output\|cli\)/' sim/*.[ch]
          grep -n '#include "\(models\|cli\)/' output/*.[ch]
          grep -n '#include "\(cli\|output\)/' models/*.[ch]
          grep -n '#include "cli/' fit/*.[ch]
          grep -n '#include "models/' cli/*.[ch] cli/mpi/*.[ch] | grep -v '"models/caseload.h"')
if [ -n "$across" ]; then
    echo "test_layers: includes across the folders' layers:"; echo "$across"; bad=1
fi
[ $bad = 0 ] && echo "test_layers: models/ includes follow the layers, and the folders theirs"
exit $bad
