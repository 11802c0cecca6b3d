#!/bin/bash
# Regenerates po/layerlab.pot from po/POTFILES.in and merges it into every
# translation, so translators see the new strings. Run after adding strings.
set -euo pipefail
cd "$(dirname "$0")/.."
xgettext --from-code=UTF-8 --add-comments=Translators --keyword=_ --keyword=N_ \
  --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 \
  --package-name=layerlab --msgid-bugs-address=https://github.com/layerlab/layerlab/issues \
  --files-from=po/POTFILES.in --output=po/layerlab.pot
for lang in $(grep -v '^#' po/LINGUAS); do
  msgmerge --quiet --update --backup=none --no-fuzzy-matching po/$lang.po po/layerlab.pot
  msgattrib --no-obsolete -o po/$lang.po po/$lang.po
done
