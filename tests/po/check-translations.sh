#!/bin/sh
# Fails when a user-visible string has no Simplified Chinese translation, or a
# fuzzy one, or when a source file with translatable strings is missing from
# po/POTFILES.in. Usage: check-translations.sh SOURCE_ROOT
set -eu
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"

status=0
for f in $(git ls-files 'app/*.c' 'engine/*.c' 'widgets/*.c' 'resources/*.ui' 'resources/*.in' 'resources/*.xml' 2>/dev/null || true); do
  if grep -qE '(^|[^A-Za-z0-9_])N?_ ?\(|translatable="yes"|<name>|<summary>|^Name=|^Comment=' "$f" && ! grep -qxF "$f" po/POTFILES.in; then
    echo "po/POTFILES.in: missing $f, which has translatable strings"
    status=1
  fi
done

xgettext --from-code=UTF-8 --add-comments=Translators --keyword=_ --keyword=N_ \
  --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 \
  --files-from=po/POTFILES.in --directory="$root" --output="$tmp/layerlab.pot" 2>"$tmp/xgettext.log" || {
  cat "$tmp/xgettext.log"; exit 1; }
msgmerge --quiet --no-fuzzy-matching po/zh_CN.po "$tmp/layerlab.pot" -o "$tmp/zh_CN.po"
stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$tmp/zh_CN.po" 2>&1)
echo "zh_CN: $stats"
case "$stats" in
  *untranslated*|*fuzzy*)
    msgattrib --untranslated --only-fuzzy "$tmp/zh_CN.po" 2>/dev/null | head -40
    msgattrib --untranslated "$tmp/zh_CN.po" | grep '^msgid' | head -40
    status=1 ;;
esac
# Entries the sources no longer use are stale: keep the catalogue tidy.
obsolete=$(msgattrib --only-obsolete "$tmp/zh_CN.po" | grep -c '^#~ msgid' || true)
if [ "$obsolete" -gt 0 ]; then
  echo "po/zh_CN.po: $obsolete translations of strings the sources no longer have (run msgmerge)"
  status=1
fi
exit $status
