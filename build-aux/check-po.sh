#!/bin/bash
# Fails when po/vi.po misses, leaves untranslated or fuzzy any string of the sources listed in
# po/POTFILES.in, or when a source file with translatable strings is not listed there.
set -euo pipefail
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Same keywords as meson's 'glib' preset.
xgettext --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  -f po/POTFILES.in -o "$tmp/passdesk.pot" 2>"$tmp/xgettext.log" || { cat "$tmp/xgettext.log"; exit 1; }

status=0
msgfmt --check -o /dev/null po/vi.po || status=1
if ! msgcmp po/vi.po "$tmp/passdesk.pot" 2>"$tmp/msgcmp.log"; then
  echo "po/vi.po lacks translations:"; grep -c "this message is used but not defined" "$tmp/msgcmp.log" || true
  head -40 "$tmp/msgcmp.log"; status=1
fi
fuzzy=$(msgattrib --only-fuzzy --no-obsolete po/vi.po | grep -c '^msgid' || true)
if [ "$fuzzy" -gt 0 ]; then echo "po/vi.po has $fuzzy fuzzy entries"; status=1; fi
untranslated=$(msgattrib --untranslated --no-obsolete po/vi.po | grep -c '^msgid' || true)
if [ "$untranslated" -gt 1 ]; then echo "po/vi.po has $((untranslated - 1)) untranslated entries"; status=1; fi

# One spelling: the mark of a closing "uy" sits on the u (tùy, hủy, ủy), as in "Tùy chọn".
old_style=$(LC_ALL=C.UTF-8 grep -noP '(?<![qQ])[uU][ỳỷỹýỵỲỶỸÝỴ](?![\p{L}])' po/vi.po || true)
if [ -n "$old_style" ]; then echo "po/vi.po spells uy the old way (write ùy, ủy…):"; echo "$old_style" | head; status=1; fi

# Every source file that marks strings must be listed in POTFILES.in.
for f in $(grep -rlE '\b(_|N_|C_)\s*\(' src --include=*.c) $(grep -rl 'translatable="yes"' ui 2>/dev/null); do
  grep -qx "$f" po/POTFILES.in || { echo "$f has translatable strings but is not in po/POTFILES.in"; status=1; }
done
exit $status
