#!/usr/bin/env bash
# Fails when any executable built in the build folder links plain libsqlite3: next to SQLCipher
# it can turn PRAGMA key into a no-op and the data would be written in plaintext.
set -euo pipefail
build=$1
found=0
checked=0
while IFS= read -r -d '' exe; do
  magic=$(head -c4 "$exe" | od -An -c | tr -d ' ')
  if [ "$magic" = '177ELF' ]; then
    checked=$((checked + 1))
    # Captured first: `ldd | grep -q` under pipefail fails at random when grep stops reading.
    libs=$(ldd "$exe" 2>/dev/null || true)
    if grep -E 'libsqlite3\.so' <<<"$libs" >/dev/null; then
      echo "$exe links plain libsqlite3:"; grep sqlite <<<"$libs"
      found=1
    fi
    symbols=$(nm -D "$exe" 2>/dev/null || true)
    if ! grep -q 'libsqlcipher\.so' <<<"$libs" && grep -q ' sqlite3_open' <<<"$symbols"; then
      echo "$exe uses sqlite3_open but does not link libsqlcipher"; found=1
    fi
  fi
done < <(find "$build" -type f -perm -u+x ! -name '*.sh' ! -path '*/CMakeFiles/*' -print0)
echo "checked $checked executables"
[ "$checked" -gt 0 ] || { echo "no executables found in $build"; exit 1; }
exit $found
